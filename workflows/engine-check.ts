/**
 * Before Algorithm 1 starts: every model the run calls (each agent's base, the summarizing base
 * model, the diversity scoring model) must be served by one of the inference worker's engines
 * (core/engines.ts), or the run fails at once, naming the agent and the model, before any debate.
 * The step came after runs were recorded: patched, so that their histories still replay.
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import type { RunConfig } from '../core/config';
import { unservedModels } from '../core/engines';
import type { MethodPlan } from '../core/methods';
import type { QueueActivities } from './activity-proxies';

export async function checkEngines(inference: QueueActivities['inference'], config: RunConfig, plan: MethodPlan): Promise<void> {
  if (!patched('engines-serve-the-society')) return;
  const engines = await inference.servedModels();
  const problems = unservedModels(config, plan.agents, engines);
  if (problems.length > 0) {
    throw ApplicationFailure.nonRetryable(`invalid run config: no inference engine serves these models:\n  ${problems.join('\n  ')}`, 'InvalidConfig');
  }
}
