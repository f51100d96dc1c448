/**
 * The simulator's models: base models (servable from the start) and fine-tuned models (registered
 * when their job succeeds, servable only once published with POST /v1/load_lora_adapter).
 */
import type { Topic } from './topics';

export interface SimModel {
  name: string;
  /** The model this one was fine-tuned from; null for a base model. */
  parent: string | null;
  /** The base model at the root of the chain. */
  root: string;
  /** Probability of a correct answer per topic. */
  skills: Record<Topic, number>;
  /** Whether chat requests may use it (base models; fine-tuned models once loaded). */
  servable: boolean;
  createdAt: number;
  /** The fine-tuning job that produced it. */
  jobId: string | null;
  /** The adapter path given when it was loaded. */
  loraPath: string | null;
  /** What its training data looked like, per topic: examples and the fraction truly correct. */
  trainedOn: Partial<Record<Topic, { examples: number; accuracy: number }>> | null;
  /** The words of every assistant turn it and its ancestors were trained on (scoring.ts); empty for a base model. */
  vocabulary: ReadonlySet<string>;
}

export class ModelRegistry {
  private readonly models = new Map<string, SimModel>();

  constructor(baseModels: string[], baseSkill: Record<Topic, number>) {
    for (const name of baseModels) {
      this.models.set(name, {
        name,
        parent: null,
        root: name,
        skills: { ...baseSkill },
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
    return model?.servable ? model : undefined;
  }

  register(model: SimModel): void {
    this.models.set(model.name, model);
  }

  all(): SimModel[] {
    return [...this.models.values()];
  }
}
