/**
 * An experiment end to end on the dev server with the simulator: a grid of methods x seeds on one
 * shared split, every run's records, the report (tables, valid PNG plots, the behaviour section and
 * its heatmaps), and a resume that finds every run finished and redoes nothing.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { EvaluationRecord } from '../../core/report/records';
import { experiment } from '../../workflows';
import { checkPng } from '../helpers/png-check';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(300_000);

let stack: Stack;
const config = {
  experimentId: 'grid',
  base: { baseModel: 'sim-base', iterations: 2, maxConcurrentDebates: 8 },
  methods: [{ name: 'maft' }, { name: 'single', method: 'single-agent-ft' }, { name: 'debate', method: 'debate' }],
  tasks: [{ name: 'arithmetic', trainSize: 8, testSize: 6 }],
  seeds: [1, 2],
  maxConcurrentRuns: 3,
};

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

const artifact = (relative: string) => path.join(stack.artifactRoot, relative);

describe('experiment', () => {
  it('runs the grid on one shared split and writes the report with tables, plots and raw records', async () => {
    const result = await stack.client.workflow.execute(experiment, { taskQueue: 'maft', workflowId: 'maft-experiment-grid', args: [{ config }] });
    expect(result.runIds).toEqual([
      'grid-maft-arithmetic-s1',
      'grid-maft-arithmetic-s2',
      'grid-single-arithmetic-s1',
      'grid-single-arithmetic-s2',
      'grid-debate-arithmetic-s1',
      'grid-debate-arithmetic-s2',
    ]);

    const splits = result.runIds.map((id) => readFileSync(artifact(`runs/${id}/task/test.jsonl`), 'utf8'));
    expect(new Set(splits).size).toBe(1); // every method and seed is tested on the same questions

    const records = readFileSync(path.join(path.dirname(result.report.markdownPath), 'records.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as EvaluationRecord);
    // Finetuning runs: iterations 0, 1, 2; Debate: the base society only.
    expect(records).toHaveLength(2 * 3 + 2 * 3 + 2 * 1);
    expect(new Set(records.map((r) => r.method))).toEqual(new Set(['Multiagent FT', 'Single-agent FT', 'Debate']));
    expect(records.every((r) => r.experiment === 'grid' && r.total === 6)).toBe(true);

    const markdown = readFileSync(result.report.markdownPath, 'utf8');
    const single = records.filter((r) => r.method === 'Single-agent FT' && r.iteration === 2).map((r) => r.accuracy);
    const mean = (single[0] + single[1]) / 2;
    const se = Math.abs(single[0] - single[1]) / 2; // sample SD over two seeds / sqrt(2)
    expect(markdown).toContain(`${(100 * mean).toFixed(1)} ± ${(100 * se).toFixed(1)}`);
    expect(markdown).toMatch(/\| Multiagent FT \|/);

    // Every record carries its debates' behaviour profile, and the report has its section and heatmaps.
    expect(records.every((r) => r.behaviour?.questions === 6)).toBe(true);
    expect(records.filter((r) => r.method === 'Multiagent FT').every((r) => r.behaviour!.critics.length === r.behaviour!.agents)).toBe(true);
    const behaviour = markdown.slice(markdown.indexOf('## Behavioural divergence'));
    expect(markdown).toContain('## Behavioural divergence');
    for (const runId of result.runIds) expect(behaviour).toContain(`### ${runId} (`);
    for (const l of [0, 1, 2]) {
      for (const name of ['disagreement-generation', 'disagreement-critics', 'distance-generation', 'distance-critics']) {
        const heatmap = `plots/behaviour/grid-maft-arithmetic-s1--iteration-${l}--${name}`;
        expect(result.report.files).toEqual(expect.arrayContaining([`${heatmap}.svg`, `${heatmap}.png`]));
        expect(behaviour).toContain(`](${heatmap}.png)`);
      }
    }
    expect(behaviour).toMatch(/\| critics \| C1–C2 \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \|/);

    const pngs = result.report.files.filter((f) => f.endsWith('.png'));
    expect(pngs.length).toBeGreaterThan(0);
    for (const file of pngs) {
      const bytes = readFileSync(path.join(path.dirname(result.report.markdownPath), file));
      expect(checkPng(bytes).width).toBeGreaterThan(100);
      expect(PNG.sync.read(bytes).height).toBeGreaterThan(100);
    }
  });

  it('started again, finds every run finished and only rewrites the report', async () => {
    const started = Date.now();
    const result = await stack.client.workflow.execute(experiment, { taskQueue: 'maft', workflowId: 'maft-experiment-grid', args: [{ config }] });
    expect(result.report.records).toBe(14);
    const children = [];
    for await (const w of stack.client.workflow.list({ query: `WorkflowType = 'multiagentFinetuning' AND StartTime > '${new Date(started).toISOString()}'` }))
      children.push(w.workflowId);
    expect(children).toEqual([]);
  });

  it('rejects a grid with a bad cell before running anything, naming the variant', async () => {
    const bad = { ...config, experimentId: 'bad', methods: [{ name: 'x', rounds: 0 }] };
    await expect(
      stack.client.workflow.execute(experiment, { taskQueue: 'maft', workflowId: 'maft-experiment-bad', args: [{ config: bad }] }),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/methods\[0\].*\n.*rounds: Number must be greater than 0/) },
    });
  });
});
