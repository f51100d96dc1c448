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
  it('takes round 1 responses with the question as context, and the last round answers', () => {
    expect(debateView(transcript, 1, 2, 'f.json')).toEqual({
      questionId: 'test-0',
      finalAnswers: ['4', null],
      majority: '4',
      contexts: [[{ role: 'user', content: 'x' }], [{ role: 'user', content: 'x' }]],
      responses: ['y11', 'y12'],
    });
  });

  it('takes a later round with each agent its own conversation so far', () => {
    const view = debateView(transcript, 2, 2, 'f.json');
    expect(view.responses).toEqual(['y21', 'y22']);
    expect(view.contexts[1]).toEqual(transcript.conversations[1].slice(0, 3));
  });

  it('names the file and the field of a malformed transcript', () => {
    const broken = { ...transcript, conversations: [transcript.conversations[0], [{ role: 'user', content: 5 }]] };
    expect(() => debateView(broken, 1, 2, 'runs/r/d.json')).toThrow(/^runs\/r\/d\.json: conversations\.1\.0\.content: Expected string, received number$/);
    expect(() => debateView({ ...transcript, majority: undefined }, 1, 2, 'd.json')).toThrow(/^d\.json: majority: Required$/);
    expect(() => debateView(transcript, 1, 3, 'd.json')).toThrow(/^d\.json: conversations: 2 agents, expected 3$/);
    expect(() => debateView(transcript, 3, 2, 'd.json')).toThrow(/^d\.json: conversations\.0: 2 assistant turns, round 3 needs 3$/);
    expect(() => debateView({ ...transcript, answers: [['1', '2'], ['3']] }, 1, 2, 'd.json')).toThrow(/^d\.json: answers\.1: 1 answers, expected 2$/);
  });
});
