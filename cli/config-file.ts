/**
 * Run config files, YAML or JSON (JSON is read as YAML, so both get line numbers). Every problem
 * is reported at once, each with the file, the line of the bad field and its path, e.g.
 * `run.yaml:7 task.trainSize: Expected number, received string`.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z, ZodIssue, ZodTypeAny } from 'zod';
import { ConfigError, RunConfig } from '../core/config';
import { ExperimentConfig, experimentCells, type ExperimentCell } from '../core/experiment';

type Path = Array<string | number>;

/** The line (1-based) of the deepest part of `path` present in the document: the bad field's key or item. */
export function lineOfPath(doc: Document, lines: LineCounter, path: Path): number {
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  let node: unknown = doc.contents;
  let line = lineAt(doc.contents?.range?.[0]);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      line = lineAt(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      line = lineAt((node as { range?: [number] }).range?.[0]);
    } else {
      break;
    }
  }
  return line;
}

/** One problem per field: zod lists a map's unknown keys in one issue, each gets its own line here. */
function perField(issue: ZodIssue): Array<{ path: Path; message: string }> {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'Unrecognized key' }));
  return [{ path: issue.path, message: issue.message }];
}

/**
 * Reads and validates a run config. The file holds the config itself, or the workflow input
 * `{config: ...}` that `temporal workflow start --input-file` takes (examples/run.json).
 * Throws ConfigError listing every problem as `file:line path: message`.
 */
export function loadRunConfigFile(file: string): RunConfig {
  return loadConfigFile(file, RunConfig);
}

/** An experiment config (core/experiment.ts), checked the same way, then each of its runs. */
export function loadExperimentConfigFile(file: string): { experiment: ExperimentConfig; cells: ExperimentCell[] } {
  const experiment = loadConfigFile(file, ExperimentConfig);
  return { experiment, cells: experimentCells(experiment) };
}

function loadConfigFile<T extends ZodTypeAny>(file: string, schema: T): z.output<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`${file}: ${(error as Error).message}`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `${file}:${lines.linePos(e.pos[0]).line} ${e.message}`),
    );
  }
  const raw: unknown = doc.toJS();
  const wrapped = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).join() === 'config';
  const prefix: Path = wrapped ? ['config'] : [];
  const result = schema.safeParse(wrapped ? (raw as { config: unknown }).config : raw);
  if (result.success) return result.data as z.output<T>;
  const problems = result.error.issues.flatMap(perField).map(({ path, message }) => {
    const full = [...prefix, ...path];
    const line = lineOfPath(doc, lines, full);
    return { line, text: `${file}:${line} ${full.length ? full.join('.') : '(root)'}: ${message}` };
  });
  throw new ConfigError(
    file,
    problems.sort((a, b) => a.line - b.line).map((p) => p.text),
  );
}
