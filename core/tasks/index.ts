/**
 * The tasks (one module each, listed in ./registry): how their questions are made or loaded (the
 * loaders are pure: text in, questions out), which checker reads and compares their answers
 * (core/answers) and which prompts the debate uses.
 */
import { answerChecker, checkerNames, type AnswerChecker, type CheckerName } from '../answers';
import type { TaskConfig } from '../config';
import type { PromptStyle } from '../prompts';
import type { TaskSpecParts } from './module';
import { taskModule, taskModules, type TaskName } from './registry';

export type { Question, QuestionSource } from './question';
export { drawnSplits, type Splits, type DrawnSplits } from './splits';
export { generatedSplits } from './arithmetic';
export { taskNames, taskModules, taskModule, type TaskName } from './registry';

/** What a task is to the debate and the scoring, resolved from its config. */
export interface TaskSpec {
  name: TaskName;
  /** Reads each response's final answer, groups equivalent answers, compares ŷ with the reference. */
  checker: CheckerName;
  /** The critic and summary prompts (the round-1 prompt is stored with each question). */
  prompts: PromptStyle;
}

export function taskSpec(config: TaskConfig): TaskSpec {
  const { spec } = taskModule(config.name);
  return { name: config.name, ...(typeof spec === 'function' ? spec(config) : spec) };
}

/** The tasks whose checker is fixed, with it (a jsonl task's checker is named in its config). */
const fixedCheckers = new Map(
  taskModules.flatMap((task) => (typeof task.spec === 'function' ? [] : [[task.name as string, (task.spec as TaskSpecParts).checker] as const])),
);

/** The tasks `maft grade --task` takes by name. */
export const tasksWithFixedChecker = [...fixedCheckers.keys()];

/** The checker of a task with a fixed checker or a checker named directly (`maft grade --task`). */
export function checkerFor(taskOrChecker: string): AnswerChecker {
  const fixed = fixedCheckers.get(taskOrChecker);
  if (fixed) return answerChecker(fixed);
  if ((checkerNames as readonly string[]).includes(taskOrChecker)) return answerChecker(taskOrChecker as CheckerName);
  const known = [...new Set([...fixedCheckers.keys(), ...checkerNames])].join(', ');
  const hint = taskModules.some((task) => task.name === taskOrChecker) ? ` (a ${taskOrChecker} task is graded by the checker it names: give that)` : '';
  throw new Error(`unknown task or checker "${taskOrChecker}"${hint}; expected one of ${known}`);
}

/** What a run records about its task beside the splits (artifactPaths.task). */
export interface TaskRecord {
  /** The task config with its defaults: paths as written, filters. */
  config: TaskConfig;
  spec: TaskSpec;
  seed: number;
  /** The data files read, resolved, with their SHA-256 (none for generated questions). */
  sources: Array<{ file: string; sha256: string }>;
  /** Distinct questions left after the filters (null for generated questions). */
  eligible: number | null;
  /** Records dropped because an earlier one asks the same prompt. */
  duplicates: number;
  train: number;
  test: number;
}
