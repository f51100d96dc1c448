/**
 * `maft resume <run>`: a failed, cancelled, terminated or timed-out run continues from its last
 * completed step. Its latest execution's input ({config, state}) is the start of the iteration it
 * did not finish; a new execution of the same workflow id starts from that input, skipping the
 * debates whose transcripts are stored and re-attaching to training jobs by their keys.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Command } from 'commander';
import { multiagentFinetuning } from '../../workflows';
import { connectionFromFlags, withConnectionFlags } from '../connection-flags';
import { describeRun, executionInput } from '../runs';
import { say, withClient } from './common';
import { followRun } from './follow';

export function registerResumeCommand(program: Command): void {
  withConnectionFlags(program.command('resume <run>'))
    .description('continue a failed, cancelled, terminated or timed-out run from its last completed step, and show its progress')
    .option('--detach', 'start it and return')
    .addHelpText('after', '\nExample:\n  $ maft resume gsm8k-l5     # the runId of the config; the workflow is maft-gsm8k-l5')
    .action(async (runId: string, options) => {
      await withClient(connectionFromFlags(options), async (client) => {
        const latest = await describeRun(client, runId);
        const status = latest.status.name;
        if (status === 'RUNNING') throw new Error(`run "${runId}" is still running: nothing to resume (\`maft status ${runId}\`)`);
        if (status === 'COMPLETED') throw new Error(`run "${runId}" has completed: nothing to resume`);
        const { input, taskQueue } = await executionInput(client, latest);
        try {
          await client.workflow.start(multiagentFinetuning, {
            workflowId: latest.workflowId,
            taskQueue,
            args: [input],
            workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          });
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) throw new Error(`run "${runId}" was resumed meanwhile: \`maft status ${runId}\``);
          throw error;
        }
        say(`maft: resumed run ${runId} at iteration ${input.state?.iteration ?? 1} (its last execution: ${status.toLowerCase()})`);
        await followRun(client, runId, options);
      });
    });
}
