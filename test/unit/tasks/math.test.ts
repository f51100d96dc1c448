import { parseMath } from '../../../core/tasks/math';

const record = (fields: Record<string, unknown>) =>
  JSON.stringify({
    problem: 'What is $1+1$?',
    level: 'Level 1',
    type: 'Algebra',
    solution: 'So it is $\\boxed{2}$.',
    unique_id: 'test/algebra/7.json',
    ...fields,
  });
const all = { levels: [1, 2, 3, 4, 5] };

describe('MATH loader', () => {
  it('asks the multiagent-ft prompt and keeps the last \\boxed{} answer of the solution', () => {
    const [q] = parseMath(record({ solution: 'First $\\boxed{1}$, then $\\boxed{\\frac{1}{2}}$.' }), 'math.jsonl', all);
    expect(q).toEqual({
      id: 'math-test-algebra-7',
      prompt:
        'Can you solve the following math problem? What is $1+1$? Provide a bullet point summary of your reasoning. Your final answer should be a single answer, in the form \\boxed{answer}, at the end of your response.',
      text: 'What is $1+1$?',
      reference: '\\frac{1}{2}',
      source: { file: 'math.jsonl', line: 1, id: 'test/algebra/7.json' },
    });
  });

  const file = [
    record({ level: 'Level 1', unique_id: 'test/algebra/1.json' }),
    record({ level: 'Level 3', type: 'Geometry', unique_id: 'test/geometry/2.json' }),
    record({ level: 'Level 4', unique_id: 'test/algebra/3.json' }),
    record({ level: 'Level ?', type: 'Geometry', unique_id: 'train/geometry/377.json' }),
    record({ level: 'Level 2', type: 'Number Theory', unique_id: 'test/number_theory/5.json' }),
  ].join('\n');
  const ids = (filter: Parameters<typeof parseMath>[2]) => parseMath(file, 'math.jsonl', filter).map((q) => q.source!.id);

  it('filters by level (the paper: 1-3) and by subject; "Level ?" matches no level', () => {
    expect(ids({ levels: [1, 2, 3] })).toEqual(['test/algebra/1.json', 'test/geometry/2.json', 'test/number_theory/5.json']);
    expect(ids({ levels: [1, 2, 3, 4, 5], subjects: ['Geometry'] })).toEqual(['test/geometry/2.json']);
    expect(ids({ levels: [4], subjects: ['Algebra', 'Geometry'] })).toEqual(['test/algebra/3.json']);
  });

  it.each([
    [{ level: 'Level 6' }, /^m\.jsonl:2: field "level": expected "Level 1".."Level 5" or "Level \?", got "Level 6"/],
    [{ level: 3 }, /^m\.jsonl:2: field "level": expected a string, got 3/],
    [{ type: 'Calculus' }, /^m\.jsonl:2: field "type": unknown subject "Calculus"/],
    [{ solution: 'It is 2.' }, /^m\.jsonl:2: field "solution": no \\boxed\{...\} final answer/],
    [{ unique_id: undefined }, /^m\.jsonl:2: field "unique_id": missing/],
    [{ problem: '' }, /^m\.jsonl:2: field "problem": empty/],
  ])('rejects a bad record even when the filter would drop it (%#)', (fields, message) => {
    expect(() => parseMath(`${record({})}\n${record({ level: 'Level 5', ...fields })}`, 'm.jsonl', { levels: [1] })).toThrow(message);
  });
});
