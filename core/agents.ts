/**
 * The society: N generation agents A^G_1..A^G_N and N critic agents A^C_1..A^C_N, each named by the
 * model that serves it. Agents are numbered from 1 in every name a user sees, as in the paper.
 */
import { seedFrom } from './random';

export type Role = 'generation' | 'critic';

export interface AgentTable {
  generation: string[];
  critic: string[];
}

/** Algorithm 1, lines 1-2: every agent starts as a copy of the base model. */
export function initialAgents(baseModel: string, agents: number): AgentTable {
  return { generation: Array(agents).fill(baseModel), critic: Array(agents).fill(baseModel) };
}

/** The unique name of agent n's finetuned model in iteration l (a fresh name per iteration keeps
 * vLLM from serving a stale prefix cache). */
export function adapterName(runId: string, iteration: number, role: Role, n: number): string {
  return `${runId}-l${iteration}-${role === 'generation' ? 'gen' : 'critic'}${n + 1}`;
}

/** The idempotency key of agent n's training job in iteration l: a retried activity re-attaches to it. */
export function trainingJobKey(runId: string, iteration: number, role: Role, n: number): string {
  return `${runId}/l${iteration}/${role}/${n + 1}`;
}

/** The seed of a training job (the fine-tuning API's `seed`), derived from its job key: a rerun of the run, or a job
 * created again after a crash, trains the same adapter from the same data (a trainer draws a seed when none is sent). */
export function trainingSeed(jobKey: string): number {
  return seedFrom('training', jobKey) & 0x7fffffff;
}

/** The one model of a method that finetunes a single model for every agent (core/methods.ts 'shared'). */
export function sharedAdapterName(runId: string, iteration: number): string {
  return `${runId}-l${iteration}-shared`;
}

export function sharedTrainingJobKey(runId: string, iteration: number): string {
  return `${runId}/l${iteration}/shared`;
}
