/**
 * Every task, one line each. The task names, the config's union (core/config.ts), the report's task
 * order and the CLI's help derive from this list; a new task is its module plus a line here
 * (docs/tasks.md).
 */
import type { z } from 'zod';
import { arithmeticTask } from './arithmetic';
import { gsm8kTask } from './gsm8k';
import { gsm8kTrainTask } from './gsm8k-train';
import { jsonlTask } from './jsonl-task';
import { mathTask } from './math';
import { mmluTask } from './mmlu';
import type { TaskModule } from './module';

export const taskModules = [arithmeticTask, gsm8kTask, gsm8kTrainTask, mathTask, mmluTask, jsonlTask] as const;

type Modules = typeof taskModules;
type Each<T, Key extends string> = { -readonly [K in keyof T]: T[K] extends Record<Key, infer V> ? V : never };
export type TaskName = Modules[number]['name'];
export const taskNames = taskModules.map((task) => task.name) as unknown as Each<Modules, 'name'>;

/** The modules' schemas, as the tuple z.discriminatedUnion takes. */
export const taskSchemas = taskModules.map((task) => task.schema) as unknown as Each<Modules, 'schema'>;

type LooseTaskModule = TaskModule<TaskName, z.ZodTypeAny, { name: TaskName; trainSize: number; testSize: number }>;

/** The module of a task, typed loosely: callers hold a config already validated by its schema. */
export function taskModule(name: TaskName): LooseTaskModule {
  return taskModules.find((task) => task.name === name)! as unknown as LooseTaskModule;
}
