/**
 * STaR's rationalizer (activities/star.ts) on a stored arithmetic split: a round-1 reply cut at
 * max_tokens states no final answer, so it is rationalized like a wrong one, even when the number it
 * stops on happens to be the reference; a rationalization cut at max_tokens does not count as correct.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryStore } from '../../../activities/directory-store';
import { createDebateRecordActivities } from '../../../activities/debate-records';
import { createRunArtifacts } from '../../../activities/run-artifacts';
import { createRationalizer, type RationalizeInput } from '../../../activities/star';
import { artifactPaths } from '../../../core/artifact-paths';
import { parseRunConfig } from '../../../core/config';
import type { ModelCall, ModelReply } from '../../../core/debate';
import type { Question } from '../../../core/tasks/question';

const store = new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-star-')));
const artifacts = createRunArtifacts(store);
let question: Question;

beforeAll(async () => {
  const task = parseRunConfig({ runId: 's', baseModel: 'b', task: { trainSize: 1, testSize: 1 } }).task;
  await createDebateRecordActivities(artifacts).prepareTask({ runId: 's', seed: 0, task });
  [question] = await store.readJsonl<Question>(artifactPaths.split('s', 'train'));
});

/** A rationalizer whose model replies `reply` (cut or not), and the calls it got. */
function rationalizer(reply: ModelReply) {
  const calls: ModelCall[] = [];
  const rationalize = createRationalizer(async (call) => (calls.push(call), reply), artifacts);
  return { rationalize, calls };
}

const input = (answer: string, truncated: boolean): RationalizeInput => ({
  runId: 's',
  task: 'arithmetic',
  split: 'train',
  index: 0,
  model: 'm',
  answer,
  truncated,
  sampling: { temperature: 1, topP: 0.9, maxTokens: 8 },
  seed: 1,
  requestId: 's/rationalize',
});

describe("STaR's rationalizer", () => {
  it('leaves a correct, whole round-1 answer alone', async () => {
    const { rationalize, calls } = rationalizer({ content: 'unused', truncated: false });
    expect(await rationalize(input(`The answer is ${question.reference}.`, false))).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('rationalizes a round-1 reply cut at max_tokens even when its last number is the reference', async () => {
    const { rationalize, calls } = rationalizer({ content: `So it is ${question.reference}.`, truncated: false });
    const result = await rationalize(input(`First, 3*4 = 12, then ... ${question.reference}`, true));
    expect(calls).toHaveLength(1);
    expect(calls[0].messages[0].content).toBe(`${question.prompt} (Hint: the answer is ${question.reference}.)`);
    expect(result).toEqual({ prompt: calls[0].messages[0].content, reply: `So it is ${question.reference}.`, correct: true });
  });

  it('does not count a rationalization cut at max_tokens as correct', async () => {
    const { rationalize } = rationalizer({ content: `Working: ${question.reference}`, truncated: true });
    expect((await rationalize(input('The answer is nothing I know.', false)))?.correct).toBe(false);
  });
});
