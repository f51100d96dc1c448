/**
 * `maft experiment` and `maft report` as child processes against a real dev server and the
 * simulator: the grid runs, its report is written, a bad experiment config names file and line, and
 * a single run's report is drawn on demand.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStack, type Stack } from '../../helpers/stack';
import { assertBuilt, maft } from './maft-cli';

jest.setTimeout(240_000);

let stack: Stack;
let dir: string;
beforeAll(async () => {
  assertBuilt();
  stack = await startStack();
  dir = mkdtempSync(path.join(os.tmpdir(), 'maft-exp-cli-'));
});
afterAll(async () => {
  await stack?.stop();
});

const write = (name: string, lines: string[]) => {
  const file = path.join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return file;
};

describe('maft experiment and maft report', () => {
  it('runs the grid, shows each run finishing and prints where the report is', async () => {
    const file = write('grid.yaml', [
      'experimentId: cli-grid',
      'base:',
      '  baseModel: sim-base',
      '  iterations: 1',
      'methods:',
      '  - name: maft',
      '  - name: debate',
      '    method: debate',
      'tasks:',
      '  - name: arithmetic',
      '    trainSize: 4',
      '    testSize: 3',
      '',
    ]);
    const out = await maft(stack.server.address, ['experiment', file]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('maft: started experiment cli-grid (workflow maft-experiment-cli-grid): 2 runs');
    expect(out.stdout).toMatch(/cli-grid-maft-arithmetic-s0 finished/);
    expect(out.stdout).toMatch(/cli-grid-debate-arithmetic-s0 finished/);
    const reportPath = /report: (\S+report\.md)/.exec(out.stdout)![1];
    expect(reportPath).toBe(path.join(stack.artifactRoot, 'experiments/cli-grid/report/report.md'));
    expect(readFileSync(reportPath, 'utf8')).toMatch(/\| Multiagent FT \|[^\n]*\|/);
  });

  it("writes one run's report on demand and lists its plots", async () => {
    const out = await maft(stack.server.address, ['report', 'cli-grid-maft-arithmetic-s0']);
    expect(out.code).toBe(0);
    const reportPath = /report of 2 evaluation records: (\S+)/.exec(out.stdout)![1];
    expect(reportPath).toBe(path.join(stack.artifactRoot, 'runs/cli-grid-maft-arithmetic-s0/report/report.md'));
    const pngs = out.stdout.split('\n').filter((l) => l.trim().endsWith('.png'));
    expect(pngs.length).toBeGreaterThan(0);
    for (const png of pngs) expect(existsSync(path.join(path.dirname(reportPath), png.trim()))).toBe(true);
  });

  it('names the file, line and field of every problem of an experiment config, and starts nothing', async () => {
    const file = write('bad.yaml', ['experimentId: bad grid', 'seeds: [1, -2]', '']);
    const out = await maft(stack.server.address, ['experiment', file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${file}:1 experimentId:`);
    expect(out.stderr).toContain(`${file}:2 seeds.1: Number must be greater than or equal to 0`);
  });
});
