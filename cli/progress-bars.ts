/**
 * Live progress for a terminal: a header line, then a bar per count of the current phase
 * (questions debated, training jobs done and each job's steps, test questions evaluated).
 */
import { formatAccuracy } from '../core/stats';
import { formatTrainingStep, stageOf, type LiveProgress } from './progress-line';

const BAR_WIDTH = 30;
const LABEL_WIDTH = 16;

/** "[#########---------------------]" for done of total. */
export function bar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total > 0 ? Math.min(width, Math.round((width * done) / total)) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** A labelled bar; bars line up whatever the indent. */
function row(label: string, done: number, total: number, { indent = 2, suffix = '' } = {}): string {
  const count = `${done}/${total}`.padStart(String(total).length * 2 + 1);
  return `${' '.repeat(indent)}${label.padEnd(LABEL_WIDTH + 2 - indent)}${bar(done, total)} ${count}${suffix}`;
}

export function formatProgressBlock(live: LiveProgress): string[] {
  const p = live.progress;
  const accuracy = p.latestAccuracy ? `  last accuracy ${formatAccuracy(p.latestAccuracy)}` : '';
  const lines = [`${stageOf(p)}  ${p.phase}${accuracy}`];
  if (p.phase === 'debate' || p.phase === 'datasets' || p.phase === 'finetune') {
    lines.push(row('questions', p.questionsDone, p.questionsTotal));
  }
  if (p.phase === 'finetune') {
    lines.push(row('training jobs', p.trainingDone, p.trainingTotal));
    for (const job of live.training) {
      if (job.step === undefined || !job.totalSteps) {
        lines.push(`    ${job.agent.padEnd(LABEL_WIDTH - 2)}${formatTrainingStep(job)}`);
      } else {
        const loss = job.loss === undefined ? '' : `  loss ${job.loss.toFixed(3)}`;
        lines.push(row(job.agent, job.step, job.totalSteps, { indent: 4, suffix: ` steps${loss}` }));
      }
    }
  }
  if (p.evaluation) {
    // Alone, or beside the iteration's phase (pipelined): the society after iteration k on the test split.
    const label = p.phase === 'evaluate' ? 'test questions' : `test (after ${p.evaluation.iteration})`;
    lines.push(row(label, p.evaluation.questionsDone, p.evaluation.questionsTotal));
  }
  return lines;
}
