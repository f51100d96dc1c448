/**
 * Reading data files record by record: every bad record is reported with its file, its 1-based line
 * and, where one field is at fault, that field's name.
 */

export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
    readonly field?: string,
  ) {
    super(`${file}:${line}: ${field === undefined ? '' : `field "${field}": `}${problem}`);
    this.name = 'DataFileError';
  }
}

/** One JSON object per non-blank line, with its line number. */
export interface JsonlEntry {
  line: number;
  record: Record<string, unknown>;
}

export function parseJsonl(text: string, file: string): JsonlEntry[] {
  const entries: JsonlEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new DataFileError(file, i + 1, `invalid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DataFileError(file, i + 1, 'expected a JSON object');
    entries.push({ line: i + 1, record: value as Record<string, unknown> });
  });
  return entries;
}

/** A field that must hold a non-empty string. */
export function stringField(entry: JsonlEntry, field: string, file: string): string {
  const value = entry.record[field];
  if (value === undefined) throw new DataFileError(file, entry.line, 'missing', field);
  if (typeof value !== 'string') throw new DataFileError(file, entry.line, `expected a string, got ${JSON.stringify(value)}`, field);
  if (value.trim() === '') throw new DataFileError(file, entry.line, 'empty', field);
  return value;
}

/** A non-empty string, or a number as the file writes it (answers such as 42 need no quotes). */
export function textField(entry: JsonlEntry, field: string, file: string): string {
  const value = entry.record[field];
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : stringField(entry, field, file);
}

/** A question id safe in file names and workflow ids: other characters become "-". */
export function questionId(...parts: Array<string | number>): string {
  return parts.join('-').replace(/[^A-Za-z0-9_.-]+/g, '-');
}
