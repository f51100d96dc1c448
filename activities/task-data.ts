/**
 * Reading a task's data files for prepareTask: the effects around core/tasks' pure loaders. Paths
 * in the task config are absolute or relative to the data directory.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TaskConfig } from '../core/config';
import { drawnSplits, taskModule, taskSpec, type Question, type Splits, type TaskRecord } from '../core/tasks';
import type { TaskSource } from '../core/tasks/module';
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

/** The subject files of a folder, in name order, restricted to the configured subjects. */
async function folderSources(
  dataDir: string,
  dir: string,
  source: FolderSource,
  subjects: readonly string[] | undefined,
): Promise<Array<SourceFile & { subject: string }>> {
  const folder = path.resolve(dataDir, dir);
  const names = await fs.readdir(folder).catch((error: Error) => {
    throw new Error(`task.dir: cannot read ${folder} (${error.message})`);
  });
  const bySubject = new Map(names.flatMap((name) => (source.subjectOf(name) ? [[source.subjectOf(name)!, name] as const] : [])));
  const missing = (subjects ?? []).filter((s) => !bySubject.has(s));
  if (missing.length) throw new Error(`task.subjects: no file in ${folder} for ${missing.join(', ')} (it has ${[...bySubject.keys()].join(', ')})`);
  const chosen = [...bySubject.entries()].filter(([s]) => !subjects || subjects.includes(s)).sort(([, a], [, b]) => a.localeCompare(b));
  if (chosen.length === 0) throw new Error(`task.dir: ${folder} holds no ${source.fileNames} files`);
  return Promise.all(chosen.map(async ([subject, name]) => ({ subject, ...(await readSource(folder, name, 'dir')) })));
}

type Config = { name: TaskConfig['name']; trainSize: number; testSize: number };
type FolderSource = Extract<TaskSource<Config>, { kind: 'folder' }>;

/** The questions a loaded task draws from, and the files they came from, as its module's source says. */
async function loadPool(
  source: Exclude<TaskSource<Config>, { kind: 'generated' }>,
  config: Config,
  dataDir: string,
): Promise<{ pool: Question[]; sources: SourceFile[] }> {
  if (source.kind === 'file') {
    const file = await readSource(dataDir, source.file(config), 'file');
    return { pool: source.parse(file, config), sources: [file] };
  }
  const files = await folderSources(dataDir, source.dir(config), source, source.subjects(config));
  return { pool: files.flatMap((file) => source.parse(file, file.subject, config)), sources: files };
}

/** The run's splits and what to record about them. */
export async function loadTaskSplits(config: TaskConfig, seed: number, dataDir: string): Promise<{ splits: Splits; record: TaskRecord }> {
  const record = { config, spec: taskSpec(config), seed, train: config.trainSize, test: config.testSize };
  const task = taskModule(config.name);
  if (task.source.kind === 'generated') {
    return { splits: task.source.splits(config, seed), record: { ...record, sources: [], eligible: null, duplicates: 0 } };
  }
  const { pool, sources } = await loadPool(task.source, config, dataDir);
  const what = `task ${config.name} (${[sources.length === 1 ? sources[0].file : `${sources.length} files`, ...(task.filters?.(config) ?? [])].join('; ')})`;
  const drawn = drawnSplits(pool, seed, config.trainSize, config.testSize, what);
  return {
    splits: { train: drawn.train, test: drawn.test },
    record: { ...record, sources: sources.map(({ file, sha256 }) => ({ file, sha256 })), eligible: drawn.eligible, duplicates: drawn.duplicates },
  };
}
