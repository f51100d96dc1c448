/**
 * The artifact store: a directory (local disk or a shared volume) holding task splits, debate
 * transcripts, finetuning JSONL and evaluation records at deterministic paths (core/artifact-paths).
 * Writes are atomic (temp file + rename), so a killed worker never leaves half a file behind.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export class ArtifactStore {
  constructor(readonly root: string) {}

  absolute(relative: string): string {
    const full = path.resolve(this.root, relative);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`artifact path escapes the store: ${relative}`);
    return full;
  }

  /** Writes text (or bytes, e.g. a PNG) atomically. */
  async writeText(relative: string, text: string | Uint8Array): Promise<string> {
    const full = this.absolute(relative);
    await fs.mkdir(path.dirname(full), { recursive: true });
    const temporary = `${full}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temporary, text);
    await fs.rename(temporary, full);
    return full;
  }

  async readText(relative: string): Promise<string> {
    return fs.readFile(this.absolute(relative), 'utf8');
  }

  async exists(relative: string): Promise<boolean> {
    return fs.access(this.absolute(relative)).then(
      () => true,
      () => false,
    );
  }

  writeJson(relative: string, value: unknown): Promise<string> {
    return this.writeText(relative, JSON.stringify(value, null, 2) + '\n');
  }

  async readJson<T>(relative: string): Promise<T> {
    return JSON.parse(await this.readText(relative)) as T;
  }

  writeJsonl(relative: string, records: readonly unknown[]): Promise<string> {
    return this.writeText(relative, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /** Parses a JSONL file; a bad line is reported with the file and its line number. */
  async readJsonl<T>(relative: string): Promise<T[]> {
    const lines = (await this.readText(relative)).split('\n');
    const records: T[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(JSON.parse(line) as T);
      } catch (error) {
        throw new Error(`${this.absolute(relative)}:${i + 1}: invalid JSON (${(error as Error).message})`);
      }
    });
    return records;
  }
}
