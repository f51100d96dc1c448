/** The artifact store MAFT_ARTIFACTS names: a directory, or an S3 bucket and prefix (core/artifact-location.ts). */
import * as path from 'node:path';
import { parseArtifactLocation } from '../core/artifact-location';
import type { ArtifactStore } from './artifact-store';
import { DirectoryStore } from './directory-store';
import { ObjectStore } from './object-store';

export function openArtifactStore(location: string, env: NodeJS.ProcessEnv = process.env): ArtifactStore {
  const parsed = parseArtifactLocation(location, (p) => path.resolve(p));
  return parsed.kind === 'directory' ? new DirectoryStore(parsed.path) : new ObjectStore({ bucket: parsed.bucket, prefix: parsed.prefix, env });
}
