/** The behaviour profile of hand-made debates (transcripts.ts), every value computed by hand. */
import { answerChecker } from '../../../core/answers';
import { answerChange, conformityMove, othersMajority } from '../../../core/behaviour/changes';
import { gradeDebate } from '../../../core/behaviour/graded-debate';
import { behaviourProfile } from '../../../core/behaviour/profile';
import { SOCIETY, transcript } from './transcripts';

const number = answerChecker('number');
const grade = (t: ReturnType<typeof transcript>, reference = '10') => gradeDebate(t, reference, number, `${t.questionId}.json`);

describe('answer changes and conformity, one step', () => {
  const right = { answer: '10', right: true };
  const wrong = (answer: string) => ({ answer, right: false });
  const none = { answer: null, right: false };

  it('puts every pair of answers in exactly one class; unparseable counts as wrong', () => {
    expect(answerChange(right, right)).toBe('keptRight');
    expect(answerChange(wrong('7'), right)).toBe('corrected');
    expect(answerChange(none, right)).toBe('corrected');
    expect(answerChange(right, wrong('7'))).toBe('regressed');
    expect(answerChange(right, none)).toBe('regressed');
    expect(answerChange(wrong('7'), wrong('7'))).toBe('keptWrong');
    expect(answerChange(wrong('7'), wrong('8'))).toBe('otherWrong');
    expect(answerChange(none, wrong('8'))).toBe('otherWrong');
    expect(answerChange(wrong('7'), none)).toBe('toUnparseable');
    expect(answerChange(none, none)).toBe('toUnparseable');
  });

  it('takes a strict majority of the other agents; ties, splits and N = 1 have none', () => {
    expect(othersMajority(['a', 'b', 'b', 'a'], 0)).toBe('b'); // others b, b, a
    expect(othersMajority(['a', 'b', 'a', 'c'], 0)).toBeNull(); // others b, a, c: no answer above half
    expect(othersMajority(['a', 'b', 'c'], 0)).toBeNull(); // others b, c: a tie
    expect(othersMajority(['a', 'b', null], 0)).toBeNull(); // unparseable counts among the others
    expect(othersMajority(['a', 'b'], 0)).toBe('b'); // one other agent is its own majority
    expect(othersMajority(['a'], 0)).toBeNull();
  });

  it('gives an opportunity only when the agent did not already hold the majority', () => {
    expect(conformityMove(['7', '3', '3'], 0, wrong('3'))).toBe('conformed');
    expect(conformityMove(['7', '3', '3'], 0, wrong('7'))).toBe('heldOut');
    expect(conformityMove(['10', '3', '3'], 0, right)).toBe('heldOutRight');
    expect(conformityMove(['3', '3', '3'], 0, right)).toBe('none');
    expect(conformityMove(['7', '3', '4'], 0, wrong('3'))).toBe('none');
  });
});

describe('behaviour profile', () => {
  const profile = behaviourProfile(SOCIETY.map((t) => grade(t)))!;

  it('counts each generation agent on round 1', () => {
    expect(profile).toMatchObject({ questions: 3, agents: 3, rounds: 2 });
    expect(profile.generation).toEqual([
      // 10, 7 (boxed 8 or 7: two candidates), 3; 5 + 4 + 1 words
      {
        agent: 0,
        model: 'gen1',
        replies: 3,
        right: 1,
        unparseable: 0,
        hedging: { hedged: 1, noAnswer: 0, phrase: 0, candidates: 1 },
        meanWords: 10 / 3,
        overlap: null,
        changes: null,
        conformity: null,
      },
      {
        agent: 1,
        model: 'gen2',
        replies: 3,
        right: 0,
        unparseable: 0,
        hedging: { hedged: 0, noAnswer: 0, phrase: 0, candidates: 0 },
        meanWords: 2,
        overlap: null,
        changes: null,
        conformity: null,
      },
      // none ("I'm not sure at all.": no answer and a phrase), 10, 10
      {
        agent: 2,
        model: 'gen3',
        replies: 3,
        right: 2,
        unparseable: 1,
        hedging: { hedged: 1, noAnswer: 1, phrase: 1, candidates: 0 },
        meanWords: 7 / 3,
        overlap: null,
        changes: null,
        conformity: null,
      },
    ]);
  });

  it('counts each critic on rounds 2..M: changes, conformity, overlap with the others it was shown', () => {
    const zero = { keptRight: 0, corrected: 0, regressed: 0, keptWrong: 0, otherWrong: 0, toUnparseable: 0 };
    const noOpportunity = { opportunities: 0, conformed: 0, heldOut: 0, heldOutRight: 0 };
    expect(profile.critics[0]).toMatchObject({
      model: 'critic1',
      right: 1,
      meanWords: 4 / 3,
      overlap: null,
      changes: { ...zero, keptRight: 1, keptWrong: 2 },
      conformity: noOpportunity,
    });
    // q1 copies agent 1's round-1 reply word for word: overlap 1; the other replies are under 3 words
    expect(profile.critics[1]).toMatchObject({
      right: 2,
      meanWords: 7 / 3,
      overlap: 1,
      changes: { ...zero, corrected: 2, otherWrong: 1 },
      conformity: noOpportunity,
    });
    // q2: the others held 7, 7 and it moved from 10 to 7; q3: the others held 3, 3 and it kept 10
    expect(profile.critics[2]).toMatchObject({
      right: 1,
      unparseable: 1,
      hedging: { hedged: 1, noAnswer: 1, phrase: 1, candidates: 0 },
      meanWords: 5 / 3,
      overlap: 0,
      changes: { ...zero, toUnparseable: 1, regressed: 1, keptRight: 1 },
      conformity: { opportunities: 2, conformed: 1, heldOut: 1, heldOutRight: 1 },
    });
  });

  it('has the disagreement of every two agents in round 1 and round M', () => {
    // round 1: (10, 12, none), (7, 7, 10), (3, 3, 10); round 2: (10, 10, none), (7, 10, 7), (3, 4, 10)
    expect(profile.disagreement.generation).toEqual([
      [0, 1 / 3, 1],
      [1 / 3, 0, 1],
      [1, 1, 0],
    ]);
    expect(profile.disagreement.critics).toEqual([
      [0, 2 / 3, 2 / 3],
      [2 / 3, 0, 1],
      [2 / 3, 1, 0],
    ]);
  });

  it('measures overlap against the summary an agent received, when there was one', () => {
    const summarized = transcript(
      's',
      [
        ['a', 'b'],
        ['the others say 4 so \\boxed{4}', 'x'],
      ],
      [['the others say 4', '']],
    );
    const graded = grade(summarized, '4');
    expect(graded.rounds[1].map((r) => r.shown)).toEqual([['the others say 4'], ['a']]);
    // reply 3-grams: "the others say", "others say 4", "say 4 so", "4 so \boxed{4}": two of four in the summary
    expect(behaviourProfile([graded])!.critics[0].overlap).toBe(0.5);
  });

  it('says "not defined" (null, empty) where N = 1 or M = 1 leave no pairs, changes or others', () => {
    const single = behaviourProfile([grade(transcript('a', [['\\boxed{10}']]))])!;
    expect(single).toMatchObject({ agents: 1, rounds: 1, critics: [], disagreement: { generation: null, critics: null } });
    const alone = behaviourProfile([grade(transcript('b', [['\\boxed{3}'], ['\\boxed{10}']]))])!;
    expect(alone.critics[0]).toMatchObject({ changes: { corrected: 1 }, conformity: null });
    const oneRound = behaviourProfile([grade(transcript('c', [['\\boxed{3}', '\\boxed{3}']]))])!;
    expect(oneRound.disagreement).toEqual({
      generation: [
        [0, 0],
        [0, 0],
      ],
      critics: null,
    });
    expect(behaviourProfile([])).toBeNull();
  });

  it('rejects debates of different shapes, naming them', () => {
    const two = grade(transcript('two', [['1', '2']]));
    expect(() => behaviourProfile([grade(SOCIETY[0]), two])).toThrow('debate two: 1 rounds of 2 agents, but debate q1 has 2 rounds of 3');
  });
});
