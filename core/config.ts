/**
 * The run configuration: one zod schema, the single source of defaults. Defaults are the paper's
 * (arXiv 2501.05707, Section 4 and Appendix C) and the authors' released code, cited per field.
 */
import { z } from 'zod';
import { methodNames } from './methods';
import { positiveInt } from './tasks/module';
import { taskNames, taskSchemas } from './tasks/registry';

/** One schema per task, each in its module (core/tasks/registry.ts); `name` picks it. */
export const TaskConfig = z
  .discriminatedUnion('name', taskSchemas, {
    errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union_discriminator' ? `expected one of ${taskNames.join(', ')}` : ctx.defaultError }),
  })
  .default({});
export type TaskConfig = z.output<typeof TaskConfig>;

export const SamplingConfig = z
  .object({
    /** The released code samples at temperature 1 with top_p 0.9 for open models. */
    temperature: z.number().min(0).max(2).default(1),
    topP: z.number().gt(0).max(1).default(0.9),
    /** The authors generate at most 2048 new tokens per reply. */
    maxTokens: positiveInt.default(2048),
  })
  .strict();

const loraRank = z.union([z.literal(8), z.literal(16), z.literal(32), z.literal(64), z.literal(128), z.literal(256)]);

const RoleTraining = (learningRate: number, laterLearningRate: number, epochs: number) =>
  z
    .object({
      /** Iteration 1. */
      learningRate: z.number().positive().default(learningRate),
      /** Iterations 2..L (Appendix B.3 lowers the rate after the first iteration). */
      laterLearningRate: z.number().positive().default(laterLearningRate),
      epochs: positiveInt.default(epochs),
    })
    .strict()
    .default({});

export const TrainingConfig = z
  .object({
    /** LoRA by default; the paper's open models were fully finetuned. */
    method: z.enum(['lora', 'full']).default('lora'),
    /**
     * Phi-3 in the paper (Appendix B.3): lr 5e-6 (generation) and 5e-7 (critics), 2 and 1 epochs,
     * batch 1, full finetuning; in later iterations 5e-7 for both. LoRA wants about 10x higher
     * rates, hence 5e-5 and 5e-6, then 5e-6 for both.
     */
    generation: RoleTraining(5e-5, 5e-6, 2),
    critic: RoleTraining(5e-6, 5e-6, 1),
    /** Phi-3's weight decay (Appendix B.3), every iteration, both roles; not scaled for LoRA. */
    weightDecay: z.number().min(0).default(1e-3),
    batchSize: positiveInt.default(1),
    lora: z
      .object({
        rank: loraRank.default(16),
        alpha: z.number().positive().default(32),
        dropout: z.number().min(0).max(1).default(0.05),
      })
      .strict()
      .default({}),
    /** The authors train on every assistant turn of a critic's conversation; 'final' trains only the last. */
    criticTurns: z.enum(['all', 'final']).default('all'),
  })
  .strict();

export const QueuesConfig = z
  .object({
    workflow: z.string().min(1).default('maft'),
    inference: z.string().min(1).default('maft-inference'),
    training: z.string().min(1).default('maft-training'),
  })
  .strict();

/** One agent's own recipe in a heterogeneous society; every field left out is the run's. */
export const AgentRecipeConfig = z
  .object({
    /** The model agent n's generation and critic agents start from. */
    baseModel: z.string().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Agent n's own w. */
    criticMix: z.number().min(0).max(1).optional(),
    generation: z.object({ learningRate: z.number().positive(), laterLearningRate: z.number().positive(), epochs: positiveInt }).partial().strict().optional(),
    critic: z.object({ learningRate: z.number().positive(), laterLearningRate: z.number().positive(), epochs: positiveInt }).partial().strict().optional(),
    loraRank: loraRank.optional(),
  })
  .strict();

export const runIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, ".", "_" and "-", at most 63 characters');

export const RunConfig = z
  .object({
    /** Names the run: workflow ids, artifact paths and adapter names derive from it. */
    runId: runIdSchema,
    seed: z.number().int().nonnegative().default(0),
    /** The seed of the train/test split; default `seed`. An experiment gives all its runs one split. */
    splitSeed: z.number().int().nonnegative().optional(),
    /** The model every agent starts from (Algorithm 1, lines 1-2); also writes the summaries. */
    baseModel: z.string().min(1),
    task: TaskConfig,
    /**
     * What the run does (docs/methods.md): the paper's method, 'multiagent-ft', or one of its
     * baselines (Table 1), each a configuration of the same debate, dataset and training blocks.
     */
    method: z.enum(methodNames).default('multiagent-ft'),
    /** Ablation "w/o critic" (Table 2): false trains no critic agents; generation agents answer every round. */
    critics: z.boolean().default(true),
    /** Appendix D: later rounds ask the agents to cooperate on one answer instead of debating. */
    cooperative: z.boolean().default(false),
    /** Appendix E.2: each prompt an agent receives begins with its ID ("Agent ID: GEN1 (...)", "Agent ID: CRIT1 (...)"). */
    agentIds: z.boolean().default(false),
    /** N: the paper's society has 3 agents (Section 4). */
    agents: positiveInt.default(3),
    /** M: 2 rounds of debate (Section 4): round 1 generation, round 2 critics. */
    rounds: positiveInt.default(2),
    /** L: the paper reports up to 5 iterations of finetuning (Figure 3). */
    iterations: positiveInt.default(5),
    /** Critics see a summary of the other agents' answers, written by the base model (Section 2.1). */
    summarize: z.boolean().default(true),
    /** w: the fraction of D^C_n drawn from D^C-_n. The released code pairs every D^C- example with about one D^C+ example: 2/3. */
    criticMix: z
      .number()
      .min(0)
      .max(1)
      .default(2 / 3),
    /**
     * How D^C_n is drawn: 'exact', a seeded sample of exactly the w-mix (docs/architecture.md);
     * 'released', the authors' code: every D^C- example and each D^C+ example on a fair coin (w unused).
     */
    criticMixRule: z.enum(['exact', 'released']).default('exact'),
    sampling: SamplingConfig.default({}),
    training: TrainingConfig.default({}),
    /** Diversity metrics of every evaluation (docs/diversity.md), on the first `questions` test questions (default all). */
    diversity: z
      .object({
        measure: z.boolean().default(true),
        questions: positiveInt.optional(),
        /**
         * The fixed scoring model of Appendix C.2 and C.3 (the paper: Gemma-2 2B, a model outside the
         * society), served by the inference server. Default: `baseModel`, filled in below.
         */
        scoringModel: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Evaluate the base agents (iteration 0) before the first finetuning iteration. */
    evaluateBase: z.boolean().default(true),
    /**
     * C: the model calls the inference engine runs at once (vLLM's max_num_seqs, a hosted API's
     * concurrency limit). The debate fan-out follows from it (core/sizing.ts).
     */
    inferenceCapacity: positiveInt.default(64),
    /** Bounded fan-out: at most this many question debates at once; default ceil(2C/N). */
    maxConcurrentDebates: positiveInt.optional(),
    /**
     * Evaluation(l) runs beside iteration l+1's debates and finetuning, and the base evaluation beside
     * iteration 1 (docs/architecture.md): same results, shorter makespan. false runs the phases one
     * after another.
     */
    pipelining: z.boolean().default(true),
    /**
     * The inference engine and the trainer share one GPU: the engine sleeps (vLLM sleep mode, level 1)
     * while the agents finetune and wakes after, so evaluation cannot overlap finetuning
     * (docs/operating.md). The engine must be started with sleep mode enabled.
     */
    colocated: z.boolean().default(false),
    queues: QueuesConfig.default({}),
    /** Keep the custom search attributes (core/search-attributes.ts) current; false on a server where they are not registered. */
    searchAttributes: z.boolean().default(true),
    /** A heterogeneous society: agent n's own base model and post-training recipe (one entry per agent). */
    society: z.array(AgentRecipeConfig).optional(),
    /** The experiment this run belongs to (set by the experiment workflow), for reports and search. */
    experiment: z.string().min(1).optional(),
    /** The experiment's method variant (its `methods[].name`) this run is a cell of (set by the experiment);
     * it names a heterogeneous society in the run's label, so two society variants are two report rows. */
    variant: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.society && config.society.length !== config.agents) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['society'], message: `has ${config.society.length} entries but agents is ${config.agents}` });
    }
  })
  .transform((config) => ({ ...config, diversity: { ...config.diversity, scoringModel: config.diversity.scoringModel ?? config.baseModel } }));

export type RunConfigInput = z.input<typeof RunConfig>;
export type RunConfig = z.output<typeof RunConfig>;

/** One line per problem, each naming the field's path, e.g. `task.trainSize: Expected number, received string`. */
export function describeConfigErrors(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid run config ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates raw input and fills the paper's defaults; throws ConfigError naming every bad field. */
export function parseRunConfig(input: unknown, source = '(input)'): RunConfig {
  const result = RunConfig.safeParse(input);
  if (!result.success) throw new ConfigError(source, describeConfigErrors(result.error));
  return result.data;
}
