/**
 * Reading a task's data files for prepareTask: the effects around core/tasks' pure loaders. Paths
 * in the task config are absolute or relative to the data directory.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TaskConfig } from '../core/config';
import { drawnSplits, generatedSplits, taskSpec, type Question, type Splits, type TaskRecord } from '../core/tasks';
import { parseGsm8k } from '../core/tasks/gsm8k';
import { parseJsonlTask, roundOnePrompt } from '../core/tasks/jsonl-task';
import { parseMath } from '../core/tasks/math';
import { mmluSubject, parseMmlu } from '../core/tasks/mmlu';
import { PROJECT_ROOT } from './project-root';

/** MAFT_DATA_DIR, else ../shared/data beside the project. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.MAFT_DATA_DIR ?? path.join(PROJECT_ROOT, '..', 'shared', 'data'));
}

interface SourceFile {
  file: string;
  text: string;
  sha256: string;
}

async function readSource(dataDir: string, relative: string, field: string): Promise<SourceFile> {
  const file = path.resolve(dataDir, relative);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`task.${field}: cannot read ${file} (${(error as Error).message})`);
  }
  return { file, text, sha256: createHash('sha256').update(text).digest('hex') };
}

/** The subject files of an MMLU folder, in name order, restricted to the configured subjects. */
async function mmluSources(dataDir: string, dir: string, subjects: readonly string[] | undefined): Promise<Array<SourceFile & { subject: string }>> {
  const folder = path.resolve(dataDir, dir);
  const names = await fs.readdir(folder).catch((error: Error) => {
    throw new Error(`task.dir: cannot read ${folder} (${error.message})`);
  });
  const bySubject = new Map(names.flatMap((name) => (mmluSubject(name) ? [[mmluSubject(name)!, name] as const] : [])));
  const missing = (subjects ?? []).filter((s) => !bySubject.has(s));
  if (missing.length) throw new Error(`task.subjects: no file in ${folder} for ${missing.join(', ')} (it has ${[...bySubject.keys()].join(', ')})`);
  const chosen = [...bySubject.entries()].filter(([s]) => !subjects || subjects.includes(s)).sort(([, a], [, b]) => a.localeCompare(b));
  if (chosen.length === 0) throw new Error(`task.dir: ${folder} holds no <subject>_<split>.csv files`);
  return Promise.all(chosen.map(async ([subject, name]) => ({ subject, ...(await readSource(folder, name, 'dir')) })));
}

/** The questions a loaded task draws from, and the files they came from. */
async function loadPool(config: Exclude<TaskConfig, { name: 'arithmetic' }>, dataDir: string): Promise<{ pool: Question[]; sources: SourceFile[] }> {
  switch (config.name) {
    case 'gsm8k': {
      const source = await readSource(dataDir, config.file, 'file');
      return { pool: parseGsm8k(source.text, source.file), sources: [source] };
    }
    case 'math': {
      const source = await readSource(dataDir, config.file, 'file');
      return { pool: parseMath(source.text, source.file, config), sources: [source] };
    }
    case 'mmlu': {
      const sources = await mmluSources(dataDir, config.dir, config.subjects);
      return { pool: sources.flatMap((s) => parseMmlu(s.text, s.file, s.subject)), sources };
    }
    case 'jsonl': {
      const source = await readSource(dataDir, config.file, 'file');
      const template = config.prompt ?? roundOnePrompt[taskSpec(config).prompts as keyof typeof roundOnePrompt];
      return { pool: parseJsonlTask(source.text, source.file, config.fields, template), sources: [source] };
    }
  }
}

/** The run's splits and what to record about them. */
export async function loadTaskSplits(config: TaskConfig, seed: number, dataDir: string): Promise<{ splits: Splits; record: TaskRecord }> {
  const record = { config, spec: taskSpec(config), seed, train: config.trainSize, test: config.testSize };
  if (config.name === 'arithmetic') {
    return { splits: generatedSplits(seed, config.trainSize, config.testSize), record: { ...record, sources: [], eligible: null, duplicates: 0 } };
  }
  const { pool, sources } = await loadPool(config, dataDir);
  const filters = [config.name === 'math' && `levels ${config.levels.join(', ')}`, 'subjects' in config && config.subjects && `subjects ${config.subjects.join(', ')}`];
  const what = `task ${config.name} (${[sources.length === 1 ? sources[0].file : `${sources.length} files`, ...filters].filter(Boolean).join('; ')})`;
  const drawn = drawnSplits(pool, seed, config.trainSize, config.testSize, what);
  return {
    splits: { train: drawn.train, test: drawn.test },
    record: { ...record, sources: sources.map(({ file, sha256 }) => ({ file, sha256 })), eligible: drawn.eligible, duplicates: drawn.duplicates },
  };
}
