/**
 * Recorded histories of a complete run (test/fixtures/histories, made by
 * test/fixtures/record-histories.ts) must replay against today's workflow code: a change that
 * would break runs in flight fails here (use workflow patching, then re-record on purpose).
 */
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

jest.setTimeout(120_000);

it('replays every recorded workflow history without nondeterminism', async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = path.join(__dirname, '..', 'fixtures', 'histories');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(36); // 3 runs (pipelined, sequential, colocated): 2 executions of the top workflow and 10 debates each
  const histories = files.map((file) => ({
    workflowId: file.split('.')[0],
    history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))),
  }));
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') });
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
