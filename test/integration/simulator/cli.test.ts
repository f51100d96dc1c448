import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { arithmeticQuestion } from '../../../core/tasks/arithmetic';
import { postJson } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');

test('the CLI prints its URL, serves, and exits cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', '--port', '0', '--seed', '3', '--quiet', '--base-model', 'cli-base'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const match = /^simulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    expect(match).not.toBeNull();
    const url = match![1];
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const r = await postJson(`${url}/v1/chat/completions`, { model: 'cli-base', messages: [{ role: 'user', content: arithmeticQuestion(0, 0).prompt }] });
    expect(r.status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 15_000);
