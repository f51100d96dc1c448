import { parseRecordsJsonl, validateRecords } from '../../../core/report/record-schema';
import { behaviour, diversity, record } from './fixtures';

describe('record validation', () => {
  it('accepts well-formed records unchanged', () => {
    const records = [
      record({
        runId: 'r',
        method: 'Base',
        diversity: diversity({
          consensus: 0.5,
          pairwise: {
            metric: 'kl',
            matrix: [
              [0, 1],
              [1, 0],
            ],
          },
        }),
      }),
    ];
    expect(validateRecords(records)).toEqual(records);
  });

  it('accepts a behaviour profile, null, or none (records written before it existed)', () => {
    const records = [
      record({ runId: 'r', method: 'Base', behaviour: behaviour() }),
      record({ runId: 'r', method: 'Base', iteration: 1, behaviour: null }),
      record({ runId: 'r', method: 'Base', iteration: 2 }),
    ];
    expect(validateRecords(records)).toEqual(records);
    expect(parseRecordsJsonl(records.map((r) => JSON.stringify(r)).join('\n'), 'records.jsonl')).toEqual(records);
    const profile = behaviour();
    const bad = { ...profile, critics: [{ ...profile.critics[0], changes: { ...profile.critics[0].changes!, corrected: -1 } }] };
    expect(() => validateRecords([record({ runId: 'r', method: 'Base', behaviour: bad })])).toThrow(
      'records[0] (runId r): behaviour.critics.0.changes.corrected: Number must be greater than or equal to 0',
    );
  });

  it('names the record, its run and the field', () => {
    const records = [record({ runId: 'ok', method: 'Base' }), { ...record({ runId: 'bad', method: 'Base' }), accuracy: 1.5 }];
    expect(() => validateRecords(records)).toThrow('records[1] (runId bad): accuracy: Number must be less than or equal to 1');
    expect(() => validateRecords([{ ...record({ runId: 'r', method: 'Base' }), correct: 101 }])).toThrow(
      'records[0] (runId r): correct: correct exceeds total',
    );
    expect(() => validateRecords([{ ...record({ runId: 'r', method: 'Base' }), diversity: diversity({ consensus: 2 }) }])).toThrow(
      'records[0] (runId r): diversity.consensus: Number must be less than or equal to 1',
    );
  });

  it('names the file and line of a bad JSONL record', () => {
    const good = JSON.stringify(record({ runId: 'r', method: 'Base' }));
    const missingIteration = JSON.stringify({ ...record({ runId: 'r', method: 'Base', iteration: 1 }), iteration: undefined });
    expect(parseRecordsJsonl(`${good}\n\n`, 'records.jsonl')).toHaveLength(1);
    expect(() => parseRecordsJsonl(`${good}\n${missingIteration}\n`, 'out/records.jsonl')).toThrow('out/records.jsonl:2: iteration: Required');
    expect(() => parseRecordsJsonl(`${good}\n\n{"runId": `, 'out/records.jsonl')).toThrow(/^out\/records\.jsonl:3: invalid JSON/);
  });
});
