import { klMatrix, nllMatrix, perTokenNll, spanScore, type SpanScore } from '../../../core/diversity/likelihood';

describe('span scores from echoed log-probabilities', () => {
  // "User: x\n\nAssistant: a b" with tokens at these offsets; the response starts at 18 (" a").
  const echoed = {
    tokens: ['User', ':', ' x', '\n\n', 'Assistant', ':', ' a', ' b'],
    token_logprobs: [null, -1, -2, -0.5, -0.25, -0.125, -0.75, -1.5],
    text_offset: [0, 4, 5, 7, 9, 17, 18, 20],
  };

  it('sums the log-probabilities of the tokens that start inside the span', () => {
    expect(spanScore(echoed, 18, 22)).toEqual({ logprob: -2.25, tokens: 2 });
    // a generated token after the prompt (offset 22) is outside [18, 22)
    const withGenerated = { tokens: [...echoed.tokens, 'c'], token_logprobs: [...echoed.token_logprobs, -9], text_offset: [...echoed.text_offset, 22] };
    expect(spanScore(withGenerated, 18, 22)).toEqual({ logprob: -2.25, tokens: 2 });
  });

  it('fails when a token of the span has no log-probability, none starts in it, or the lists disagree', () => {
    expect(() => spanScore(echoed, 0, 5)).toThrow(/no log-probability for token 0 \("User"\)/);
    expect(() => spanScore(echoed, 22, 30)).toThrow(/no token starts in characters \[22, 30\)/);
    expect(() => spanScore({ ...echoed, text_offset: [0] }, 18, 22)).toThrow(/different lengths/);
  });

  it('gives the per-token negative log-likelihood', () => {
    expect(perTokenNll({ logprob: -3, tokens: 4 })).toBe(0.75);
  });
});

describe('NLL and KL matrices', () => {
  // scores[j][i] = log p_j(y_i). Responses y_0 (2 tokens), y_1 (4 tokens).
  const scores: SpanScore[][] = [
    [
      { logprob: -2, tokens: 2 },
      { logprob: -12, tokens: 4 },
    ],
    [
      { logprob: -6, tokens: 2 },
      { logprob: -4, tokens: 4 },
    ],
  ];

  it('nll[j][i] is -log p_j(y_i) / |y_i|', () => {
    expect(nllMatrix(scores)).toEqual([
      [1, 3],
      [3, 1],
    ]);
  });

  it('kl[i][j] = nll[j][i] - nll[i][i], the estimate of KL(p_i || p_j) from y_i', () => {
    expect(klMatrix(scores)).toEqual([
      [0, 2],
      [2, 0],
    ]);
    // An agent whose own sample is likelier under another model gets a negative single-sample estimate.
    const skewed: SpanScore[][] = [
      [
        { logprob: -8, tokens: 2 },
        { logprob: -4, tokens: 4 },
      ],
      [
        { logprob: -2, tokens: 2 },
        { logprob: -4, tokens: 4 },
      ],
    ];
    expect(klMatrix(skewed)).toEqual([
      [0, -3],
      [0, 0],
    ]);
  });
});
