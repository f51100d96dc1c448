/** What the multi-host tests check of a namespaced stack (bench/namespaced-stack.ts): where each process ran, and what the workers left. */
import { readdirSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { NamespacedStack } from '../../bench/namespaced-stack';

const netnsOf = (pid: number | string) => readlinkSync(`/proc/${pid}/ns/net`);

/** The network namespace of this test process, of each service the stack started and of each worker, by name. */
export function namespacesOf(stack: NamespacedStack): Record<string, string> {
  const services = {
    temporal: stack.server.process,
    s3: stack.seaweed.process,
    simulator: stack.simulator?.process,
    engine: stack.engine?.process,
    trainer: stack.trainer?.process,
  };
  return Object.fromEntries([
    ['test', netnsOf('self')],
    ...Object.entries(services).flatMap(([name, child]) => (child ? [[name, netnsOf(child.pid!)]] : [])),
    ...stack.workers.map((w) => [w.kind, netnsOf(w.process.process.pid!)]),
  ]);
}

/** Every entry the workers left in their own working directory and TMPDIR: none when they read and wrote only through the network. */
export function workerLeftovers(stack: NamespacedStack): string[] {
  return stack.workers.flatMap((w) => [w.cwd, w.tmpdir].flatMap((dir) => readdirSync(dir, { recursive: true }).map((entry) => path.join(dir, String(entry)))));
}
