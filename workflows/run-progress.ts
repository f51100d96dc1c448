/**
 * The bookkeeping of a run, so multiagentFinetuning reads as Algorithm 1 and nothing else: the
 * `progress` query, the MaftPhase and MaftIteration search attributes, and the current details of
 * its page in the Temporal UI (core/run-details.ts). The run's phase is the iteration's step
 * (debate, datasets, finetune); an evaluation may run beside it (pipelined iterations) and is
 * shown beside it. Each method that upserts search attributes issues a command: the workflow
 * calls them where replay expects them.
 */
import { defineQuery, setHandler } from '@temporalio/workflow';
import type { RunConfig } from '../core/config';
import { methodLabel } from '../core/methods';
import { currentDetails, stepDetails } from '../core/run-details';
import type { Accuracy } from '../core/stats';
import type { Phase, Progress, RunState } from './run-types';
import { markRun } from './search-attributes';

export const progressQuery = defineQuery<Progress>('progress');

export class RunProgress {
  private readonly progress: Progress;
  /** "iteration 2 of 3", or the method's label when it does not finetune. */
  private readonly run: string;
  private step = 'starting';

  /** Answers the progress query from now on and marks the run's search attributes. */
  constructor(
    private readonly config: RunConfig,
    private readonly state: RunState,
    finetunes: boolean,
  ) {
    const l = state.iteration;
    this.progress = {
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
    setHandler(progressQuery, () => this.progress);
    this.run = finetunes ? `iteration ${l} of ${config.iterations}` : methodLabel(config);
    markRun(config.searchAttributes, {
      runId: config.runId,
      method: methodLabel(config),
      task: config.task.name,
      experiment: config.experiment,
      iteration: l,
      phase: 'starting',
    });
  }

  /** Lines 6-16 start on `questions` training questions; the returned callback counts their debates. */
  debating(questions: number): () => void {
    this.enter('debate', stepDetails.debate(questions));
    this.progress.questionsTotal = questions;
    return () => this.progress.questionsDone++;
  }

  /** Lines 18-26 start. */
  buildingDatasets(): void {
    this.enter('datasets', stepDetails.datasets());
  }

  /** Lines 27-28 start on the named agents; the returned callback counts their finished training jobs. */
  finetuning(agents: string[]): () => void {
    this.enter('finetune', stepDetails.finetune(agents));
    this.progress.trainingTotal = agents.length;
    return () => this.progress.trainingDone++;
  }

  /** The run waits on Algorithm 2 alone (on the society after `iteration`; null: a method's base agents). */
  awaitingEvaluation(iteration: number | null, questions: number): void {
    this.enter('evaluate', stepDetails.evaluate(iteration, questions));
  }

  /** Algorithm 2 on the society after `iteration` starts; the returned callback counts its debates. */
  evaluating(iteration: number, questionsTotal: number): () => void {
    const evaluation = { iteration, questionsDone: 0, questionsTotal };
    this.progress.evaluation = evaluation;
    this.show();
    return () => evaluation.questionsDone++;
  }

  /** The evaluation finished; the run's history and base evaluation are those of its state. */
  evaluated(accuracy: Accuracy): void {
    this.progress.evaluation = null;
    this.progress.latestAccuracy = accuracy;
    this.progress.history = this.state.history;
    this.progress.baseEvaluation = this.state.baseEvaluation;
    this.show();
  }

  done(): void {
    this.progress.phase = 'done';
    this.progress.history = this.state.history;
    markRun(this.config.searchAttributes, { phase: 'done' }, 'done');
  }

  private enter(phase: Phase, details: string): void {
    this.progress.phase = phase;
    this.step = details;
    this.show();
  }

  private show(): void {
    const { evaluation, phase } = this.progress;
    const beside = evaluation && phase !== 'evaluate' ? evaluation.iteration : null;
    markRun(this.config.searchAttributes, { phase }, currentDetails(this.run, this.step, beside));
  }
}
