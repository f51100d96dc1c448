/**
 * What a run shows of itself while it runs: the `progress` query, the MaftPhase and MaftIteration
 * search attributes, and the current details of its page in the Temporal UI. The run's phase is
 * the iteration's step (debate, datasets, finetune); an evaluation may run beside it (pipelined
 * iterations) and is shown beside it.
 */
import { defineQuery, setHandler } from '@temporalio/workflow';
import type { RunConfig } from '../core/config';
import { methodLabel } from '../core/methods';
import type { Accuracy } from '../core/stats';
import type { Phase, Progress, RunState } from './run-types';
import { markRun } from './search-attributes';

export const progressQuery = defineQuery<Progress>('progress');

/** "the base society" or "the society after iteration 2". */
export const societyAfter = (iteration: number) => (iteration === 0 ? 'the base society' : `the society after iteration ${iteration}`);

export function runStatus(config: RunConfig, state: RunState, finetunes: boolean) {
  const l = state.iteration;
  const progress: Progress = {
    runId: config.runId,
    iteration: l,
    iterations: finetunes ? config.iterations : 0,
    phase: 'starting',
    questionsDone: 0,
    questionsTotal: 0,
    trainingDone: 0,
    trainingTotal: 0,
    latestAccuracy: state.history.at(-1)?.evaluation ?? state.baseEvaluation,
    evaluation: null,
    history: state.history,
    baseEvaluation: state.baseEvaluation,
  };
  setHandler(progressQuery, () => progress);
  const of = finetunes ? `iteration ${l} of ${config.iterations}` : methodLabel(config);
  let step = 'starting';
  const show = () => {
    const beside = progress.evaluation && progress.phase !== 'evaluate' ? `; beside it, Algorithm 2 on ${societyAfter(progress.evaluation.iteration)}` : '';
    markRun(config.searchAttributes, { phase: progress.phase }, `${of}: ${step}${beside}`);
  };
  markRun(config.searchAttributes, { runId: config.runId, method: methodLabel(config), task: config.task.name, experiment: config.experiment, iteration: l, phase: 'starting' });

  return {
    progress,
    /** The run moves to a step of the iteration (or to 'evaluate' when only an evaluation runs). */
    enter(phase: Phase, details: string) {
      progress.phase = phase;
      step = details;
      show();
    },
    /** Algorithm 2 on the society after `iteration` starts; the returned callback counts its debates. */
    evaluating(iteration: number, questionsTotal: number): () => void {
      const evaluation = { iteration, questionsDone: 0, questionsTotal };
      progress.evaluation = evaluation;
      show();
      return () => evaluation.questionsDone++;
    },
    /** The evaluation finished; the run's history and base evaluation are those of `state`. */
    evaluated(accuracy: Accuracy) {
      progress.evaluation = null;
      progress.latestAccuracy = accuracy;
      progress.history = state.history;
      progress.baseEvaluation = state.baseEvaluation;
      show();
    },
    done() {
      progress.phase = 'done';
      progress.history = state.history;
      markRun(config.searchAttributes, { phase: 'done' }, 'done');
    },
  };
}

export type RunStatus = ReturnType<typeof runStatus>;
