import { parseCliArgs } from '../../../simulator/cli-args';
import { resolveOptions } from '../../../simulator/options';
import { assistantWords, echoScores, embeddingOf, scoringTokens } from '../../../simulator/scoring';

const half = Math.log(1 / 2);
const sixteenth = Math.log(1 / 16);

describe("the simulator's scoring model", () => {
  it('splits text into words with their leading whitespace, trailing whitespace last', () => {
    expect(scoringTokens('User: hi\n\nAssistant: a  b ')).toEqual(['User:', ' hi', '\n\nAssistant:', ' a', '  b', ' ']);
    expect(scoringTokens('')).toEqual([]);
  });

  it('gives known words 1/2 and other tokens 1/16, and the first token nothing', () => {
    expect(echoScores(new Set(['a']), 'x A b')).toEqual({
      tokens: ['x', ' A', ' b'],
      token_logprobs: [null, half, sixteenth],
      text_offset: [0, 1, 3],
    });
  });

  it('learns the words of assistant turns only', () => {
    const words = assistantWords([
      [
        { role: 'user', content: 'question words' },
        { role: 'assistant', content: 'The answer is 12.' },
      ],
      [{ role: 'assistant', content: 'the END' }],
    ]);
    expect([...words].sort()).toEqual(['12.', 'answer', 'end', 'is', 'the']);
  });

  it('embeds a text as its letter and digit counts plus a constant 1', () => {
    const v = embeddingOf('Ab a9!');
    expect(v).toHaveLength(37);
    expect(v[0]).toBe(2); // a
    expect(v[1]).toBe(1); // b
    expect(v[26 + 9]).toBe(1); // 9
    expect(v[36]).toBe(1);
    expect(v.reduce((s, x) => s + x, 0)).toBe(5);
    expect(embeddingOf('')).toEqual([...new Array(36).fill(0), 1]);
  });

  it('has options and flags for backends without embeddings or prompt log-probabilities', () => {
    expect(resolveOptions({})).toMatchObject({ embeddingModels: ['sim-embed'], promptLogprobs: true });
    expect(parseCliArgs(['--no-embeddings', '--no-prompt-logprobs']).options).toEqual({ embeddingModels: [], promptLogprobs: false });
    expect(parseCliArgs(['--embedding-model', 'e1', '--embedding-model=e2']).options).toEqual({ embeddingModels: ['e1', 'e2'] });
    expect(() => parseCliArgs(['--no-embeddings', '--embedding-model', 'e'])).toThrow(/contradict/);
    expect(() => resolveOptions({ embeddingModels: [''] })).toThrow(/embeddingModels/);
  });
});
