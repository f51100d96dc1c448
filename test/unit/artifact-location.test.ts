import { formatArtifactLocation, normalizeRelative, parseArtifactLocation } from '../../core/artifact-location';

describe('MAFT_ARTIFACTS', () => {
  it('is a directory, resolved by the caller, or an S3 bucket with a key prefix', () => {
    expect(parseArtifactLocation('.maft/artifacts', (p) => `/work/${p}`)).toEqual({ kind: 'directory', path: '/work/.maft/artifacts' });
    expect(parseArtifactLocation('s3://maft-runs/team/a/')).toEqual({ kind: 's3', bucket: 'maft-runs', prefix: 'team/a' });
    expect(parseArtifactLocation('s3://maft-runs')).toEqual({ kind: 's3', bucket: 'maft-runs', prefix: '' });
    expect(formatArtifactLocation({ kind: 's3', bucket: 'maft-runs', prefix: 'team/a' })).toBe('s3://maft-runs/team/a');
    expect(formatArtifactLocation({ kind: 's3', bucket: 'maft-runs', prefix: '' })).toBe('s3://maft-runs');
  });

  it('names the variable and the fault in a bad location', () => {
    expect(() => parseArtifactLocation('s3://Maft_Runs/x')).toThrow('MAFT_ARTIFACTS: "Maft_Runs" in "s3://Maft_Runs/x" is not a valid S3 bucket name');
    expect(() => parseArtifactLocation('s3://maft/a/../b')).toThrow(
      'MAFT_ARTIFACTS: the key prefix "a/../b" in "s3://maft/a/../b" has an empty, "." or ".." part',
    );
    expect(() => parseArtifactLocation('gs://maft/x')).toThrow('MAFT_ARTIFACTS: "gs://maft/x" is neither a directory nor an s3://bucket/prefix URL');
  });
});

describe('artifact paths inside a store', () => {
  it('are normalized, and may not leave the store', () => {
    expect(normalizeRelative('runs/./a//b/')).toBe('runs/a/b');
    expect(normalizeRelative('runs/a/../b')).toBe('runs/b');
    for (const bad of ['/etc/passwd', '../x', 'runs/../../x', '.', '']) expect(() => normalizeRelative(bad)).toThrow(`artifact path escapes the store: ${bad}`);
  });
});
