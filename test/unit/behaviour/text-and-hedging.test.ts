import { answerChecker } from '../../../core/answers';
import { allBoxed, lastBoxed } from '../../../core/answers/boxed';
import { candidateAnswers, hasHedgePhrase, hasSeveralCandidates, hedgeVerdict } from '../../../core/behaviour/hedging';
import { ngramOverlap, words } from '../../../core/behaviour/text';

describe('reply length and repetition', () => {
  it('counts whitespace-separated words', () => {
    expect(words('  The answer\nis \\boxed{4}. ')).toEqual(['The', 'answer', 'is', '\\boxed{4}.']);
    expect(words('')).toEqual([]);
  });

  it("is the fraction of the reply's 3-grams found in what it was shown, case-insensitively", () => {
    // reply 3-grams: "so the answer", "the answer is", "answer is 5", "is 5 indeed": two of four seen
    expect(ngramOverlap('So the answer is 5 indeed', ['I think THE ANSWER IS 5'])).toBe(0.5);
    // a 3-gram repeated in the reply counts each time: "a b c", "b c a", "c a b", "a b c" -> 2 of 4
    expect(ngramOverlap('a b c a b c', ['x a b c y'])).toBe(0.5);
    // 3-grams never span two shown texts: "one two" + "three" does not make "one two three"
    expect(ngramOverlap('one two three', ['one two', 'three'])).toBe(0);
  });

  it('is not defined for a reply under 3 words or when nothing was shown', () => {
    expect(ngramOverlap('two words', ['two words here'])).toBeNull();
    expect(ngramOverlap('three whole words', [])).toBeNull();
  });
});

describe('hedging detector', () => {
  const number = answerChecker('number');
  const choice = answerChecker('choice');

  it('finds phrases of uncertainty on word boundaries, with curly apostrophes', () => {
    expect(hasHedgePhrase('I\u2019m not sure, but \\boxed{3}')).toBe(true);
    expect(hasHedgePhrase('The value CANNOT BE DETERMINED from this.')).toBe(true);
    expect(hasHedgePhrase('It is unclear which.')).toBe(true);
    expect(hasHedgePhrase('The uncertainty principle gives \\boxed{3}')).toBe(false); // "uncertain" inside a word
    expect(hasHedgePhrase('I am sure: \\boxed{3}')).toBe(false);
  });

  it('reads every boxed answer, and the parts of a last line split at "or"', () => {
    expect(allBoxed('\\boxed{1} then \\boxed{\\frac{1}{2}}, \\boxed{} and \\boxed 7')).toEqual(['1', '\\frac{1}{2}', '7']);
    expect(lastBoxed('\\boxed{1} then \\boxed{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
    expect(candidateAnswers('Reasoning (A) is wrong.\nThe answer is (B) or (C).', choice)).toEqual(['B', 'C']);
    // the last line has a \boxed: only the boxed contents are candidates
    expect(candidateAnswers('It takes 2 hours or 120 minutes, so \\boxed{120}', number)).toEqual(['120']);
  });

  it('counts several candidates only when the checker finds two of them not equivalent', () => {
    expect(hasSeveralCandidates('First \\boxed{1,000}, finally \\boxed{1000}.', number)).toBe(false);
    expect(hasSeveralCandidates('Either \\boxed{8} or \\boxed{7}.', number)).toBe(true);
    expect(hasSeveralCandidates('The answer is (B) or (C).', choice)).toBe(true);
    expect(hasSeveralCandidates('The answer is (B) or (b).', choice)).toBe(false);
    expect(hasSeveralCandidates('The answer is 12 or more.', number)).toBe(false); // "more" states no number
  });

  it('gives every cause of a verdict', () => {
    expect(hedgeVerdict("I don't know.", null, number)).toEqual({ noAnswer: true, phrase: true, candidates: false });
    expect(hedgeVerdict('So \\boxed{4}.', '4', number)).toEqual({ noAnswer: false, phrase: false, candidates: false });
  });
});
