/** One line of live progress, e.g. "iteration 1/2  debate  12/20 questions  last accuracy 60.0 ± 4.9". */
import { formatAccuracy } from '../core/stats';
import type { Progress } from '../workflows/run-types';
import type { TrainingJobProgress } from './training-progress';

/** What `maft run` shows: the run's progress query (with its evaluation's counts) and the training jobs in flight. */
export interface LiveProgress {
  progress: Progress;
  training: TrainingJobProgress[];
}

/** "base agents" while only the base society is evaluated (iteration 0), else "iteration l/L". */
export function stageOf(p: Progress): string {
  return p.phase === 'evaluate' && p.evaluation?.iteration === 0 ? 'base agents' : `iteration ${p.iteration}/${p.iterations}`;
}

/** "3/10 test questions", or for an evaluation beside the iteration's phase "evaluating iteration 1: 3/10 test questions". */
export function evaluationCounts(p: Progress): string | null {
  if (!p.evaluation) return null;
  const counts = `${p.evaluation.questionsDone}/${p.evaluation.questionsTotal} test questions`;
  if (p.phase === 'evaluate') return counts;
  return `evaluating ${p.evaluation.iteration === 0 ? 'the base agents' : `iteration ${p.evaluation.iteration}`}: ${counts}`;
}

export function formatProgress(p: Progress): string {
  const parts = [stageOf(p), p.phase.padEnd(8)];
  if (p.phase === 'debate') parts.push(`${p.questionsDone}/${p.questionsTotal} questions`);
  if (p.phase === 'finetune') parts.push(`${p.trainingDone}/${p.trainingTotal} training jobs`);
  const evaluation = evaluationCounts(p);
  if (evaluation) parts.push(evaluation);
  if (p.latestAccuracy) parts.push(`last accuracy ${formatAccuracy(p.latestAccuracy)}`);
  return parts.join('  ');
}

/** "step 4/10  loss 0.812", or the job's status before its first step. */
export function formatTrainingStep(job: TrainingJobProgress): string {
  const retried = job.attempt > 1 ? ` (attempt ${job.attempt})` : '';
  if (job.step === undefined) return `${job.status}${retried}`;
  const loss = job.loss === undefined ? '' : `  loss ${job.loss.toFixed(3)}`;
  return `step ${job.step}/${job.totalSteps ?? '?'}${loss}${retried}`;
}

/** The progress line plus each training job in flight: what a log (not a terminal) gets per change. */
export function formatLiveLine(live: LiveProgress): string {
  const line = formatProgress(live.progress);
  if (!live.training.length) return line;
  return `${line}  |  ${live.training.map((job) => `${job.agent} ${formatTrainingStep(job)}`).join(', ')}`;
}
