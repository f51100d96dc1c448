/** Follows a run to its end, showing live progress, and returns its result. */
import type { Client } from '@temporalio/client';
import { evaluationProgressQuery } from '../workflows/evaluate';
import { multiagentFinetuning, progressQuery } from '../workflows/multiagent-finetuning';
import type { RunResult } from '../workflows/run-types';
import { formatProgress } from './progress-line';

export async function watchRun(client: Client, workflowId: string, out: NodeJS.WriteStream = process.stdout): Promise<RunResult> {
  const handle = client.workflow.getHandle<typeof multiagentFinetuning>(workflowId);
  let finished = false;
  const result = handle.result().finally(() => (finished = true));
  let previous = '';
  while (!finished) {
    try {
      const progress = await handle.query(progressQuery);
      const evaluation =
        progress.phase === 'evaluate' && progress.evaluationWorkflowId
          ? await client.workflow.getHandle(progress.evaluationWorkflowId).query(evaluationProgressQuery).catch(() => undefined)
          : undefined;
      const line = formatProgress(progress, evaluation);
      if (out.isTTY) out.write(`\r\x1b[2K${line}`);
      else if (line.replace(/\d+\/\d+ (test )?questions/, '') !== previous.replace(/\d+\/\d+ (test )?questions/, '')) out.write(`${line}\n`);
      previous = line;
    } catch {
      // Between continue-as-new runs, or closing: the next poll catches up.
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  }
  if (out.isTTY) out.write('\n');
  return result;
}
