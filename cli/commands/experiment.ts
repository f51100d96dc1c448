/**
 * `maft experiment <config>`: a grid of runs (method variants x tasks x seeds) on shared splits, then
 * its report (docs/methods.md). Started again under the same experiment id, it resumes: finished
 * runs are skipped, unfinished ones reuse their stored debates and training jobs.
 */
import type { Command } from 'commander';
import { experiment, experimentProgressQuery } from '../../workflows';
import type { ExperimentProgress } from '../../workflows/experiment';
import { workflowIds } from '../../workflows/ids';
import { loadExperimentConfigFile } from '../config-file';
import { connectionFromFlags, withConnectionFlags } from '../connection-flags';
import { say, withClient } from './common';

export function registerExperimentCommand(program: Command): void {
  withConnectionFlags(program.command('experiment <config>'))
    .description('validate an experiment config (YAML or JSON), run its grid and write its report; again, it resumes')
    .option('--detach', 'start the experiment and return')
    .addHelpText('after', '\nExample:\n  $ maft experiment examples/experiment.json')
    .action(async (file: string, options) => {
      const { experiment: config, cells } = loadExperimentConfigFile(file); // every problem, before anything starts
      await withClient(connectionFromFlags(options), async (client) => {
        const workflowId = workflowIds.experiment(config.experimentId);
        const handle = await client.workflow.start(experiment, { workflowId, taskQueue: cells[0].config.queues.workflow, args: [{ config }] });
        say(`maft: started experiment ${config.experimentId} (workflow ${workflowId}): ${cells.length} runs`);
        if (options.detach) return;
        const seen = new Map<string, string>();
        const show = (progress: ExperimentProgress) => {
          for (const run of progress.runs) {
            if (seen.get(run.runId) === run.status) continue;
            seen.set(run.runId, run.status);
            say(`maft: ${run.runId} ${run.status}${run.error ? `: ${run.error}` : ''}`);
          }
        };
        const result = handle.result();
        for (let done = false; !done;) {
          done = await Promise.race([
            result.then(
              () => true,
              () => true,
            ),
            new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
          ]);
          show(await handle.query(experimentProgressQuery).catch(() => ({ experimentId: config.experimentId, runs: [], report: null })));
        }
        const { report } = await result;
        say(`maft: experiment ${config.experimentId} finished; report: ${report.markdownPath}`);
      });
    });
}
