import { formatProgress } from '../../cli/progress-line';
import { formatRunTable } from '../../cli/run-table';
import type { Progress } from '../../workflows/run-types';

const acc = (correct: number, total: number) => {
  const p = correct / total;
  return { correct, total, accuracy: p, standardError: Math.sqrt((p * (1 - p)) / total) };
};

describe('the final table', () => {
  it('shows accuracy ± SE per iteration and dataset sizes per agent', () => {
    const table = formatRunTable({
      baseEvaluation: acc(3, 4),
      history: [
        {
          iteration: 1,
          datasets: { generation: [2, 3, 1], criticMinus: [1, 0, 2], criticPlus: [4, 4, 4], critic: [1, 0, 3], withoutMajority: 0 },
          agents: { generation: [], critic: [] },
          skipped: ['critic 2'],
          diversity: null,
          evaluation: acc(1, 1),
        },
      ],
    });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^iteration\s+accuracy % \(± SE\)\s+\|D\^G_n\|\s+\|D\^C-_n\|\s+\|D\^C\+_n\|\s+\|D\^C_n\|\s+not finetuned$/);
    expect(lines[2]).toMatch(/^0 \(base\)\s+75\.0 ± 21\.7$/);
    expect(lines[3]).toMatch(/^1\s+100\.0 ± 0\.0\s+2 \/ 3 \/ 1\s+1 \/ 0 \/ 2\s+4 \/ 4 \/ 4\s+1 \/ 0 \/ 3\s+critic 2$/);
  });
});

describe('the progress line', () => {
  const progress: Progress = {
    runId: 'r',
    iteration: 1,
    iterations: 2,
    phase: 'debate',
    questionsDone: 12,
    questionsTotal: 20,
    trainingDone: 0,
    trainingTotal: 0,
    latestAccuracy: acc(3, 4),
    evaluation: null,
    history: [],
    baseEvaluation: null,
  };

  it('counts questions while debating', () => {
    expect(formatProgress(progress)).toBe('iteration 1/2  debate    12/20 questions  last accuracy 75.0 ± 21.7');
  });

  it('names the base evaluation and counts its test questions', () => {
    const line = formatProgress({ ...progress, phase: 'evaluate', evaluation: { iteration: 0, questionsDone: 3, questionsTotal: 10 } });
    expect(line).toBe('base agents  evaluate  3/10 test questions  last accuracy 75.0 ± 21.7');
  });

  it('shows an evaluation running beside the iteration (pipelined), naming its society', () => {
    const base = formatProgress({ ...progress, evaluation: { iteration: 0, questionsDone: 4, questionsTotal: 10 } });
    expect(base).toBe('iteration 1/2  debate    12/20 questions  evaluating the base agents: 4/10 test questions  last accuracy 75.0 ± 21.7');
    const later = formatProgress({
      ...progress,
      iteration: 2,
      phase: 'finetune',
      trainingDone: 1,
      trainingTotal: 6,
      evaluation: { iteration: 1, questionsDone: 9, questionsTotal: 10 },
    });
    expect(later).toBe('iteration 2/2  finetune  1/6 training jobs  evaluating iteration 1: 9/10 test questions  last accuracy 75.0 ± 21.7');
  });
});
