/**
 * The debate-record activities on a user's JSONL task: questions carry what critics are told,
 * answers are read with the task's checker and stored as raw strings and as class representatives,
 * D^G_n / D^C-_n / D^C+_n follow equivalence, and scoring compares ŷ with the reference by
 * equivalence.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryStore } from '../../../activities/directory-store';
import { createDebateRecordActivities, createQuestionRecords } from '../../../activities/debate-records';
import { createReportingActivities } from '../../../activities/reporting';
import { createRunArtifacts } from '../../../activities/run-artifacts';
import { answerChecker } from '../../../core/answers';
import { artifactPaths } from '../../../core/artifact-paths';
import type { BehaviourProfile } from '../../../core/behaviour/types';
import { parseRunConfig } from '../../../core/config';
import { partitionDebates } from '../../../core/datasets';
import type { EvaluationRecord } from '../../../core/report/records';
import type { Conversation, DebateTranscript } from '../../../core/transcript';

const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-records-'));
const store = new DirectoryStore(path.join(dir, 'artifacts'));
const activities = createDebateRecordActivities(createRunArtifacts(store), dir);
const records = createQuestionRecords(createRunArtifacts(store));
// Both references are written as no agent writes them: only equivalence can match them.
writeFileSync(path.join(dir, 'mine.jsonl'), ['How much is a thousand?', 'What is 999+1?'].map((q) => JSON.stringify({ q, a: '1000.0' })).join('\n'));
const task = parseRunConfig({
  runId: 'r',
  baseModel: 'b',
  task: { name: 'jsonl', file: 'mine.jsonl', checker: 'number', fields: { question: 'q', answer: 'a' }, trainSize: 1, testSize: 1 },
}).task;
const number = answerChecker('number');

/** Agent n's conversation: x, then its replies with a feedback turn between rounds. */
const debate = (replies: string[][]): Conversation[] =>
  replies[0].map((_, n) =>
    replies.flatMap((round, m) => [
      { role: 'user' as const, content: m === 0 ? 'x' : 'feedback' },
      { role: 'assistant' as const, content: round[n] },
    ]),
  );

beforeAll(async () => {
  await activities.prepareTask({ runId: 'r', seed: 0, task });
});

describe('debate records', () => {
  it('gives a debate the prompt and, for the critics, the prompt family and the question as written', async () => {
    const x = await records.loadQuestion({ runId: 'r', iteration: 1, split: 'train', index: 0 });
    expect(x.critic.style).toBe('gsm8k'); // a number-checked JSONL task borrows GSM8K's prompts
    expect(['How much is a thousand?', 'What is 999+1?']).toContain(x.critic.question);
    expect(x.prompt).toBe(
      `Can you solve the following math problem? ${x.critic.question} Explain your reasoning. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response. `,
    );
    expect(x).not.toHaveProperty('reference');
  });

  const replies = [
    ['I think \\boxed{998}.', 'It is \\boxed{1,000}.', 'No idea.'],
    ['Now \\boxed{1000}.', 'Still \\boxed{1,000}.', 'Fine: \\boxed{7}.'],
  ];
  let transcript: DebateTranscript;

  beforeAll(async () => {
    const test = await records.loadQuestion({ runId: 'r', iteration: 1, split: 'test', index: 0 });
    const input = {
      runId: 'r',
      iteration: 1,
      questionId: test.id,
      task: 'jsonl',
      seed: 0,
      agents: { generation: ['g', 'g', 'g'], critic: ['c', 'c', 'c'] },
      summaries: [],
      rationalization: null,
    };
    await records.recordDebate({ ...input, split: 'test', conversations: debate(replies) });
    transcript = await store.readJson<DebateTranscript>(artifactPaths.debate('r', 1, 'test', test.id));
  });

  it('stores the raw extracted answers and their equivalence classes; ŷ is the largest class', () => {
    expect(transcript.checker).toBe('number');
    expect(transcript.extracted).toEqual(replies.map((round) => round.map((y) => number.extract(y))));
    expect(transcript.extracted[0][2]).toBeNull();
    const [first, last] = transcript.answers;
    expect(last[0]).toBe(last[1]); // \boxed{1000} and \boxed{1,000}: one class
    expect(first[1]).toBe(last[0]); // round 1's 1,000 joins it
    expect(first[0]).not.toBe(last[0]);
    expect(transcript.majority).toBe(last[0]);
    expect(number.equivalent(transcript.majority!, '1000')).toBe(true);
  });

  it('puts agents in D^G_n, D^C-_n, D^C+_n by equivalence with ŷ', () => {
    const data = partitionDebates([transcript], 3);
    expect(data.map((d) => [d.generation.length, d.criticMinus.length, d.criticPlus.length])).toEqual([
      [0, 1, 0], // 998 -> 1000: wrong first, right last
      [1, 0, 1], // 1,000 -> 1,000
      [0, 0, 0], // none -> 7
    ]);
  });

  it('scores ŷ against the reference by equivalence', async () => {
    const accuracy = await activities.scoreEvaluation({ runId: 'r', iteration: 1, task: 'jsonl' });
    expect(accuracy).toMatchObject({ correct: 1, total: 1 });
    const [record] = await store.readJsonl<{ majority: string; reference: string; correct: boolean }>(artifactPaths.evaluation('r', 1));
    expect(record).toMatchObject({ majority: transcript.majority, reference: '1000.0', correct: true });
    expect(record.majority).not.toBe(record.reference);
  });

  it('stores the behaviour profile beside the scores, graded by equivalence, and the record carries it', async () => {
    const behaviour = await store.readJson<BehaviourProfile>(artifactPaths.behaviour('r', 1));
    expect(behaviour).toMatchObject({ questions: 1, agents: 3, rounds: 2 });
    expect(behaviour.generation.map((a) => [a.right, a.unparseable])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
    ]); // 998, 1,000, none
    expect(behaviour.critics.map((a) => a.changes)).toEqual([
      expect.objectContaining({ corrected: 1 }), // 998 -> 1000
      expect.objectContaining({ keptRight: 1 }), // 1,000 -> 1,000
      expect.objectContaining({ otherWrong: 1 }), // none -> 7
    ]);
    const reporting = createReportingActivities(store);
    const record: EvaluationRecord = {
      experiment: null,
      runId: 'r',
      method: 'Debate',
      task: 'jsonl',
      baseModel: 'b',
      seed: 0,
      iteration: 1,
      accuracy: 1,
      standardError: 0,
      correct: 1,
      total: 1,
      diversity: null,
    };
    await reporting.recordEvaluation(record);
    expect(await reporting.recordedEvaluation({ runId: 'r', iteration: 1 })).toEqual({ ...record, behaviour });
    await reporting.recordEvaluation({ ...record, iteration: 2 }); // no profile stored for iteration 2
    expect(await reporting.recordedEvaluation({ runId: 'r', iteration: 2 })).toEqual({ ...record, iteration: 2, behaviour: null });
  });

  it('refuses to grade a run with the checker of another task', async () => {
    await expect(activities.scoreEvaluation({ runId: 'r', iteration: 1, task: 'math' })).rejects.toThrow('run r was prepared for task jsonl, not math');
  });
});
