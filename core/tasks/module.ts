/**
 * What a task is, in one module (core/tasks/<task>.ts): its config schema, its checker, its prompts
 * (or the family it borrows), and where its questions come from. core/tasks/registry.ts lists the modules; the config's
 * union, the task names, the report's task order and the CLI's help derive from that list.
 */
import { z } from 'zod';
import type { CheckerName } from '../answers/types';
import type { DebatePrompts } from '../prompt-parts';
import type { PromptStyle } from '../prompts';
import type { Question } from './question';
import type { Splits } from './splits';

export const positiveInt = z.number().int().positive();

/** The paper trains and tests on 500 questions each (Section 4); the two splits are disjoint. */
export const splitSizes = {
  trainSize: positiveInt.default(500),
  testSize: positiveInt.default(500),
};

/** A data file or folder: absolute, or relative to the data directory (MAFT_DATA_DIR, default ../shared/data). */
export const dataPath = (defaultPath: string) => z.string().min(1).default(defaultPath);

/** How a task's answers are read and compared (core/answers) and which prompt family its debate uses (core/prompts). */
export interface TaskSpecParts {
  checker: CheckerName;
  prompts: PromptStyle;
}

/** A data file as the activities read it (core stays free of I/O). */
export interface SourceText {
  file: string;
  text: string;
}

/**
 * Where a task's questions come from. 'generated': made from the seed, nothing read. 'file': one
 * data file at `file(config)`. 'folder': the files of a folder, each holding one subject, named so
 * that `subjectOf` finds it; `subjects(config)` chooses among them (absent: all).
 */
export type TaskSource<C> =
  | { kind: 'generated'; splits(config: C, seed: number): Splits }
  | { kind: 'file'; file(config: C): string; parse(source: SourceText, config: C): Question[] }
  | {
      kind: 'folder';
      dir(config: C): string;
      /** The file names it holds, as the user is told when there are none (e.g. `<subject>_<split>.csv`). */
      fileNames: string;
      subjectOf(fileName: string): string | null;
      subjects(config: C): readonly string[] | undefined;
      parse(source: SourceText, subject: string, config: C): Question[];
    };

/** A prompt family's turns after round 1 (the round-1 prompt is each question's own, made by the loader). */
export interface TaskPrompts {
  critic: DebatePrompts;
  /** How the family asks for the final answer (Appendix D's cooperative turn ends with it). */
  answerFormat: string;
}

export interface TaskModule<Name extends string = string, S extends z.ZodTypeAny = z.ZodTypeAny, C = z.output<S>> {
  name: Name;
  /** One line for the CLI's help and docs/tasks.md. */
  summary: string;
  /** A strict z.object whose `name` is the literal `name`; core/config.ts unites them. */
  schema: S;
  /** Fixed for the paper's tasks; chosen by the config for a user's own. */
  spec: TaskSpecParts | ((config: C) => TaskSpecParts);
  source: TaskSource<C>;
  /** The prompt family a task defines (named in core/prompts.ts's PromptStyle); tasks that borrow one have none. */
  prompts?: TaskPrompts;
  /** The filters a loaded pool was drawn with, for error messages (e.g. "levels 1, 2, 3"). */
  filters?(config: C): string[];
}

/** Types a task module against its own schema. */
export function defineTask<Name extends string, S extends z.ZodTypeAny>(module: TaskModule<Name, S>): TaskModule<Name, S> {
  return module;
}
