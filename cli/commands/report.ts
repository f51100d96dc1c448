/**
 * `maft report <run>` / `maft report --experiment <id>`: tables in the shape of the paper's Tables 1
 * and 2, plots of accuracy and diversity per iteration (SVG and PNG) and the raw records, written by
 * a worker into the artifact store (docs/reports.md); prints where.
 */
import type { Command } from 'commander';
import { artifactPaths } from '../../core/artifact-paths';
import { QueuesConfig } from '../../core/config';
import { experimentProgressQuery, report } from '../../workflows';
import { workflowIds } from '../../workflows/ids';
import { connectionFromFlags, withConnectionFlags } from '../connection-flags';
import { say, withClient } from './common';

export function registerReportCommand(program: Command): void {
  withConnectionFlags(program.command('report [run]'))
    .description('write the report of a run, or of an experiment, and print where it is')
    .option('--experiment <id>', 'report every run of experiment <id> (finished or not)')
    .option('--queue <name>', 'the workflow task queue of the workers that see the artifact store', QueuesConfig.parse({}).workflow)
    .addHelpText('after', '\nExamples:\n  $ maft report gsm8k-l5\n  $ maft report --experiment table2')
    .action(async (runId: string | undefined, options) => {
      if (!runId === !options.experiment) throw new Error('name a run, or an experiment with --experiment <id>, not both');
      await withClient(connectionFromFlags(options), async (client) => {
        const runIds = runId
          ? [runId]
          : (await client.workflow.getHandle(workflowIds.experiment(options.experiment)).query(experimentProgressQuery)).runs.map((r) => r.runId);
        const title = runId ? `Run ${runId}` : `Experiment ${options.experiment}`;
        const outDir = runId ? artifactPaths.runReport(runId) : artifactPaths.experimentReport(options.experiment);
        const written = await client.workflow.execute(report, {
          taskQueue: options.queue,
          workflowId: `maft-report-${runId ?? `experiment-${options.experiment}`}-${Date.now()}`,
          args: [{ title, runIds, outDir, queues: QueuesConfig.parse({ workflow: options.queue }) }],
        });
        say(`maft: report of ${written.records} evaluation records: ${written.markdownPath}`);
        for (const file of written.files.filter((f) => f.endsWith('.png'))) say(`  ${file}`);
      });
    });
}
