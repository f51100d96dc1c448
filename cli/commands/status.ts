/** `maft status <run>`: a snapshot of one run. */
import type { Command } from 'commander';
import { connectionFromFlags, withConnectionFlags } from '../connection-flags';
import { readRunSnapshot } from '../run-snapshot';
import { formatStatus } from '../status-view';
import { say, withClient } from './common';

export function registerStatusCommand(program: Command): void {
  withConnectionFlags(program.command('status <run>'))
    .description("a run's status, iteration, phase and accuracy per iteration")
    .option('--json', 'print the snapshot as JSON')
    .addHelpText('after', '\nExample:\n  $ maft status gsm8k-l5     # the runId of the config; the workflow is maft-gsm8k-l5')
    .action(async (runId: string, options) => {
      await withClient(connectionFromFlags(options), async (client) => {
        const snapshot = await readRunSnapshot(client, runId);
        say(options.json ? JSON.stringify(snapshot, null, 2) : formatStatus(snapshot));
      });
    });
}
