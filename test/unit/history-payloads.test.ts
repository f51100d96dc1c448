/**
 * bench/history-payloads.ts's reading of a history, on a recorded debate (test/fixtures/histories):
 * every payload found under the kind that carries it, its size the bytes of its data and metadata.
 */
import { temporal } from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { largestPayloads } from '../../bench/history-payloads';

const file = path.join(__dirname, '..', 'fixtures', 'histories', 'maft-fixture-l1-train-arithmetic-0.01a236ff-b6bd-7dfe-b230-257023089b6d.json');
const json = JSON.parse(readFileSync(file, 'utf8')) as { events: Array<Record<string, { input?: RawPayloads; result?: RawPayloads }>> };
type RawPayloads = { payloads: Array<{ metadata: Record<string, string>; data: string }> };

/** Bytes of a payload as the JSON history spells it: base64 data and metadata values, key lengths. */
const rawBytes = ({ metadata, data }: RawPayloads['payloads'][number]) =>
  Buffer.from(data, 'base64').length + Object.entries(metadata).reduce((sum, [k, v]) => sum + k.length + Buffer.from(v, 'base64').length, 0);
const only = (payloads: RawPayloads | undefined) => rawBytes(payloads!.payloads[0]);
const attributes = (name: string) => json.events.find((e) => name in e)![name];

describe('largestPayloads', () => {
  const largest = largestPayloads(temporal.api.history.v1.History.fromObject(json).events);

  it("finds a debate's input, its activity's input and result, and the debate's result, each at its size", () => {
    expect(largest).toEqual({
      'workflow input debate': only(attributes('workflowExecutionStartedEventAttributes').input),
      'activity input debateQuestion': only(attributes('activityTaskScheduledEventAttributes').input),
      'activity result debateQuestion': only(attributes('activityTaskCompletedEventAttributes').result),
      'workflow result': only(attributes('workflowExecutionCompletedEventAttributes').result),
    });
  });

  it("sees that the debate activity's result, which carries the debate's text, is the largest", () => {
    const result = JSON.parse(Buffer.from(attributes('activityTaskCompletedEventAttributes').result!.payloads[0].data, 'base64').toString('utf8'));
    expect(Object.keys(result).sort()).toEqual(['conversations', 'outcome', 'summaries']);
    expect(Math.max(...Object.values(largest))).toBe(largest['activity result debateQuestion']);
    expect(largest['workflow result']).toBeLessThan(200); // the parent gets only the outcome
  });
});
