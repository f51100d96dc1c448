/** `maft cancel <run>`: cancel a running run (its debates and training jobs too) and wait until it stops. */
import type { Command } from 'commander';
import { connectionFromFlags, withConnectionFlags } from '../connection-flags';
import { describeRun, runHandle } from '../runs';
import { integer, say, withClient } from './common';

export function registerCancelCommand(program: Command): void {
  withConnectionFlags(program.command('cancel <run>'))
    .description('cancel a running run; `maft resume` continues it later from its last completed step')
    .option('--wait <seconds>', 'how long to wait for the run to stop (0: do not wait)', integer, 60)
    .addHelpText('after', '\nExample:\n  $ maft cancel gsm8k-l5 && maft resume gsm8k-l5')
    .action(async (runId: string, options) => {
      await withClient(connectionFromFlags(options), async (client) => {
        const latest = await describeRun(client, runId);
        if (latest.status.name !== 'RUNNING') throw new Error(`run "${runId}" is not running (${latest.status.name}): nothing to cancel`);
        const handle = runHandle(client, runId);
        await handle.cancel();
        say(`maft: cancellation of run ${runId} requested`);
        if (options.wait === 0) return;
        const closed = handle.result().then(
          () => true,
          () => true,
        );
        const stopped = await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), options.wait * 1000).unref())]);
        const now = await describeRun(client, runId);
        say(
          stopped
            ? `maft: run ${runId} is ${now.status.name}; \`maft resume ${runId}\` continues it`
            : `maft: run ${runId} is still ${now.status.name} after ${options.wait} s`,
        );
      });
    });
}
