/**
 * An experiment: a grid of runs (method variants x tasks x seeds) on shared splits, each run a plain
 * maft run with its own run id, reported together (the paper's Tables 1 and 2, plots per iteration).
 */
import { z } from 'zod';
import { ConfigError, describeConfigErrors, parseRunConfig, runIdSchema, type RunConfig } from './config';

const settings = z.record(z.unknown());

export const ExperimentConfig = z
  .object({
    experimentId: runIdSchema,
    /** Run settings every run shares (any run config field but runId, task and seed). */
    base: settings.default({}),
    /** Method variants, e.g. { name: 'no-summary', summarize: false }; `name` goes into run ids. */
    methods: z
      .array(settings.and(z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-"') })))
      .min(1)
      .default([{ name: 'multiagent-ft' }]),
    /** Task configs (run config `task`). */
    tasks: z
      .array(settings)
      .min(1)
      .default([{ name: 'arithmetic' }]),
    seeds: z.array(z.number().int().nonnegative()).min(1).default([0]),
    /** Every run of a task draws the same train/test split from this seed. */
    splitSeed: z.number().int().nonnegative().default(0),
    /** Runs in flight at once (each already fans out its debates to the inference engine). */
    maxConcurrentRuns: z.number().int().positive().default(1),
  })
  .strict();

export type ExperimentConfigInput = z.input<typeof ExperimentConfig>;
export type ExperimentConfig = z.output<typeof ExperimentConfig>;

export interface ExperimentCell {
  runId: string;
  config: RunConfig;
}

type Settings = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Settings => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` on top of `under`, nested objects merged key by key (arrays and values replaced). */
export function mergeSettings(under: Settings, over: Settings): Settings {
  const merged: Settings = { ...under };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeSettings(merged[key] as Settings, value) : value;
  }
  return merged;
}

export function parseExperimentConfig(input: unknown, source = '(input)'): ExperimentConfig {
  const result = ExperimentConfig.safeParse(input);
  if (!result.success) throw new ConfigError(source, describeConfigErrors(result.error));
  return result.data;
}

/** Every run of the grid, validated; a bad cell names its method variant and task. */
export function experimentCells(experiment: ExperimentConfig): ExperimentCell[] {
  const names = experiment.methods.map((m) => m.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new ConfigError('of the experiment', [`methods: the name "${duplicate}" is used twice`]);
  // A task's name names its runs; two configs of one task (e.g. MMLU subjects) are numbered.
  const taskNames = experiment.tasks.map((t) => String(t.name ?? 'arithmetic'));
  const taskIds = taskNames.map((n, i) => (taskNames.filter((m) => m === n).length > 1 ? `${n}${i + 1}` : n));
  const cells: ExperimentCell[] = [];
  for (const [mi, { name, ...variant }] of experiment.methods.entries()) {
    for (const [ti, task] of experiment.tasks.entries()) {
      for (const seed of experiment.seeds) {
        const runId = `${experiment.experimentId}-${name}-${taskIds[ti]}-s${seed}`;
        const raw = mergeSettings(mergeSettings(experiment.base, variant), {
          runId,
          task,
          seed,
          splitSeed: experiment.splitSeed,
          experiment: experiment.experimentId,
          variant: name,
        });
        cells.push({ runId, config: parseRunConfig(raw, `of experiment run ${runId} (methods[${mi}], tasks[${ti}], seed ${seed})`) });
      }
    }
  }
  return cells;
}
