/**
 * The artifact store: task splits, debate transcripts, finetuning JSONL, evaluation records and
 * reports at deterministic paths (core/artifact-paths), in a directory (activities/directory-store.ts)
 * or an S3 bucket (activities/object-store.ts), chosen by MAFT_ARTIFACTS (artifactStoreFrom).
 *
 * Every implementation keeps three promises: a write is atomic from a reader's point of view (a
 * reader sees the whole old object or the whole new one, never a part); a path names one object, so a
 * retried activity that writes again replaces its object instead of adding a second; and a failure
 * that may pass (the store unreachable for a while) is thrown as an ordinary error, which Temporal's
 * retry policy retries, so an outage delays a run and loses nothing.
 */
export abstract class ArtifactStore {
  /** Where the store is, as MAFT_ARTIFACTS spells it (a directory or s3://bucket/prefix). */
  abstract readonly location: string;

  /** Where one artifact is, for messages: a file path or an s3:// URL. */
  abstract locate(relative: string): string;

  /** Writes bytes atomically; returns locate(relative). */
  abstract writeBytes(relative: string, bytes: Uint8Array): Promise<string>;

  abstract readBytes(relative: string): Promise<Buffer>;

  /** Whether an artifact exists at the path, or (for a folder) any artifact under it. */
  abstract exists(relative: string): Promise<boolean>;

  /** The names of the artifacts directly inside a folder (not of its subfolders), sorted; [] if none. */
  abstract list(folder: string): Promise<string[]>;

  /** Removes a folder and everything under it; nothing if it is absent. */
  abstract removeFolder(folder: string): Promise<void>;

  /** Checks at start that the store can be read and written, with an error naming the setting at fault. */
  abstract check(): Promise<void>;

  /** Writes text (or bytes, e.g. a PNG) atomically. */
  writeText(relative: string, text: string | Uint8Array): Promise<string> {
    return this.writeBytes(relative, typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  }

  async readText(relative: string): Promise<string> {
    return (await this.readBytes(relative)).toString('utf8');
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
        throw new Error(`${this.locate(relative)}:${i + 1}: invalid JSON (${(error as Error).message})`);
      }
    });
    return records;
  }
}
