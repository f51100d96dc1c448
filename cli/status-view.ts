/** What `maft status` and `maft list` print. */
import { formatAccuracy } from '../core/stats';
import { formatColumns } from './columns';
import { latestAccuracy, type RunSnapshot } from './run-snapshot';

const STOPPED = ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'];

const when = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');

/** A run's status, iteration, phase and the accuracy after each finished iteration. */
export function formatStatus(s: RunSnapshot): string {
  const lines = [
    `run ${s.runId} (workflow ${s.workflowId})`,
    `status     ${s.status}`,
    `iteration  ${s.iteration}/${s.iterations}`,
    `phase      ${s.phase ?? '-'}`,
  ];
  if (s.phase === 'debate' && s.questions) lines.push(`progress   ${s.questions.done}/${s.questions.total} questions`);
  if (s.phase === 'finetune' && s.training) lines.push(`progress   ${s.training.done}/${s.training.total} training jobs`);
  lines.push(`started    ${when(s.startTime)}`);
  if (s.reason) lines.push(`stopped    ${s.reason}`);
  if (STOPPED.includes(s.status)) lines.push(`resume     \`maft resume ${s.runId}\` continues it at iteration ${s.iteration}`);
  lines.push('');
  const rows: string[][] = [];
  if (s.baseEvaluation) rows.push(['0 (base)', formatAccuracy(s.baseEvaluation)]);
  for (const h of s.history) rows.push([String(h.iteration), formatAccuracy(h.evaluation)]);
  lines.push(rows.length ? formatColumns(['iteration', 'accuracy % (± SE)'], rows) : 'no evaluation finished yet');
  return lines.join('\n');
}

/** One row per run: status, iteration, phase, latest accuracy. */
export function formatRunList(snapshots: RunSnapshot[]): string {
  if (!snapshots.length) return 'no runs';
  const rows = snapshots.map((s) => {
    const accuracy = latestAccuracy(s);
    return [s.runId, s.status, `${s.iteration}/${s.iterations}`, s.phase ?? '-', accuracy ? formatAccuracy(accuracy) : '-', when(s.startTime)];
  });
  return formatColumns(['run', 'status', 'iteration', 'phase', 'accuracy % (± SE)', 'started'], rows);
}
