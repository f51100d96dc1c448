/**
 * The built maft command (dist/cli/main.js, from `npm run build`) as a child process against a
 * test stack's dev server: run to its end, or spawned to be read and interrupted while it runs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../activities/project-root';

const MAIN = path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js');
const SOURCES = ['cli', 'core', 'workers', 'workflows', 'activities'];

function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? newestSource(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0;
    }),
  );
}

/** Fails clearly when dist/ is missing or older than the sources, instead of testing stale code. */
export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  const stale = SOURCES.some((dir) => newestSource(path.join(PROJECT_ROOT, dir)) > statSync(MAIN).mtimeMs);
  if (stale) throw new Error(`${MAIN} is older than the sources: run \`npm run build\` first`);
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment of the CLI: the test server's address, no TEMPORAL_* from the caller's shell. */
function cliEnv(address: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  return { ...env, TEMPORAL_ADDRESS: address, ...extra };
}

/** Runs `maft <args>` to its end. */
export function maft(address: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: cliEnv(address, env), cwd: PROJECT_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Starts `maft <args>`, collecting its output as it comes. */
export function spawnMaft(address: string, args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [MAIN, ...args], { env: cliEnv(address), cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Outcome>((resolve) => child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return {
    child,
    exited,
    stdout: () => stdout,
    /** Waits until stdout matches `pattern`. */
    async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`maft ${args.join(' ')} never printed ${pattern}:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
