import { debateView } from '../../../core/diversity/debate-view';

const transcript = {
  runId: 'r',
  iteration: 1,
  split: 'test',
  questionId: 'test-0',
  conversations: [
    [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: 'y11' },
      { role: 'user', content: 'others say 4' },
      { role: 'assistant', content: 'y21' },
    ],
    [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: 'y12' },
      { role: 'user', content: 'others say 3' },
      { role: 'assistant', content: 'y22' },
    ],
  ],
  answers: [
    ['3', '4'],
    ['4', null],
  ],
  majority: '4',
};

describe('debate view', () => {
  it("takes the question, every round's answers and ŷ, and each round's replies with their contexts", () => {
    const view = debateView(transcript, 2, 'f.json');
    expect(view).toMatchObject({ questionId: 'test-0', question: 'x', answers: transcript.answers, majority: '4' });
    expect(view.rounds[0]).toEqual({ contexts: [[{ role: 'user', content: 'x' }], [{ role: 'user', content: 'x' }]], replies: ['y11', 'y12'] });
    expect(view.rounds[1].replies).toEqual(['y21', 'y22']);
    expect(view.rounds[1].contexts[1]).toEqual(transcript.conversations[1].slice(0, 3));
  });

  it('names the file and the field of a malformed transcript', () => {
    const broken = { ...transcript, conversations: [transcript.conversations[0], [{ role: 'user', content: 5 }]] };
    expect(() => debateView(broken, 2, 'runs/r/d.json')).toThrow(/^runs\/r\/d\.json: conversations\.1\.0\.content: Expected string, received number$/);
    expect(() => debateView({ ...transcript, majority: undefined }, 2, 'd.json')).toThrow(/^d\.json: majority: Required$/);
    expect(() => debateView(transcript, 3, 'd.json')).toThrow(/^d\.json: conversations: 2 agents, expected 3$/);
    expect(() => debateView({ ...transcript, answers: [['1', '2']] }, 2, 'd.json')).toThrow(
      /^d\.json: conversations\.0: 2 assistant turns, but answers has 1 rounds$/,
    );
    expect(() => debateView({ ...transcript, answers: [['1', '2'], ['3']] }, 2, 'd.json')).toThrow(/^d\.json: answers\.1: 1 answers, expected 2$/);
  });
});
