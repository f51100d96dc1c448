/** Live progress: bars for a terminal, one line per change for a log. */
import { bar, formatProgressBlock } from '../../../cli/progress-bars';
import { formatLiveLine, formatTrainingStep, type LiveProgress } from '../../../cli/progress-line';
import type { Progress } from '../../../workflows/run-types';

const progress: Progress = {
  runId: 'r',
  iteration: 2,
  iterations: 3,
  phase: 'finetune',
  questionsDone: 20,
  questionsTotal: 20,
  trainingDone: 2,
  trainingTotal: 6,
  latestAccuracy: { correct: 3, total: 4, accuracy: 0.75, standardError: Math.sqrt((0.75 * 0.25) / 4) },
  evaluation: null,
  history: [],
  baseEvaluation: null,
};

const live: LiveProgress = {
  progress,
  training: [
    { agent: 'generation 3', status: 'running', step: 4, totalSteps: 10, loss: 0.8123, attempt: 1 },
    { agent: 'critic 1', status: 'queued', attempt: 2 },
  ],
};

describe('bar', () => {
  it('fills in proportion, rounded, within its width', () => {
    expect(bar(3, 10, 10)).toBe('[###-------]');
    expect(bar(1, 3, 10)).toBe('[###-------]');
    expect(bar(2, 3, 10)).toBe('[#######---]');
    expect(bar(12, 10, 10)).toBe('[##########]');
    expect(bar(0, 0, 4)).toBe('[----]');
  });
});

describe('the terminal block', () => {
  it('shows the phase, the questions and training bars and each job with step and loss', () => {
    expect(formatProgressBlock(live)).toEqual([
      'iteration 2/3  finetune  last accuracy 75.0 ± 21.7',
      `  questions       ${bar(20, 20)} 20/20`,
      `  training jobs   ${bar(2, 6)} 2/6`,
      `    generation 3  ${bar(4, 10)}  4/10 steps  loss 0.812`,
      '    critic 1      queued (attempt 2)',
    ]);
  });

  it('counts test questions while evaluating', () => {
    const evaluating: LiveProgress = {
      progress: { ...progress, phase: 'evaluate', evaluation: { iteration: 2, questionsDone: 5, questionsTotal: 40 } },
      training: [],
    };
    expect(formatProgressBlock(evaluating)).toEqual(['iteration 2/3  evaluate  last accuracy 75.0 ± 21.7', `  test questions  ${bar(5, 40)}  5/40`]);
  });

  it('adds the bar of an evaluation running beside the iteration (pipelined)', () => {
    const beside: LiveProgress = {
      progress: { ...progress, phase: 'debate', questionsDone: 7, evaluation: { iteration: 1, questionsDone: 5, questionsTotal: 40 } },
      training: [],
    };
    expect(formatProgressBlock(beside)).toEqual([
      'iteration 2/3  debate  last accuracy 75.0 ± 21.7',
      `  questions       ${bar(7, 20)}  7/20`,
      `  test (after 1)  ${bar(5, 40)}  5/40`,
    ]);
  });
});

describe('the log line', () => {
  it('appends each training job in flight', () => {
    expect(formatLiveLine(live)).toBe(
      'iteration 2/3  finetune  2/6 training jobs  last accuracy 75.0 ± 21.7  |  generation 3 step 4/10  loss 0.812, critic 1 queued (attempt 2)',
    );
  });

  it('says the job status until the first step, and the step without a loss when none is reported', () => {
    expect(formatTrainingStep({ agent: 'critic 2', status: 'validating_files', attempt: 1 })).toBe('validating_files');
    expect(formatTrainingStep({ agent: 'critic 2', status: 'running', step: 1, totalSteps: 5, attempt: 1 })).toBe('step 1/5');
  });
});
