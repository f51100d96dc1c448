/**
 * The simulator's models: base models (servable from the start) and fine-tuned models (registered
 * when their job succeeds, servable only once published with POST /v1/load_lora_adapter, or, with a
 * LoRA resolver, on first use by name).
 */
import { baseShares, ROLES, type RoleSkills, type TrainingData } from './skills';
import type { Topic } from './topics';

export interface SimModel {
  name: string;
  /** The model this one was fine-tuned from; null for a base model. */
  parent: string | null;
  /** The base model at the root of the chain. */
  root: string;
  /** Per role, the share of capacity per topic (skills.ts, Appendix G). */
  skills: RoleSkills;
  /** The base model's probability of a correct answer per topic at the uniform start (baseSkill). */
  baseAccuracy: Record<Topic, number>;
  /** Whether chat requests may use it (base models; fine-tuned models once loaded). */
  servable: boolean;
  createdAt: number;
  /** The fine-tuning job that produced it. */
  jobId: string | null;
  /** The adapter path given when it was loaded. */
  loraPath: string | null;
  /** What its training data looked like, per role: examples and truly correct ones per topic. */
  trainedOn: TrainingData | null;
  /** The words of every assistant turn it and its ancestors were trained on (scoring.ts); empty for a base model. */
  vocabulary: ReadonlySet<string>;
}

export class ModelRegistry {
  private readonly models = new Map<string, SimModel>();

  /** Base models start at shares 1/3 each, or with seeded differences of relative size `skillSpread` (skills.ts baseShares). */
  constructor(
    baseModels: string[],
    baseSkill: Record<Topic, number>,
    seed = 0,
    skillSpread = 0,
    /** vLLM's LoRA resolvers: a fine-tuned model named by a request is loaded on first use (SimulatorOptions.loraResolver). */
    private readonly loraResolver = false,
  ) {
    for (const name of baseModels) {
      this.models.set(name, {
        name,
        parent: null,
        root: name,
        skills: Object.fromEntries(ROLES.map((role) => [role, baseShares(seed, name, role, skillSpread)])) as RoleSkills,
        baseAccuracy: { ...baseSkill },
        servable: true,
        createdAt: Math.floor(Date.now() / 1000),
        jobId: null,
        loraPath: null,
        trainedOn: null,
        vocabulary: new Set(),
      });
    }
  }

  get(name: string): SimModel | undefined {
    return this.models.get(name);
  }

  servable(name: string): SimModel | undefined {
    const model = this.models.get(name);
    if (model && !model.servable && model.parent !== null && this.loraResolver) model.servable = true;
    return model?.servable ? model : undefined;
  }

  register(model: SimModel): void {
    this.models.set(model.name, model);
  }

  all(): SimModel[] {
    return [...this.models.values()];
  }
}
