/**
 * The society's agents and their recipes. In the paper every agent is a copy of one base model with
 * one post-training recipe; a heterogeneous society gives agent n its own base model, sampling
 * temperature, w and training hyperparameters (config `society`), so one can ask whether model family
 * or post-training recipe drives divergence.
 */
import type { AgentTable } from './agents';
import type { RunConfig } from './config';
import type { MethodPlan } from './methods';

export type RoleRecipe = RunConfig['training']['generation'];

export interface AgentRecipe {
  baseModel: string;
  sampling: RunConfig['sampling'];
  criticMix: number;
  generation: RoleRecipe;
  critic: RoleRecipe;
  lora: RunConfig['training']['lora'];
}

/** Agent n's recipe: its own entry of `society` over the run's settings. */
export function agentRecipes(config: RunConfig, agents: number): AgentRecipe[] {
  return Array.from({ length: agents }, (_, n) => {
    const own = config.society?.[n] ?? {};
    return {
      baseModel: own.baseModel ?? config.baseModel,
      sampling: { ...config.sampling, temperature: own.temperature ?? config.sampling.temperature },
      criticMix: own.criticMix ?? config.criticMix,
      generation: { ...config.training.generation, ...own.generation },
      critic: { ...config.training.critic, ...own.critic },
      lora: { ...config.training.lora, rank: own.loraRank ?? config.training.lora.rank },
    };
  });
}

/** Algorithm 1, lines 1-2: A^G_n and A^C_n start as copies of agent n's base model. */
export function initialSociety(config: RunConfig, plan: MethodPlan): AgentTable {
  const models = agentRecipes(config, plan.agents).map((r) => r.baseModel);
  return { generation: [...models], critic: [...models] };
}

/** Each agent's base model, which its models' calls route by (core/engines.ts): agent n's own, or for a
 * method that finetunes one shared model, that model's base (agent 1's) for every agent. */
export function agentBaseModels(config: RunConfig, plan: MethodPlan): string[] {
  const bases = agentRecipes(config, plan.agents).map((r) => r.baseModel);
  return plan.finetune === 'shared' ? bases.map(() => bases[0]) : bases;
}

/** The first k agents of a table: the evaluation's society when the method evaluates fewer agents than it debates with. */
export function firstAgents(agents: AgentTable, k: number): AgentTable {
  return { generation: agents.generation.slice(0, k), critic: agents.critic.slice(0, k) };
}

/** The models answering round m: generation agents in round 1; critic agents after, or the
 * generation agents again when the society has no separate critics. */
export function roundModels(agents: AgentTable, round: number, critics: boolean): string[] {
  return round === 1 || !critics ? agents.generation : agents.critic;
}
