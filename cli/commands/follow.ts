/** After `maft run` or `maft resume` started an execution: follow it to its end, or leave it running. */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { workflowIds } from '../../workflows/ids';
import { formatRunTable } from '../run-table';
import { failureMessage } from '../runs';
import { watchRun } from '../watch';
import { firstInterrupt, say } from './common';

function whyItStopped(runId: string, error: unknown): Error {
  if (!(error instanceof WorkflowFailedError)) return error as Error;
  return new Error(`run "${runId}" stopped: ${failureMessage(error)}\n\`maft resume ${runId}\` continues it from its last completed step`);
}

export async function followRun(client: Client, runId: string, options: { detach?: boolean }): Promise<void> {
  const hints = `\`maft status ${runId}\` shows it, \`maft cancel ${runId}\` stops it`;
  if (options.detach) {
    say(`maft: the run goes on; ${hints}`);
    return;
  }
  const outcome = await watchRun(client, workflowIds.run(runId), { detach: firstInterrupt() }).catch((error: unknown) => {
    throw whyItStopped(runId, error);
  });
  if (outcome === 'detached') {
    say(`maft: detached; the run goes on: ${hints}`);
    return;
  }
  say('');
  say(formatRunTable(outcome));
}
