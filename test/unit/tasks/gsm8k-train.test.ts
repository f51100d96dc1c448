/**
 * The gsm8k-train task, added as one module plus one registry line: its config, its spec, and
 * prepareTask on the real training file (7,473 problems, none of them a test problem).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryStore } from '../../../activities/directory-store';
import { createDebateRecordActivities } from '../../../activities/debate-records';
import { createRunArtifacts } from '../../../activities/run-artifacts';
import { artifactPaths } from '../../../core/artifact-paths';
import { parseRunConfig } from '../../../core/config';
import { checkerFor, taskNames, taskSpec, type Question, type TaskRecord } from '../../../core/tasks';
import { GSM8K_PROMPT } from '../../../core/tasks/gsm8k';
import { fillTemplate } from '../../../core/prompt-parts';

const DATA_DIR = process.env.MAFT_DATA_DIR ?? path.resolve(__dirname, '../../..', '../shared/data');
const task = (input: object) => parseRunConfig({ runId: 'r', baseModel: 'b', task: input }).task;

describe('gsm8k-train task', () => {
  it('is a task name with the training file by default, graded and prompted as GSM8K', () => {
    expect(taskNames).toContain('gsm8k-train');
    const config = task({ name: 'gsm8k-train' });
    expect(config).toEqual({ name: 'gsm8k-train', trainSize: 500, testSize: 500, file: 'gsm8k/train.jsonl' });
    expect(taskSpec(config)).toEqual({ name: 'gsm8k-train', checker: 'number', prompts: 'gsm8k' });
    expect(checkerFor('gsm8k-train').name).toBe('number');
    expect(() => task({ name: 'gsm8k-train', levels: [1] })).toThrow(/task: Unrecognized key\(s\) in object: 'levels'/);
  });

  it('draws disjoint splits from train.jsonl, each question traced to its line and absent from the test set', async () => {
    const store = new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-gsm8k-train-')));
    const activities = createDebateRecordActivities(createRunArtifacts(store), DATA_DIR);
    const config = parseRunConfig({ runId: 'gt', baseModel: 'b', task: { name: 'gsm8k-train', trainSize: 50, testSize: 50 } });
    await activities.prepareTask({ runId: 'gt', seed: 0, task: config.task });
    const record = await store.readJson<TaskRecord>(artifactPaths.task('gt'));
    expect(record.eligible).toBe(7473); // the data README's count; every training question is distinct
    const questions = [
      ...(await store.readJsonl<Question>(artifactPaths.split('gt', 'train'))),
      ...(await store.readJsonl<Question>(artifactPaths.split('gt', 'test'))),
    ];
    expect(new Set(questions.map((q) => q.id)).size).toBe(100);
    const file = path.join(DATA_DIR, 'gsm8k', 'train.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    const testQuestions = new Set(
      readFileSync(path.join(DATA_DIR, 'gsm8k', 'test.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { question: string }).question),
    );
    for (const q of questions) {
      const original = JSON.parse(lines[q.source!.line - 1]) as { question: string; answer: string };
      expect(q.id).toBe(`gsm8k-train-${q.source!.line}`);
      expect(q.prompt).toBe(fillTemplate(GSM8K_PROMPT, original.question));
      expect(original.answer.replace(/,/g, '').endsWith(`#### ${q.reference}`)).toBe(true);
      expect(testQuestions.has(q.text)).toBe(false);
    }
  });
});
