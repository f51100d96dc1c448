/**
 * Follows a run to its end, showing live progress: bars redrawn in place on a terminal, one line
 * per change in a log. Returns the run's result, or 'detached' when told to stop following first.
 */
import type { Client } from '@temporalio/client';
import { multiagentFinetuning, progressQuery } from '../workflows/multiagent-finetuning';
import type { RunResult } from '../workflows/run-types';
import { formatProgressBlock } from './progress-bars';
import { formatLiveLine, type LiveProgress } from './progress-line';
import { trainingJobsInFlight } from './training-progress';

const POLL_MS = 500;

export async function readLiveProgress(client: Client, workflowId: string): Promise<LiveProgress> {
  const progress = await client.workflow.getHandle<typeof multiagentFinetuning>(workflowId).query(progressQuery);
  const training = progress.phase === 'finetune' ? await trainingJobsInFlight(client, workflowId).catch(() => []) : [];
  return { progress, training };
}

type ProgressWriter = (live: LiveProgress) => void;

/** A terminal: the block of bars redrawn in place. */
function terminalWriter(out: NodeJS.WriteStream): ProgressWriter {
  let height = 0;
  let previous = '';
  return (live) => {
    const lines = formatProgressBlock(live);
    if (lines.join('\n') === previous) return;
    previous = lines.join('\n');
    // Up to the block's first line (ESC [ n F), clear to the end of the screen (ESC [ J), redraw.
    out.write(`${height ? `\x1b[${height}F\x1b[J` : ''}${lines.join('\n')}\n`);
    height = lines.length;
  };
}

/** A log: one line whenever what it says changes. */
function logWriter(out: NodeJS.WritableStream): ProgressWriter {
  let previous = '';
  return (live) => {
    const line = formatLiveLine(live);
    if (line !== previous) out.write(`${line}\n`);
    previous = line;
  };
}

export interface WatchOptions {
  out?: NodeJS.WriteStream;
  /** Stop following (the run goes on) when this settles, e.g. on Ctrl-C. */
  detach?: Promise<void>;
}

export async function watchRun(client: Client, workflowId: string, options: WatchOptions & { detach: Promise<void> }): Promise<RunResult | 'detached'>;
export async function watchRun(client: Client, workflowId: string, options?: WatchOptions): Promise<RunResult>;
export async function watchRun(client: Client, workflowId: string, options: WatchOptions = {}): Promise<RunResult | 'detached'> {
  const out = options.out ?? process.stdout;
  const show = out.isTTY ? terminalWriter(out) : logWriter(out);
  const handle = client.workflow.getHandle<typeof multiagentFinetuning>(workflowId);
  let finished = false;
  let detached = false;
  const result = handle.result().finally(() => (finished = true));
  const detach = (options.detach ?? new Promise<void>(() => undefined)).then(() => (detached = true));
  while (!finished && !detached) {
    // Between continue-as-new runs, or closing, the query can fail: the next poll catches up.
    const live = await readLiveProgress(client, workflowId).catch(() => undefined);
    if (live && !finished && !detached) show(live);
    await Promise.race([result.catch(() => undefined), detach, new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  return detached && !finished ? 'detached' : result;
}
