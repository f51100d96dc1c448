/**
 * The behavioural-divergence study of examples/behaviour-study-simulated.yaml, as the example file
 * stands, on the simulator (seeded simulated agents, not models): a plain society, a same-family
 * society whose agents differ by recipe (w, temperature) and a society of two simulated families
 * (sim-base and sim-other on one engine each, their Appendix G skills starting apart). Each run
 * records its agents' behaviour; the experiment report compares the societies' distances before
 * and after finetuning, with numbers that follow from the stored profiles.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadExperimentConfigFile } from '../../cli/config-file';
import { PROJECT_ROOT } from '../../activities/project-root';
import { distanceMatrix } from '../../core/behaviour/distance';
import { meanOverPairs } from '../../core/report/behaviour-tables';
import type { EvaluationRecord } from '../../core/report/records';
import { experiment } from '../../workflows';
import { section, tableRows } from '../unit/report/fixtures';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(600_000);

const { experiment: config } = loadExperimentConfigFile(path.join(PROJECT_ROOT, 'examples', 'behaviour-study-simulated.yaml'));
let stack: Stack;

beforeAll(async () => {
  // As the example's header says: `maft up --simulator --models sim-base,sim-other --skill-spread 0.3`.
  stack = await startStack({ baseModels: ['sim-base', 'sim-other'], simulator: { skillSpread: 0.3 } });
});
afterAll(() => stack?.stop());

describe('the behaviour study on the simulator', () => {
  let records: EvaluationRecord[];
  let markdown: string;
  const runIds = ['plain', 'recipe', 'mixed'].map((name) => `behaviour-study-sim-${name}-arithmetic-s0`);

  beforeAll(async () => {
    const result = await stack.client.workflow.execute(experiment, {
      taskQueue: 'maft',
      workflowId: 'maft-experiment-behaviour-study-sim',
      args: [{ config }],
    });
    expect(result.runIds).toEqual(runIds);
    markdown = readFileSync(result.report.markdownPath, 'utf8');
    records = readFileSync(path.join(path.dirname(result.report.markdownPath), 'records.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as EvaluationRecord);
  });

  it("profiles every society's agents before and after finetuning, the mixed society's by family", () => {
    expect(records.map((r) => `${r.runId}@${r.iteration}`).sort()).toEqual(runIds.flatMap((id) => [0, 1, 2].map((l) => `${id}@${l}`)).sort());
    for (const r of records) {
      expect(r.behaviour?.generation).toHaveLength(3);
      expect(r.behaviour?.critics).toHaveLength(3);
      expect(r.behaviour?.questions).toBe(20);
    }
    const mixedBase = records.find((r) => r.runId === runIds[2] && r.iteration === 0)!;
    expect(mixedBase.behaviour!.generation.map((a) => a.model)).toEqual(['sim-base', 'sim-other', 'sim-other']);
    const plainBase = records.find((r) => r.runId === runIds[0] && r.iteration === 0)!;
    expect(plainBase.behaviour!.generation.map((a) => a.model)).toEqual(['sim-base', 'sim-base', 'sim-base']);
  });

  it("compares the societies' distances and disagreement before and after, as the stored profiles give them", () => {
    const rows = tableRows(section(markdown, 'Behavioural divergence').split('### Societies compared')[1]);
    expect(rows).toHaveLength(1 + 3 * 2);
    const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(3));
    for (const runId of runIds) {
      const [before, after] = [0, 2].map((l) => records.find((r) => r.runId === runId && r.iteration === l)!.behaviour!);
      for (const role of ['generation', 'critics'] as const) {
        const row = rows.find((r) => r[0] === runId && r[1] === role)!;
        expect(row.slice(2, 5)).toEqual(['0 → 2', fixed(meanOverPairs(distanceMatrix(before[role]))), fixed(meanOverPairs(distanceMatrix(after[role])))]);
        expect(row.slice(6, 8)).toEqual([fixed(meanOverPairs(before.disagreement[role])), fixed(meanOverPairs(after.disagreement[role]))]);
        expect(row[3]).toMatch(/^\d\.\d{3}$/); // defined: three agents, two rounds
      }
    }
  });
});
