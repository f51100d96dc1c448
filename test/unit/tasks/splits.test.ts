import { drawnSplits, type Question } from '../../../core/tasks';

const pool: Question[] = Array.from({ length: 40 }, (_, i) => ({ id: `q${i}`, prompt: `prompt ${i % 35}`, text: `t${i}`, reference: String(i) }));

describe('splits drawn from loaded questions', () => {
  const drawn = drawnSplits(pool, 3, 10, 20, 'test pool');

  it('are disjoint, of the asked sizes, from distinct prompts (an earlier record wins)', () => {
    expect(drawn.train).toHaveLength(10);
    expect(drawn.test).toHaveLength(20);
    const prompts = [...drawn.train, ...drawn.test].map((q) => q.prompt);
    expect(new Set(prompts).size).toBe(30);
    expect(drawn.eligible).toBe(35);
    expect(drawn.duplicates).toBe(5);
    for (const q of [...drawn.train, ...drawn.test]) expect(Number(q.id.slice(1))).toBeLessThan(35);
  });

  it('are seeded: the same seed draws the same splits, other seeds others', () => {
    expect(drawnSplits(pool, 3, 10, 20, 'p')).toEqual(drawn);
    const trains = new Set(
      Array.from({ length: 10 }, (_, seed) =>
        drawnSplits(pool, seed, 10, 20, 'p')
          .train.map((q) => q.id)
          .join(),
      ),
    );
    expect(trains.size).toBe(10);
  });

  it('draw every question about equally often across seeds', () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 700; seed++) for (const q of drawnSplits(pool, seed, 2, 3, 'p').train) counts.set(q.id, (counts.get(q.id) ?? 0) + 1);
    // 700 seeds x 2 picks over 35 distinct questions: 40 each on average.
    expect(counts.size).toBe(35);
    for (const c of counts.values()) expect(c).toBeGreaterThan(15);
  });

  it('refuse a pool smaller than both splits, naming it', () => {
    expect(() => drawnSplits(pool, 0, 30, 6, 'task gsm8k (x.jsonl)')).toThrow(
      'task gsm8k (x.jsonl) has 35 distinct questions, fewer than trainSize + testSize = 30 + 6',
    );
  });
});
