import { skillRows, skillTable } from '../../../simulator/skill-table';

const third = { A: 1 / 3, B: 1 / 3, C: 1 / 3 };
const model = (name: string, generation = third, critic = third) => ({ name, skills: { generation, critic } });

test('agents apart and largest share, per run group and iteration, across seeds', () => {
  const rows = skillRows([
    model('sim-base'),
    model('x-maft-arithmetic-s0-l1-gen1', { A: 0.5, B: 0.25, C: 0.25 }),
    model('x-maft-arithmetic-s0-l1-gen2', { A: 0.25, B: 0.5, C: 0.25 }),
    model('x-maft-arithmetic-s0-l1-critic1', third, { A: 0.2, B: 0.4, C: 0.4 }),
    model('x-maft-arithmetic-s1-l1-gen1'),
    model('x-maft-arithmetic-s1-l1-gen2'),
    model('x-single-arithmetic-s0-l2-shared', { A: 0.6, B: 0.2, C: 0.2 }, { A: 0.2, B: 0.2, C: 0.6 }),
  ]);
  expect(rows.map((r) => [r.group, r.iteration, r.seeds])).toEqual([
    ['x-maft-arithmetic', 1, 2],
    ['x-single-arithmetic', 2, 1],
  ]);
  const [maft, single] = rows;
  // Seed 0: |0.5 - 0.25| + |0.25 - 0.5| + 0 = 0.5; seed 1: 0. Mean 0.25, SE = sd(0.5, 0) / sqrt(2) = 0.25.
  expect(maft.spread.generation!.mean).toBeCloseTo(0.25, 12);
  expect(maft.spread.generation!.standardError).toBeCloseTo(0.25, 12);
  // Largest shares: seed 0 mean(0.5, 0.5), seed 1 1/3.
  expect(maft.largest.generation!.mean).toBeCloseTo((0.5 + 1 / 3) / 2, 12);
  // One critic model in seed 0 (no pair): 0; none in seed 1.
  expect(maft.spread.critic!.mean).toBe(0);
  expect(maft.largest.critic!.seeds).toBe(1);
  expect(single.spread.generation!.mean).toBe(0);
  expect(single.largest.critic!.mean).toBeCloseTo(0.6, 12);
  expect(skillTable(rows)).toContain('| x-single-arithmetic | 2 | 1 | 0.000 | 0.000 | 0.600 | 0.600 |');
});
