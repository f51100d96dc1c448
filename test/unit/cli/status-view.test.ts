/** What `maft status` and `maft list` print. */
import type { RunSnapshot } from '../../../cli/run-snapshot';
import { formatRunList, formatStatus } from '../../../cli/status-view';
import type { IterationRecord } from '../../../workflows/run-types';

const accuracy = (correct: number, total: number) => {
  const p = correct / total;
  return { correct, total, accuracy: p, standardError: Math.sqrt((p * (1 - p)) / total) };
};
const iteration = (l: number, correct: number): IterationRecord => ({
  iteration: l,
  datasets: { generation: [], criticMinus: [], criticPlus: [], critic: [], withoutMajority: 0 },
  agents: { generation: [], critic: [] },
  skipped: [],
  evaluation: accuracy(correct, 10),
  diversity: null,
});

const cancelled: RunSnapshot = {
  runId: 'r1',
  workflowId: 'maft-r1',
  status: 'CANCELLED',
  iteration: 2,
  iterations: 3,
  phase: null,
  baseEvaluation: accuracy(5, 10),
  history: [iteration(1, 8)],
  reason: 'Workflow canceled',
  startTime: new Date('2026-01-02T03:04:05.678Z'),
};

describe('maft status', () => {
  it('shows status, iteration, phase, why it stopped, how to resume, and accuracy per iteration', () => {
    expect(formatStatus(cancelled).split('\n')).toEqual([
      'run r1 (workflow maft-r1)',
      'status     CANCELLED',
      'iteration  2/3',
      'phase      -',
      'started    2026-01-02T03:04:05Z',
      'stopped    Workflow canceled',
      'resume     `maft resume r1` continues it at iteration 2',
      '',
      'iteration  accuracy % (± SE)',
      '---------  -----------------',
      '0 (base)   50.0 ± 15.8',
      '1          80.0 ± 12.6',
    ]);
  });

  it('counts questions or training jobs while the run debates or finetunes', () => {
    const debating: RunSnapshot = {
      ...cancelled,
      status: 'RUNNING',
      phase: 'debate',
      questions: { done: 13, total: 20 },
      training: { done: 0, total: 0 },
      reason: undefined,
    };
    expect(formatStatus(debating).split('\n').slice(1, 6)).toEqual([
      'status     RUNNING',
      'iteration  2/3',
      'phase      debate',
      'progress   13/20 questions',
      'started    2026-01-02T03:04:05Z',
    ]);
    const training: RunSnapshot = { ...debating, phase: 'finetune', questions: { done: 20, total: 20 }, training: { done: 2, total: 6 } };
    expect(formatStatus(training).split('\n')[4]).toBe('progress   2/6 training jobs');
  });
});

describe('maft list', () => {
  it('shows one row per run with its latest accuracy', () => {
    const running: RunSnapshot = {
      ...cancelled,
      runId: 'r2',
      workflowId: 'maft-r2',
      status: 'RUNNING',
      iteration: 1,
      phase: 'debate',
      baseEvaluation: null,
      history: [],
      reason: undefined,
    };
    expect(formatRunList([running, cancelled]).split('\n')).toEqual([
      'run  status     iteration  phase   accuracy % (± SE)  started',
      '---  ---------  ---------  ------  -----------------  --------------------',
      'r2   RUNNING    1/3        debate  -                  2026-01-02T03:04:05Z',
      'r1   CANCELLED  2/3        -       80.0 ± 12.6        2026-01-02T03:04:05Z',
    ]);
    expect(formatRunList([])).toBe('no runs');
  });
});
