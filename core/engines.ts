/**
 * Inference engines and the base models they serve: a society of several model families runs on one
 * engine per base model (vLLM serves one base with its LoRA adapters). The engine map is a fact of the
 * deployment (the worker's MAFT_ENGINES, docs/operating.md); a run config only names models. Every model
 * call routes by a base model: an agent's calls by the agent's base (its adapters' names do not carry
 * it), a summary or a score by the model that makes it.
 */
import { z } from 'zod';
import { describeConfigErrors, type RunConfig } from './config';
import { agentRecipes } from './society';

export const EngineEntry = z
  .object({
    /** Names the engine in messages and logs. */
    name: z.string().min(1),
    /** Its OpenAI-compatible base URL, e.g. http://127.0.0.1:8101/v1. */
    url: z.string().url(),
    /** The base models it serves (its adapters are routed by their agents' base). */
    models: z.array(z.string().min(1)).min(1),
    /** The environment variable holding its API key (keys never enter the map); omitted: no key. */
    apiKeyEnv: z.string().min(1).optional(),
    /** Where its bases' training jobs go (a trainer that shares state with the engine, as the
     * simulator's); omitted: the worker's MAFT_TRAINING_URL. */
    trainingUrl: z.string().url().optional(),
    trainingApiKeyEnv: z.string().min(1).optional(),
    /** Model calls it runs at once (vLLM max_num_seqs); omitted: MAFT_INFERENCE_CONCURRENCY. */
    capacity: z.number().int().positive().optional(),
  })
  .strict();
export type EngineEntry = z.output<typeof EngineEntry>;

export const EngineMap = z
  .object({ engines: z.array(EngineEntry).min(1) })
  .strict()
  .superRefine(({ engines }, ctx) => {
    const owner = new Map<string, string>();
    const names = new Set<string>();
    engines.forEach((engine, i) => {
      if (names.has(engine.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['engines', i, 'name'], message: `"${engine.name}" names two engines` });
      names.add(engine.name);
      engine.models.forEach((model, k) => {
        const other = owner.get(model);
        if (other !== undefined)
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['engines', i, 'models', k], message: `"${model}" is already served by engine ${other}` });
        else owner.set(model, engine.name);
      });
    });
  });
export type EngineMap = z.output<typeof EngineMap>;

export class EngineMapError extends Error {
  constructor(source: string, problems: string[]) {
    super(`invalid engine map ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'EngineMapError';
  }
}

/** Validates an engine map (already parsed JSON); throws EngineMapError naming every bad field and the source. */
export function parseEngineMap(raw: unknown, source: string): EngineMap {
  const result = EngineMap.safeParse(raw);
  if (!result.success) throw new EngineMapError(source, describeConfigErrors(result.error));
  return result.data;
}

/** What one engine serves: its base models, or null for every model (one engine, no map). */
export interface ServedModels {
  name: string;
  models: string[] | null;
}

/** The engine of a call of `model`: the one listing the model itself (a base), else the one listing its
 * `baseModel` (an adapter), else one serving every model; undefined when none. */
export function engineIndexFor(engines: ReadonlyArray<ServedModels>, model: string, baseModel = model): number | undefined {
  for (const name of [model, baseModel]) {
    const listing = engines.findIndex((e) => e.models?.includes(name));
    if (listing >= 0) return listing;
  }
  const any = engines.findIndex((e) => e.models === null);
  return any >= 0 ? any : undefined;
}

/** e.g. "smollm2 serves SmolLM2-135M-Instruct; gemma serves gemma-3-270m-it". */
export function describeEngines(engines: ReadonlyArray<ServedModels>): string {
  return engines.map((e) => `${e.name} serves ${e.models ? e.models.join(', ') : 'every model'}`).join('; ');
}

/**
 * Every model the run calls that no engine serves, one problem per field naming the agent and the
 * model: each agent's base (society[n].baseModel, or baseModel), the run's baseModel where summaries
 * or agents use it, and diversity.scoringModel where diversity is measured.
 */
export function unservedModels(config: RunConfig, agents: number, engines: ReadonlyArray<ServedModels>): string[] {
  const uses: Array<{ field: string; model: string }> = [];
  const ownBase = (n: number) => config.society?.[n]?.baseModel !== undefined;
  const recipes = agentRecipes(config, agents);
  recipes.forEach((recipe, n) => {
    if (ownBase(n)) uses.push({ field: `society[${n}].baseModel (agent ${n + 1})`, model: recipe.baseModel });
  });
  const onBase = recipes.flatMap((_, n) => (ownBase(n) ? [] : [n + 1]));
  const users = [...(onBase.length > 0 ? [`agent${onBase.length > 1 ? 's' : ''} ${onBase.join(', ')}`] : []), ...(config.summarize ? ['summaries'] : [])];
  if (users.length > 0) uses.push({ field: `baseModel (${users.join(', ')})`, model: config.baseModel });
  if (config.diversity.measure) uses.push({ field: 'diversity.scoringModel', model: config.diversity.scoringModel });
  return uses
    .filter((use) => engineIndexFor(engines, use.model) === undefined)
    .map((use) => `${use.field}: "${use.model}" is served by no engine (engines: ${describeEngines(engines)})`);
}
