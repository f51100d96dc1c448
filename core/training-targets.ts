/**
 * Algorithm 1, lines 27-28: which models an iteration finetunes, on which data, from which model and
 * with which recipe. Multiagent FT finetunes A^G_n on D^G_n and A^C_n on D^C_n (2N jobs, or N without
 * critics); the single-model baselines finetune one model on the pooled data. An empty dataset means
 * no job: that agent keeps its weights, and the run records it.
 */
import { adapterName, sharedAdapterName, sharedTrainingJobKey, trainingJobKey, type AgentTable, type Role } from './agents';
import { artifactPaths } from './artifact-paths';
import type { RunConfig } from './config';
import type { DatasetSizes } from './datasets';
import type { MethodPlan } from './methods';
import { agentRecipes, type RoleRecipe } from './society';

/** A role's epochs and learning rate in iteration l, and the run's weight decay. */
function recipeAt(role: RoleRecipe, l: number, config: RunConfig) {
  return { epochs: role.epochs, learningRate: l === 1 ? role.learningRate : role.laterLearningRate, weightDecay: config.training.weightDecay };
}

export interface TrainingTarget {
  /** e.g. "generation 2", "critic 1" or "shared". */
  label: string;
  jobKey: string;
  /** The model it starts from: the agent's model of iteration l-1 (warm start). */
  model: string;
  /** That model's base: its engine (and trainer, core/engines.ts) serves the finetuned model too. */
  baseModel: string;
  trainingFile: string;
  suffix: string;
  epochs: number;
  /** The role's rate of iteration 1, or its later rate (Appendix B.3). */
  learningRate: number;
  weightDecay: number;
  lora: RunConfig['training']['lora'];
  /** The agent-table slots the finetuned model fills. */
  slots: Array<{ role: Role; n: number }>;
}

export function trainingTargets(
  config: RunConfig,
  plan: MethodPlan,
  l: number,
  current: AgentTable,
  datasets: DatasetSizes,
): { targets: TrainingTarget[]; skipped: string[] } {
  const recipes = agentRecipes(config, plan.agents);
  if (plan.finetune === 'none') return { targets: [], skipped: [] };
  if (plan.finetune === 'shared') {
    if (!datasets.shared) return { targets: [], skipped: ['shared'] };
    const everyAgent = current.generation.flatMap((_, n) => [
      { role: 'generation' as const, n },
      { role: 'critic' as const, n },
    ]);
    return {
      targets: [
        {
          label: 'shared',
          jobKey: sharedTrainingJobKey(config.runId, l),
          model: current.generation[0],
          baseModel: recipes[0].baseModel,
          trainingFile: artifactPaths.sharedDataset(config.runId, l),
          suffix: sharedAdapterName(config.runId, l),
          ...recipeAt(recipes[0].generation, l, config),
          lora: recipes[0].lora,
          slots: everyAgent,
        },
      ],
      skipped: [],
    };
  }
  const roles: Role[] = plan.critics ? ['generation', 'critic'] : ['generation'];
  const targets: TrainingTarget[] = [];
  const skipped: string[] = [];
  for (const role of roles) {
    for (let n = 0; n < plan.agents; n++) {
      const label = `${role} ${n + 1}`;
      if (datasets[role][n] === 0) {
        skipped.push(label);
        continue;
      }
      targets.push({
        label,
        jobKey: trainingJobKey(config.runId, l, role, n),
        model: current[role][n],
        baseModel: recipes[n].baseModel,
        trainingFile: artifactPaths.dataset(config.runId, l, role, n),
        suffix: adapterName(config.runId, l, role, n),
        ...recipeAt(recipes[n][role], l, config),
        lora: recipes[n].lora,
        slots: [{ role, n }],
      });
    }
  }
  return { targets, skipped };
}
