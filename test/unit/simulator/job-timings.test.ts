import { arithmeticQuestion } from '../../../core/tasks/arithmetic';
import { resolveOptions } from '../../../simulator/options';
import { SimulatorState } from '../../../simulator/state';

const trainingFile = (state: SimulatorState) => {
  const lines = [0, 1, 2].map((i) => {
    const q = arithmeticQuestion(0, i);
    return JSON.stringify({
      messages: [
        { role: 'user', content: q.prompt },
        { role: 'assistant', content: `The answer is ${q.reference}.` },
      ],
    });
  });
  return state.files.create('train.jsonl', 'fine-tune', Buffer.from(lines.join('\n'))).id;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("the simulator records each fine-tuning job's created, started and finished times", async () => {
  // One slot, 40 ms a job: the second job waits in the queue until the first ends.
  const state = new SimulatorState(resolveOptions({ trainingMsPerExample: 0, minTrainingMs: 40, trainingSlots: 1 }));
  try {
    const file = trainingFile(state);
    const first = state.training.create({ model: 'sim-base', training_file: file });
    const second = state.training.create({ model: 'sim-base', training_file: file });
    expect(state.training.timings()).toEqual([
      { id: first.id, model: 'sim-base', status: 'queued', createdMs: expect.any(Number), startedMs: null, finishedMs: null },
      { id: second.id, model: 'sim-base', status: 'queued', createdMs: expect.any(Number), startedMs: null, finishedMs: null },
    ]);
    await sleep(20);
    expect(state.training.timings().map((t) => t.status)).toEqual(['running', 'queued']);
    while (state.training.timings().some((t) => t.finishedMs === null)) await sleep(10);

    const [a, b] = state.training.timings();
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    for (const t of [a, b]) {
      expect(t.startedMs!).toBeGreaterThanOrEqual(t.createdMs);
      expect(t.finishedMs! - t.startedMs!).toBeGreaterThanOrEqual(39); // the timer's own ms rounding
    }
    expect(b.startedMs!).toBeGreaterThanOrEqual(a.finishedMs!);
  } finally {
    state.training.close();
  }
});

test('a job cancelled while queued never starts, and ends when it is cancelled', () => {
  const state = new SimulatorState(resolveOptions({ trainingSlots: 1 }));
  try {
    const job = state.training.create({ model: 'sim-base', training_file: trainingFile(state) });
    state.training.cancel(job.id);
    expect(state.training.timings()).toEqual([
      { id: job.id, model: 'sim-base', status: 'cancelled', createdMs: expect.any(Number), startedMs: null, finishedMs: expect.any(Number) },
    ]);
  } finally {
    state.training.close();
  }
});
