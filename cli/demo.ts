/**
 * The main job: a local stack (dev server + the SmolLM2 trainer and vLLM, or the simulator +
 * workers), Algorithm 1 for L=2 on arithmetic with live progress, then the final table, the
 * artifacts folder and the Temporal UI address.
 */
import * as path from 'node:path';
import { artifactPaths } from '../core/artifact-paths';
import type { RunConfigInput } from '../core/config';
import { multiagentFinetuning, report } from '../workflows';
import { workflowIds } from '../workflows/ids';
import { PROJECT_ROOT } from '../activities/project-root';
import { BACKEND_BASE_MODEL, startLocalStack, type Backend } from '../workers/local-stack';
import { CPU_ENGINE_SEQS } from '../workers/runtime-services';
import { formatRunTable } from './run-table';
import { watchRun } from './watch';

/**
 * The demo's departures from the schema's defaults (the paper's): two iterations, and a task small
 * enough for 2 CPU cores. With SmolLM2-135M on vLLM: 8 + 8 questions, replies capped at 96 tokens,
 * temperature 0.2, the released code's critic mix, and diversity measured on the first 4 test
 * questions (scoring every reply under every agent's adapter is the slowest part on a CPU). At the paper's temperature 1 (and already at
 * 0.5) this small model's three copies rarely agree on an answer to this arithmetic (a majority on
 * 1-3 of 24 questions), so D^G_n would come out empty; greedy copies agree almost always and so get
 * nearly the same data. At 0.2 they agree on about half the questions but not always with the same
 * agents, so each agent gets its own D^G_n and D^C-_n is no longer empty (README, "What the main job
 * shows"). The released code's critic mix (every D^C-_n example, each D^C+_n one on a coin) trains a
 * critic whenever it has either kind; the exact w-mix needs both. With the simulator: 100 + 100
 * questions and the paper's sampling.
 */
export function demoConfig(runId: string, seed: number, backend: Backend): RunConfigInput {
  const common = { runId, seed, baseModel: BACKEND_BASE_MODEL[backend], iterations: 2 };
  if (backend === 'simulator') return { ...common, task: { name: 'arithmetic', trainSize: 100, testSize: 100 } };
  return {
    ...common,
    task: { name: 'arithmetic', trainSize: 8, testSize: 8 },
    sampling: { temperature: 0.2, maxTokens: 96 },
    criticMixRule: 'released',
    diversity: { questions: 4 },
    inferenceCapacity: CPU_ENGINE_SEQS,
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);

export interface DemoOptions {
  stateDir: string;
  port: number;
  uiPort: number;
  simulatorPort: number;
  seed: number;
  keepServer: boolean;
  backend: Backend;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const stack = await startLocalStack({
    stateDir: path.resolve(PROJECT_ROOT, options.stateDir),
    port: options.port,
    uiPort: options.uiPort,
    backend: options.backend,
    simulator: { seed: options.seed, port: options.simulatorPort },
    say,
  });
  const runId = `demo-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}`;
  const workflowId = workflowIds.run(runId);
  const config = demoConfig(runId, options.seed, options.backend);
  await stack.client.workflow.start(multiagentFinetuning, {
    taskQueue: stack.settings.queues.workflow,
    workflowId,
    args: [{ config }],
  });
  say(`maft: started ${workflowId}: Algorithm 1 with L=2, N=3, M=2 on arithmetic, ${config.task?.trainSize} train / ${config.task?.testSize} test questions`);
  const result = await watchRun(stack.client, workflowId);
  say('');
  say(formatRunTable(result));
  say('');
  say(`Artifacts (transcripts, finetuning JSONL, evaluation records): ${path.join(stack.settings.artifactRoot, 'runs', runId)}`);
  const written = await stack.client.workflow.execute(report, {
    taskQueue: stack.settings.queues.workflow,
    workflowId: `maft-report-${runId}`,
    args: [{ title: `Run ${runId}`, runIds: [runId], outDir: artifactPaths.runReport(runId), queues: stack.settings.queues }],
  });
  say(`Report (tables, accuracy and diversity plots as SVG and PNG): ${written.markdownPath}`);
  say(`Temporal UI: ${stack.server.uiUrl}/namespaces/default/workflows/${workflowId}`);
  await stack.stop({ keepServer: options.keepServer });
  if (options.keepServer) {
    say('The server and UI stay up for inspection; Ctrl-C stops them. The run stays in the database: `maft server` reopens it.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await stack.server.stop();
  }
}
