/** One line of live progress, e.g. "iteration 1/2  debate  12/20 questions  last accuracy 60.0 ± 4.9". */
import { formatAccuracy } from '../core/stats';
import { workflowIds } from '../workflows/ids';
import type { Progress } from '../workflows/run-types';
import type { TrainingJobProgress } from './training-progress';

export interface EvaluationCounts {
  questionsDone: number;
  questionsTotal: number;
}

/** What `maft run` shows: the run's progress query, its evaluation's, and the training jobs in flight. */
export interface LiveProgress {
  progress: Progress;
  evaluation?: EvaluationCounts;
  training: TrainingJobProgress[];
}

/** "base agents" while the base model is evaluated (iteration 0), else "iteration l/L". */
export function stageOf(p: Progress): string {
  const baseEvaluation = p.phase === 'evaluate' && p.evaluationWorkflowId === workflowIds.evaluation(p.runId, 0);
  return baseEvaluation ? 'base agents' : `iteration ${p.iteration}/${p.iterations}`;
}

export function formatProgress(p: Progress, evaluation?: EvaluationCounts): string {
  const parts = [stageOf(p), p.phase.padEnd(8)];
  if (p.phase === 'debate') parts.push(`${p.questionsDone}/${p.questionsTotal} questions`);
  if (p.phase === 'finetune') parts.push(`${p.trainingDone}/${p.trainingTotal} training jobs`);
  if (p.phase === 'evaluate' && evaluation) parts.push(`${evaluation.questionsDone}/${evaluation.questionsTotal} test questions`);
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
  const line = formatProgress(live.progress, live.evaluation);
  if (!live.training.length) return line;
  return `${line}  |  ${live.training.map((job) => `${job.agent} ${formatTrainingStep(job)}`).join(', ')}`;
}
