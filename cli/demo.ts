/**
 * The main job: an embedded Temporal dev server (SQLite in .maft/), the simulator and a worker in
 * one process, Algorithm 1 for L=2 on arithmetic, live progress, the final table and the UI address.
 */
import { Client, Connection } from '@temporalio/client';
import * as path from 'node:path';
import { startSimulator } from '../simulator/server';
import { startDevServer, PROJECT_ROOT } from '../workers/dev-server';
import { workerSettingsFromEnv } from '../workers/settings';
import { createWorkers } from '../workers/workers';
import { multiagentFinetuning } from '../workflows';
import { workflowIds } from '../workflows/ids';
import type { RunConfigInput } from '../core/config';
import { formatRunTable } from './run-table';
import { watchRun } from './watch';

/** The demo's few departures from the schema's defaults (the paper's): two iterations on 100+100 questions. */
export function demoConfig(runId: string): RunConfigInput {
  return { runId, baseModel: 'sim-base', iterations: 2, task: { name: 'arithmetic', trainSize: 100, testSize: 100 } };
}

export interface DemoOptions {
  stateDir: string;
  port: number;
  uiPort: number;
  /** Keep the server (and UI) up after the run until Ctrl-C. */
  keepServer: boolean;
  seed: number;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const stateDir = path.resolve(PROJECT_ROOT, options.stateDir);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`maft: starting the Temporal dev server (state in ${path.join(stateDir, 'temporal.db')})`);
  const server = await startDevServer({ dbFile: path.join(stateDir, 'temporal.db'), port: options.port, uiPort: options.uiPort });
  const simulator = await startSimulator({ seed: options.seed });
  say(`maft: simulator (seeded simulated agents, not a model) at ${simulator.url}`);
  const settings = workerSettingsFromEnv(
    {},
    {
      temporalAddress: server.address,
      inferenceUrl: `${simulator.url}/v1`,
      trainingUrl: `${simulator.url}/v1`,
      artifactRoot: path.join(stateDir, 'artifacts'),
      trainingPollMs: 200,
    },
  );
  const { workers, connection } = await createWorkers({ settings });
  const running = workers.map((w) => w.run());
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });

  const runId = `demo-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`;
  const workflowId = workflowIds.run(runId);
  await client.workflow.start(multiagentFinetuning, { taskQueue: settings.queues.workflow, workflowId, args: [{ config: { ...demoConfig(runId), seed: options.seed } }] });
  say(`maft: started ${workflowId}: Algorithm 1, L=2, N=3, M=2, arithmetic 100 train / 100 test questions`);
  const result = await watchRun(client, workflowId);
  say('');
  say(formatRunTable(result));
  say('');
  say(`artifacts (transcripts, finetuning JSONL, evaluation records): ${path.join(settings.artifactRoot, 'runs', runId)}`);
  say(`Temporal UI: ${server.uiUrl}/namespaces/default/workflows/${workflowId}`);

  workers.forEach((w) => w.shutdown());
  await Promise.all(running);
  await connection.close();
  await simulator.close();
  if (options.keepServer) {
    say('The server and UI stay up for inspection; Ctrl-C stops them (the run stays in .maft/temporal.db: `maft server` reopens it).');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await client.connection.close();
  await server.stop();
}
