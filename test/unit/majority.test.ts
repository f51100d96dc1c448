import { majorityVote } from '../../core/majority';

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
