/** Follows a run to its end, showing live progress, and returns its result. */
import type { Client } from '@temporalio/client';
import { evaluationProgressQuery } from '../workflows/evaluate';
import { multiagentFinetuning, progressQuery } from '../workflows/multiagent-finetuning';
import type { RunResult } from '../workflows/run-types';
import { formatProgress } from './progress-line';

/** The line without its counts and accuracy: what changes only when the phase does. */
const phaseOf = (line: string) => line.split(/\s{2,}/).slice(0, 2).join(' ');

export async function watchRun(client: Client, workflowId: string, out: NodeJS.WriteStream = process.stdout): Promise<RunResult> {
  const handle = client.workflow.getHandle<typeof multiagentFinetuning>(workflowId);
  let finished = false;
  const result = handle.result().finally(() => (finished = true));
  let previous = '';
  let printedAt = 0;
  while (!finished) {
    try {
      const progress = await handle.query(progressQuery);
      const evaluation =
        progress.phase === 'evaluate' && progress.evaluationWorkflowId
          ? await client.workflow.getHandle(progress.evaluationWorkflowId).query(evaluationProgressQuery).catch(() => undefined)
          : undefined;
      const line = formatProgress(progress, evaluation);
      if (out.isTTY) out.write(`\r\x1b[2K${line}`);
      else if (line !== previous && (phaseOf(line) !== phaseOf(previous) || Date.now() - printedAt > 10_000)) {
        // A log, not a screen: a line per phase, and at most one every 10 s while counts move.
        out.write(`${line}\n`);
        previous = line;
        printedAt = Date.now();
      }
    } catch {
      // Between continue-as-new runs, or closing: the next poll catches up.
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  }
  if (out.isTTY) out.write('\n');
  return result;
}
