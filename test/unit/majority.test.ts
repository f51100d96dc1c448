import { answerChecker } from '../../core/answers';
import { equivalenceClasses, majorityVote } from '../../core/majority';

describe('majority vote', () => {
  it('takes the most common answer', () => {
    expect(majorityVote(['3', '5', '3'], 1)).toBe('3');
  });

  it('ignores unparseable answers', () => {
    expect(majorityVote([null, '5', null], 1)).toBe('5');
    expect(majorityVote([null, null, null], 1)).toBeNull();
  });

  it('breaks a tie the same way for the same seed, whatever the order', () => {
    const first = majorityVote(['1', '2', '3'], 42);
    for (let i = 0; i < 5; i++) expect(majorityVote(['1', '2', '3'], 42)).toBe(first);
    expect(majorityVote(['3', '1', '2'], 42)).toBe(first);
    expect(['1', '2', '3']).toContain(first);
  });

  it('breaks ties differently across seeds', () => {
    const winners = new Set(Array.from({ length: 50 }, (_, seed) => majorityVote(['1', '2', null], seed)));
    expect(winners).toEqual(new Set(['1', '2']));
  });
});

describe('equivalence classes', () => {
  // Numbers written differently: equal values are equivalent.
  const sameValue = (a: string, b: string) => Number(a.replace(/[$,]/g, '')) === Number(b.replace(/[$,]/g, ''));

  it('stores each answer as its class representative: the smallest last-round member', () => {
    const rounds = [
      ['1000', '7', null],
      ['$1,000', '1000.0', '7'],
    ];
    expect(equivalenceClasses(rounds, sameValue)).toEqual([
      ['$1,000', '7', null],
      ['$1,000', '$1,000', '7'],
    ]);
  });

  it('gives a class with no last-round member its smallest member', () => {
    expect(
      equivalenceClasses(
        [
          ['9.0', '09', '3'],
          ['3', '3', '3'],
        ],
        sameValue,
      ),
    ).toEqual([
      ['09', '09', '3'],
      ['3', '3', '3'],
    ]);
  });

  it('makes the vote count equivalent answers together, where string equality would tie', () => {
    const last = ['18', '18.00', '7'];
    expect(new Set(Array.from({ length: 20 }, (_, seed) => majorityVote(last, seed)))).toEqual(new Set(['18', '18.00', '7'])); // strings: a 3-way tie
    const [classes] = equivalenceClasses([last], sameValue);
    for (let seed = 0; seed < 20; seed++) expect(majorityVote(classes, seed)).toBe('18');
  });

  it('does not depend on the order of the agents', () => {
    const rounds = [
      ['2', '2.0', '5'],
      ['5.0', '2.00', '5'],
    ];
    const permute = <T>(r: T[][], p: number[]) => r.map((round) => p.map((n) => round[n]));
    const base = equivalenceClasses(rounds, sameValue);
    for (const p of [
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ])
      expect(equivalenceClasses(permute(rounds, p), sameValue)).toEqual(permute(base, p));
  });

  it("groups with a task's checker", () => {
    const number = answerChecker('number');
    const replies = ['So she makes \\boxed{1,000} dollars.', 'The total is \\boxed{1000}.', 'I get \\boxed{998}.'];
    const [classes] = equivalenceClasses([replies.map((r) => number.extract(r))], number.equivalent);
    expect(classes[0]).toBe(classes[1]);
    expect(classes[2]).not.toBe(classes[0]);
    expect(number.equivalent(majorityVote(classes, 0)!, '1000')).toBe(true);
  });
});
