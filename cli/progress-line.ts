/** One line of live progress, e.g. "iteration 1/2  debate  12/20 questions  last accuracy 60.0 ± 4.9". */
import { formatAccuracy } from '../core/stats';
import { workflowIds } from '../workflows/ids';
import type { Progress } from '../workflows/run-types';

export function formatProgress(p: Progress, evaluation?: { questionsDone: number; questionsTotal: number }): string {
  const baseEvaluation = p.phase === 'evaluate' && p.evaluationWorkflowId === workflowIds.evaluation(p.runId, 0);
  const parts = [baseEvaluation ? 'base agents' : `iteration ${p.iteration}/${p.iterations}`, p.phase.padEnd(8)];
  if (p.phase === 'debate') parts.push(`${p.questionsDone}/${p.questionsTotal} questions`);
  if (p.phase === 'finetune') parts.push(`${p.trainingDone}/${p.trainingTotal} training jobs`);
  if (p.phase === 'evaluate' && evaluation) parts.push(`${evaluation.questionsDone}/${evaluation.questionsTotal} test questions`);
  if (p.latestAccuracy) parts.push(`last accuracy ${formatAccuracy(p.latestAccuracy)}`);
  return parts.join('  ');
}
