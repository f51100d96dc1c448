/**
 * Where the artifact store lives (MAFT_ARTIFACTS): a directory, or an S3 bucket and key prefix
 * (`s3://bucket/prefix`). The S3 endpoint and credentials are not part of the location: they come
 * from the AWS SDKs' own environment variables (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL,
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION), so they never enter a run's config, a
 * workflow input or a history. Pure: parsed the same way by workers, the CLI and tests.
 */
export type ArtifactLocation = { kind: 'directory'; path: string } | { kind: 's3'; bucket: string; prefix: string };

/** The variable that names the location, for messages. */
export const ARTIFACTS_VARIABLE = 'MAFT_ARTIFACTS';

// S3 bucket names: 3-63 characters, lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses MAFT_ARTIFACTS; `resolve` makes a directory absolute (the caller's working directory). */
export function parseArtifactLocation(raw: string, resolve: (path: string) => string = (p) => p): ArtifactLocation {
  if (!/^s3:\/\//i.test(raw)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw new Error(`${ARTIFACTS_VARIABLE}: "${raw}" is neither a directory nor an s3://bucket/prefix URL`);
    return { kind: 'directory', path: resolve(raw) };
  }
  const rest = raw.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = (slash === -1 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
  if (!BUCKET.test(bucket))
    throw new Error(`${ARTIFACTS_VARIABLE}: "${bucket}" in "${raw}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`);
  if (prefix !== '' && prefix.split('/').some((part) => part === '.' || part === '..' || part === ''))
    throw new Error(`${ARTIFACTS_VARIABLE}: the key prefix "${prefix}" in "${raw}" has an empty, "." or ".." part`);
  return { kind: 's3', bucket, prefix };
}

/** The location as MAFT_ARTIFACTS spells it. */
export function formatArtifactLocation(location: ArtifactLocation): string {
  return location.kind === 'directory' ? location.path : `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`;
}

/** A relative artifact path, normalized ("a/./b//c/" is "a/b/c"); one that is absolute or leaves the store is refused. */
export function normalizeRelative(relative: string): string {
  const parts: string[] = [];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new Error(`artifact path escapes the store: ${relative}`);
      parts.pop();
    } else parts.push(part);
  }
  if (relative.startsWith('/') || parts.length === 0) throw new Error(`artifact path escapes the store: ${relative}`);
  return parts.join('/');
}

/** Where adapters live in the store: one folder (directory) or key prefix (S3) per finetuned model, PEFT layout inside. */
export const ADAPTERS_FOLDER = 'adapters';
