/**
 * The tasks: how their questions are made or loaded (the loaders are pure: text in, questions out),
 * which checker reads and compares their answers (core/answers) and which prompts the debate uses.
 */
import { answerChecker, checkerNames, type AnswerChecker, type CheckerName } from '../answers';
import type { TaskConfig } from '../config';
import type { PromptStyle } from '../prompts';
import { promptStyleForChecker } from './jsonl-task';
import type { TaskName } from './names';

export type { Question, QuestionSource } from './question';
export { generatedSplits, drawnSplits, type Splits, type DrawnSplits } from './splits';
export { taskNames, type TaskName } from './names';

/** What a task is to the debate and the scoring, resolved from its config. */
export interface TaskSpec {
  name: TaskName;
  /** Reads each response's final answer, groups equivalent answers, compares ŷ with the reference. */
  checker: CheckerName;
  /** The critic and summary prompts (the round-1 prompt is stored with each question). */
  prompts: PromptStyle;
}

const paperTasks: Record<Exclude<TaskName, 'jsonl'>, Omit<TaskSpec, 'name'>> = {
  arithmetic: { checker: 'number', prompts: 'arithmetic' },
  gsm8k: { checker: 'number', prompts: 'gsm8k' },
  math: { checker: 'math', prompts: 'math' },
  mmlu: { checker: 'choice', prompts: 'mmlu' },
};

export function taskSpec(config: TaskConfig): TaskSpec {
  if (config.name === 'jsonl') return { name: 'jsonl', checker: config.checker, prompts: promptStyleForChecker[config.checker] };
  return { name: config.name, ...paperTasks[config.name] };
}

/** The checker of a paper task or a checker named directly (`maft grade --task`); jsonl needs its checker named. */
export function checkerFor(taskOrChecker: string): AnswerChecker {
  if (taskOrChecker in paperTasks) return answerChecker(paperTasks[taskOrChecker as keyof typeof paperTasks].checker);
  if ((checkerNames as readonly string[]).includes(taskOrChecker)) return answerChecker(taskOrChecker as CheckerName);
  const known = [...new Set([...Object.keys(paperTasks), ...checkerNames])].join(', ');
  const hint = taskOrChecker === 'jsonl' ? ' (a jsonl task is graded by the checker it names: give that)' : '';
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
