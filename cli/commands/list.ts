/**
 * `maft list`: runs, newest first, with status, iteration, phase and latest accuracy. Runs are the
 * executions of workflow type multiagentFinetuning (one row per run: the latest of its
 * continue-as-new chain). Where the server has maft's custom search attributes registered
 * (core/search-attributes.ts), they filter by task or experiment.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { InvalidArgumentError, type Command } from 'commander';
import { searchAttributes } from '../../core/search-attributes';
import { workflowIds } from '../../workflows/ids';
import { connectionFromFlags, withConnectionFlags } from '../connection-flags';
import { readRunSnapshot } from '../run-snapshot';
import { formatRunList } from '../status-view';
import { integer, say, withClient } from './common';

const RUN_PREFIX = workflowIds.run('');

async function registeredAttributes(client: Client): Promise<Set<string>> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace: client.options.namespace });
  return new Set(Object.keys(customAttributes ?? {}));
}

function keyword(value: string): string {
  if (!/^[A-Za-z0-9_.:/-]+$/.test(value)) throw new InvalidArgumentError('letters, digits and . _ : / - only');
  return value;
}

export function registerListCommand(program: Command): void {
  withConnectionFlags(program.command('list'))
    .description('runs, newest first: status, iteration, phase, latest accuracy')
    .option('--limit <n>', 'at most this many runs', integer, 20)
    .option('--task <name>', `only runs of this task (search attribute ${searchAttributes.task.name})`, keyword)
    .option('--experiment <name>', `only runs of this experiment (search attribute ${searchAttributes.experiment.name})`, keyword)
    .option('--json', 'print the snapshots as JSON')
    .addHelpText('after', '\nExamples:\n  $ maft list\n  $ maft list --task gsm8k --limit 5')
    .action(async (options) => {
      await withClient(connectionFromFlags(options), async (client) => {
        const clauses = [`WorkflowType = 'multiagentFinetuning'`, `ExecutionStatus != 'ContinuedAsNew'`];
        const filters = [
          [searchAttributes.task.name, options.task],
          [searchAttributes.experiment.name, options.experiment],
        ].filter(([, value]) => value !== undefined);
        if (filters.length) {
          const registered = await registeredAttributes(client);
          for (const [name, value] of filters) {
            if (!registered.has(name!)) {
              throw new Error(
                `filtering needs the search attribute ${name} on the server: \`temporal operator search-attribute create --name ${name} --type Keyword\` (maft's dev server registers it)`,
              );
            }
            clauses.push(`${name} = '${value}'`);
          }
        }
        // A resumed run has older closed executions under the same workflow id: keep its latest.
        const runs = new Map<string, WorkflowExecutionInfo>();
        for await (const info of client.workflow.list({ query: clauses.join(' AND ') })) {
          if (!info.workflowId.startsWith(RUN_PREFIX)) continue;
          const seen = runs.get(info.workflowId);
          if (!seen && runs.size >= options.limit) break;
          if (!seen || seen.startTime < info.startTime) runs.set(info.workflowId, info);
        }
        const snapshots = await Promise.all([...runs.values()].map((info) => readRunSnapshot(client, info.workflowId.slice(RUN_PREFIX.length), info)));
        say(options.json ? JSON.stringify(snapshots, null, 2) : formatRunList(snapshots));
      });
    });
}
