/**
 * Child processes a maft process starts (the dev server, the gpu-runtime services) must not outlive
 * it: each is ended when this process exits, however it exits, and SIGINT / SIGTERM become an
 * orderly exit that runs those hooks.
 */
import type { ChildProcess } from 'node:child_process';

const owned = new Set<{ child: ChildProcess; group: boolean }>();
let hooked = false;

function endAll(): void {
  for (const { child, group } of owned) {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
    try {
      process.kill(group ? -child.pid : child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** Ends `child` (its whole process group with `group`) when this process exits. */
export function ownChildProcess(child: ChildProcess, group = false): void {
  const entry = { child, group };
  owned.add(entry);
  child.once('exit', () => owned.delete(entry));
  if (hooked) return;
  hooked = true;
  process.once('exit', endAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return; // someone else handles it (e.g. `maft up` shutting down)
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
