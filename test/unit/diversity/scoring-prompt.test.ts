import { scoringPrompt } from '../../../core/diversity/scoring-prompt';

describe('scoring prompt', () => {
  it('renders the turns before the response as plain text and marks where the response starts', () => {
    const { prompt, responseStart } = scoringPrompt(
      [
        { role: 'user', content: 'What is 1+1?' },
        { role: 'assistant', content: 'It is 2.' },
        { role: 'user', content: 'Check again.' },
      ],
      'Still 2.',
    );
    const prefix = 'User: What is 1+1?\n\nAssistant: It is 2.\n\nUser: Check again.\n\nAssistant:';
    expect(prompt).toBe(`${prefix} Still 2.`);
    expect(responseStart).toBe(prefix.length);
    expect(prompt.slice(responseStart)).toBe(' Still 2.');
  });

  it('labels system turns', () => {
    expect(scoringPrompt([{ role: 'system', content: 's' }], 'r').prompt).toBe('System: s\n\nAssistant: r');
  });
});
