/**
 * The artifact store in a directory: local disk for one host, or a volume every worker shares.
 * Writes go to a temporary file beside the target and are renamed over it, so a reader never sees
 * half a file and a killed worker leaves none behind.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS_VARIABLE, normalizeRelative } from '../core/artifact-location';
import { ArtifactStore } from './artifact-store';

export class DirectoryStore extends ArtifactStore {
  readonly location: string;

  constructor(root: string) {
    super();
    this.location = path.resolve(root);
  }

  /** The file of an artifact (the trainer and vLLM read adapters by path when they share the directory). */
  locate(relative: string): string {
    return path.join(this.location, normalizeRelative(relative));
  }

  async writeBytes(relative: string, bytes: Uint8Array): Promise<string> {
    const full = this.locate(relative);
    await fs.mkdir(path.dirname(full), { recursive: true });
    const temporary = `${full}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, full);
    return full;
  }

  readBytes(relative: string): Promise<Buffer> {
    return fs.readFile(this.locate(relative));
  }

  async exists(relative: string): Promise<boolean> {
    return fs.access(this.locate(relative)).then(
      () => true,
      () => false,
    );
  }

  async list(folder: string): Promise<string[]> {
    const entries = await fs.readdir(this.locate(folder), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
      .map((e) => e.name)
      .sort();
  }

  async removeFolder(folder: string): Promise<void> {
    await fs.rm(this.locate(folder), { recursive: true, force: true });
  }

  async check(): Promise<void> {
    try {
      await fs.mkdir(this.location, { recursive: true });
      await fs.access(this.location, fs.constants.W_OK);
    } catch (error) {
      throw new Error(`${ARTIFACTS_VARIABLE}: the artifact directory ${this.location} cannot be written (${(error as Error).message})`);
    }
  }
}
