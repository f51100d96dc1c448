/** `maft run <config>`: validate a config file, start Algorithm 1 on its workflow task queue, follow it. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import { taskModules } from '../../core/tasks';
import { describeConnection } from '../../workers/connection';
import { multiagentFinetuning } from '../../workflows';
import { workflowIds } from '../../workflows/ids';
import { loadRunConfigFile } from '../config-file';
import { connectionFromFlags, withConnectionFlags } from '../connection-flags';
import { say, withClient } from './common';
import { followRun } from './follow';

/** A started run waits for a worker; say so when none polls its queue. */
async function warnWithoutWorkers(client: Client, taskQueue: string): Promise<void> {
  const { pollers } = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue } });
  if (!pollers?.length) say(`maft: no worker polls task queue "${taskQueue}" yet: the run waits for one (\`maft worker\`, or \`maft up\` locally)`);
}

export function registerRunCommand(program: Command): void {
  withConnectionFlags(program.command('run <config>'))
    .description('validate a run config (YAML or JSON), start the run and show its progress until it ends; Ctrl-C detaches and the run goes on')
    .option('--detach', 'start the run and return')
    .addHelpText(
      'after',
      `
The config is core/config.ts's schema (runId and baseModel required; every other field has the
paper's default), or the workflow input {"config": ...} of examples/run.json. Problems are listed
as file:line path: message, and nothing starts. The run is workflow maft-<runId> on the config's
queues.workflow task queue.

Tasks (task.name):
${taskModules.map((task) => `  ${task.name.padEnd(12)} ${task.summary}`).join('\n')}

Examples:
  $ maft run examples/run.yaml
  $ TEMPORAL_ADDRESS=temporal.internal:7233 TEMPORAL_NAMESPACE=research maft run gsm8k.yaml --detach`,
    )
    .action(async (file: string, options) => {
      const config = loadRunConfigFile(file); // every problem, before anything connects or starts
      const connection = connectionFromFlags(options);
      await withClient(connection, async (client) => {
        const workflowId = workflowIds.run(config.runId);
        try {
          await client.workflow.start(multiagentFinetuning, {
            workflowId,
            taskQueue: config.queues.workflow,
            args: [{ config }],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) {
            throw new Error(
              `run "${config.runId}" exists already (workflow ${workflowId}): \`maft status ${config.runId}\` shows it; give a new run another runId`,
            );
          }
          throw error;
        }
        say(`maft: started run ${config.runId} (workflow ${workflowId}) on ${describeConnection(connection)}, task queue ${config.queues.workflow}`);
        await warnWithoutWorkers(client, config.queues.workflow);
        await followRun(client, config.runId, options);
      });
    });
}
