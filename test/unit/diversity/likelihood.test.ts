import { agentKlMatrix, nllMatrix, perTokenNll, spanLogprobs } from '../../../core/diversity/likelihood';

describe('span log-probabilities from an echoed prompt', () => {
  // "User: x\n\nAssistant: a b" with tokens at these offsets; the response starts at 18 (" a").
  const echoed = {
    tokens: ['User', ':', ' x', '\n\n', 'Assistant', ':', ' a', ' b'],
    token_logprobs: [null, -1, -2, -0.5, -0.25, -0.125, -0.75, -1.5],
    text_offset: [0, 4, 5, 7, 9, 17, 18, 20],
  };

  it('takes the log-probabilities of the tokens that start inside the span', () => {
    expect(spanLogprobs(echoed, 18, 22)).toEqual([-0.75, -1.5]);
    // a generated token after the prompt (offset 22) is outside [18, 22)
    const withGenerated = { tokens: [...echoed.tokens, 'c'], token_logprobs: [...echoed.token_logprobs, -9], text_offset: [...echoed.text_offset, 22] };
    expect(spanLogprobs(withGenerated, 18, 22)).toEqual([-0.75, -1.5]);
  });

  it('fails when a token of the span has no log-probability, none starts in it, or the lists disagree', () => {
    expect(() => spanLogprobs(echoed, 0, 5)).toThrow(/no log-probability for token 0 \("User"\)/);
    expect(() => spanLogprobs(echoed, 22, 30)).toThrow(/no token starts in characters \[22, 30\)/);
    expect(() => spanLogprobs({ ...echoed, text_offset: [0] }, 18, 22)).toThrow(/different lengths/);
  });

  it('gives the per-token negative log-likelihood', () => {
    expect(perTokenNll([-1, -0.5, -1.5, 0])).toBe(0.75);
  });
});

describe('NLL and KL matrices', () => {
  // scores[j][i]: token log-probabilities of y_i under agent j. y_0 has 2 tokens, y_1 one.
  // Agent 1 finds y_0's second token twice as likely as agent 0 does; agent 0 finds y_1 half as likely as agent 1.
  const scores = [
    [[-1, -2], [-3 - Math.LN2]],
    [[-1, -2 + Math.LN2], [-3]],
  ];

  it('nll[j][i] is -(1/|y_i|) Σ_t log p_j(y_i,t)', () => {
    const nll = nllMatrix(scores);
    expect(nll[0][0]).toBeCloseTo(1.5, 12);
    expect(nll[0][1]).toBeCloseTo(3 + Math.LN2, 12);
    expect(nll[1][0]).toBeCloseTo((3 - Math.LN2) / 2, 12);
    expect(nll[1][1]).toBeCloseTo(3, 12);
  });

  it('kl[i][j] averages r - 1 - log r over y_i, with r = p_j / p_i per token', () => {
    const kl = agentKlMatrix(scores);
    // y_0: r = 1 then 2 -> (0 + (2 - 1 - ln 2)) / 2; y_1: r = 1/2 -> 1/2 - 1 + ln 2
    expect(kl[0][1]).toBeCloseTo((1 - Math.LN2) / 2, 12);
    expect(kl[1][0]).toBeCloseTo(Math.LN2 - 0.5, 12);
    expect(kl[0][0]).toBe(0);
    expect(kl[1][1]).toBe(0);
  });

  it('is zero for identical models and positive whichever way they differ', () => {
    const same = [
      [[-2, -1], [-0.5]],
      [[-2, -1], [-0.5]],
    ];
    expect(agentKlMatrix(same)).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const grid = (d: number) => [
      [[-1], [-1]],
      [[-1 + d], [-1]],
    ];
    for (const d of [-3, -0.1, 0.1, 3]) expect(agentKlMatrix(grid(d))[0][1]).toBeGreaterThan(0);
  });

  it('refuses responses split into different tokens by two agents', () => {
    expect(() =>
      agentKlMatrix([
        [[-1, -1], [-1]],
        [[-1], [-1]],
      ]),
    ).toThrow(/agents 0 and 1 split response 0 into different tokens \(2 and 1\)/);
  });
});
