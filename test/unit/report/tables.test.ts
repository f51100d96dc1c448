import { combineAccuracy, groupRuns } from '../../../core/report/aggregate';
import { buildReport } from '../../../core/report/report';
import { accuracyPerIterationTable, diversityPerRunTable, methodsByTaskTable } from '../../../core/report/tables';
import { diversity, record, section, tableRows } from './fixtures';

/** Three seeds of Multiagent FT on arithmetic, iterations 0..2; final accuracies 0.5, 0.6, 0.7. */
const multiagentSeeds = [0, 1, 2].flatMap((seed) =>
  [0, 1, 2].map((iteration) => record({ runId: `maft-${seed}`, method: 'Multiagent FT', seed, iteration, accuracy: 0.3 + 0.1 * iteration + 0.1 * seed })),
);

describe('combining seeds', () => {
  it('keeps one run its own binomial SE', () => {
    // n = 100, p = 0.75: the record's SE sqrt(0.75 * 0.25 / 100) = 0.0433
    const cell = combineAccuracy([record({ runId: 'r', method: 'Base', accuracy: 0.75 })]);
    expect(cell).toEqual({ mean: 0.75, standardError: Math.sqrt(0.1875 / 100), seeds: 1 });
  });

  it('takes the mean over seeds and the SE across seeds', () => {
    // 0.5, 0.6, 0.7: mean 0.6, s^2 = (0.01 + 0 + 0.01) / 2 = 0.01, SE = sqrt(0.01 / 3) = 0.0577
    const finals = multiagentSeeds.filter((r) => r.iteration === 2);
    expect(finals.map((r) => r.accuracy)).toEqual([0.5, 0.6, 0.7].map((v) => expect.closeTo(v, 12)));
    const cell = combineAccuracy(finals);
    expect(cell.mean).toBeCloseTo(0.6, 12);
    expect(cell.standardError).toBeCloseTo(Math.sqrt(0.01 / 3), 12);
    expect(cell.seeds).toBe(3);
  });
});

describe('Table 1', () => {
  const records = [
    ...multiagentSeeds,
    record({ runId: 'star', method: 'STaR', task: 'mmlu', accuracy: 0.25, total: 4 }),
    record({ runId: 'base', method: 'Base', accuracy: 0.75 }),
    record({ runId: 'base-gsm', method: 'Base', task: 'gsm8k', accuracy: 0.4 }),
    record({ runId: 'base-custom', method: 'Base', task: 'custom-task', accuracy: 0.9 }),
    record({ runId: 'debate-b', method: 'Debate', baseModel: 'model-b', accuracy: 0.6 }),
  ];

  it('has methods in the paper order, known tasks first, a block per base model, "—" where no run exists', () => {
    const markdown = buildReport('t', records).markdown;
    expect(tableRows(section(markdown, 'Table 1'))).toEqual([
      ['Base model', 'Method', 'arithmetic', 'gsm8k', 'mmlu', 'custom-task'],
      ['model-a', 'Base', '75.0 ± 4.3', '40.0 ± 4.9', '—', '90.0 ± 3.0'],
      ['', 'Debate', '—', '—', '—', '—'],
      ['', 'STaR', '—', '—', '25.0 ± 21.7', '—'],
      ['', 'Multiagent FT', '60.0 ± 5.8', '—', '—', '—'],
      ['model-b', 'Base', '—', '—', '—', '—'],
      ['', 'Debate', '60.0 ± 4.9', '—', '—', '—'],
      ['', 'STaR', '—', '—', '—', '—'],
      ['', 'Multiagent FT', '—', '—', '—', '—'],
    ]);
    expect(section(markdown, 'Table 2')).toContain('No ablation run in this experiment.');
  });

  it('reports the last iteration every seed reached', () => {
    // seed 0 reaches iteration 2, seed 1 only iteration 1: the cell is iteration 1, (0.4 + 0.6) / 2 ± sqrt(0.02 / 1 / 2) = 50.0 ± 10.0
    const groups = groupRuns([
      record({ runId: 's0', method: 'Multiagent FT', seed: 0, iteration: 0, accuracy: 0.3 }),
      record({ runId: 's0', method: 'Multiagent FT', seed: 0, iteration: 1, accuracy: 0.4 }),
      record({ runId: 's0', method: 'Multiagent FT', seed: 0, iteration: 2, accuracy: 0.8 }),
      record({ runId: 's1', method: 'Multiagent FT', seed: 1, iteration: 0, accuracy: 0.5 }),
      record({ runId: 's1', method: 'Multiagent FT', seed: 1, iteration: 1, accuracy: 0.6 }),
    ]);
    expect(tableRows(methodsByTaskTable(groups, ['Multiagent FT']))[1]).toEqual(['model-a', 'Multiagent FT', '50.0 ± 10.0']);
    // per iteration: 0 -> 0.3, 0.5 (40.0 ± 10.0); 2 -> seed 0 alone, its binomial SE sqrt(0.8 * 0.2 / 100) = 4.0
    expect(tableRows(accuracyPerIterationTable(groups))).toEqual([
      ['Base model', 'Task', 'Method', 'Seeds', '0', '1', '2'],
      ['model-a', 'arithmetic', 'Multiagent FT', '2 (final iterations 2, 1)', '40.0 ± 10.0', '50.0 ± 10.0', '80.0 ± 4.0'],
    ]);
  });
});

describe('Table 2', () => {
  it('lists known ablations in the paper order, then unknown labels alphabetically', () => {
    const methods = [
      'Zeta variant',
      'Multiagent FT (agent ids)',
      'Alpha variant',
      'Multiagent FT (w/o critic)',
      'Multiagent FT',
      'Base',
      'Single-agent FT (w/o debate)',
    ];
    const records = methods.map((method, i) => record({ runId: `r${i}`, method, accuracy: (i + 1) / 10 }));
    const rows = tableRows(section(buildReport('t', records).markdown, 'Table 2'));
    expect(rows.map((r) => r[1])).toEqual([
      'Method',
      'Multiagent FT',
      'Multiagent FT (w/o critic)',
      'Single-agent FT (w/o debate)',
      'Multiagent FT (agent ids)',
      'Alpha variant',
      'Zeta variant',
    ]);
    expect(rows[6]).toEqual(['', 'Zeta variant', '10.0 ± 3.0']);
  });
});

describe('diversity per run', () => {
  it('shows 1 - consensus and every scalar metric, each its own column, per iteration, "—" where unavailable', () => {
    const measured = diversity({
      consensus: 0.8,
      nll: 1.23456,
      klPairwise: 0.5,
      klFromBase: { generation: 0.25, critic: 0.125 },
      embeddingDissimilarity: 0.0625,
      unavailable: { agentKl: 'no logprobs' },
    });
    const records = [
      record({ runId: 'r', method: 'Multiagent FT', iteration: 1, diversity: measured }),
      record({ runId: 'r', method: 'Multiagent FT', iteration: 0, diversity: null }),
    ];
    expect(tableRows(diversityPerRunTable(groupRuns(records)))).toEqual([
      [
        'Run',
        'Method',
        'Task',
        'Base model',
        'Seed',
        'Iteration',
        'Accuracy %',
        'C.1 diversity (1 − consensus)',
        'NLL under a held-out agent (nats/token)',
        'C.2 KL between agents',
        'C.3 KL from base, generation agents',
        'C.3 KL from base, critic agents',
        'C.4 embedding dissimilarity (1 − cos)',
        "maft's k3 KL between agents' models (nats/token)",
      ],
      ['r', 'Multiagent FT', 'arithmetic', 'model-a', '0', '0', '50.0 ± 5.0', '—', '—', '—', '—', '—', '—', '—'],
      ['r', 'Multiagent FT', 'arithmetic', 'model-a', '0', '1', '50.0 ± 5.0', '0.200', '1.235', '0.500', '0.250', '0.125', '0.063', '—'],
    ]);
    const markdown = buildReport('t', records).markdown;
    expect(markdown).toContain('- `agentKl`: no logprobs (all runs)');
    expect(markdown).toContain('- `all diversity metrics`: no diversity measured (all runs)');
    // one plot per measured metric
    const plots = buildReport('t', records).plots.map((p) => p.path.split('--').at(-1));
    expect(plots).toEqual(['accuracy', 'diversity', 'nll', 'kl-pairwise', 'kl-from-base-generation', 'kl-from-base-critic', 'embedding-dissimilarity']);
  });
});

describe('inconsistent records', () => {
  it('names the run that has two records for one iteration', () => {
    expect(() => groupRuns([record({ runId: 'r1', method: 'Base' }), record({ runId: 'r1', method: 'Base' })])).toThrow('run r1: two records for iteration 0');
  });

  it('names the two runs that share a seed', () => {
    expect(() => groupRuns([record({ runId: 'r1', method: 'STaR' }), record({ runId: 'r2', method: 'STaR' })])).toThrow(
      'runs r1 and r2 are both STaR on arithmetic with model-a and seed 0',
    );
  });

  it('names a run whose method changes', () => {
    expect(() => groupRuns([record({ runId: 'r1', method: 'STaR' }), record({ runId: 'r1', method: 'Base', iteration: 1 })])).toThrow(
      'run r1: method is "STaR" at iteration 0 but "Base" at iteration 1',
    );
  });

  it('refuses an empty report', () => {
    expect(() => buildReport('t', [])).toThrow('report: no evaluation records');
  });
});
