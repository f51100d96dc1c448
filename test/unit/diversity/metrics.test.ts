import { diversityMetrics } from '../../../core/diversity/metrics';

const debates = [
  { finalAnswers: ['1', '1', '2'], majority: '1' },
  { finalAnswers: ['5', '5', '5'], majority: '5' },
];
const zeros = [
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
];

describe('diversity metrics', () => {
  it('combines every measured part, and the KL matrix is the pairwise one', () => {
    const metrics = diversityMetrics({
      round: 1,
      debates,
      dissimilarities: {
        ok: true,
        value: [
          [
            [0, 0.2, 0.4],
            [0.2, 0, 0.6],
            [0.4, 0.6, 0],
          ],
          [
            [0, 0, 0.2],
            [0, 0, 0.2],
            [0.2, 0.2, 0],
          ],
        ],
      },
      likelihoods: {
        ok: true,
        value: [
          {
            nll: [
              [1, 2, 3],
              [2, 1, 2],
              [3, 4, 1],
            ],
            kl: [
              [0, 1, 2],
              [1, 0, 3],
              [2, 1, 0],
            ],
          },
          { nll: [[2, 2, 2], [2, 2, 2], [2, 2, 2]], kl: zeros },
        ],
      },
    });
    // consensus: (2/3 + 1) / 2 = 5/6
    expect(metrics.consensus).toBeCloseTo(5 / 6, 12);
    // embedding: mean matrix off-diagonal [0.1, 0.3, 0.1, 0.4, 0.3, 0.4] -> 1.6 / 6
    expect(metrics.embeddingDissimilarity).toBeCloseTo(1.6 / 6, 12);
    // NLL off the diagonal: question 1 2, 3, 2, 2, 3, 4 -> 16/6; question 2 -> 2; mean 7/3
    expect(metrics.negativeLogLikelihood).toBeCloseTo(7 / 3, 12);
    expect(metrics.pairwise?.metric).toBe('klDivergence');
    expect(metrics.pairwise?.matrix).toEqual([
      [0, 0.5, 1],
      [0.5, 0, 1.5],
      [1, 0.5, 0],
    ]);
    expect(metrics.klDivergence).toBeCloseTo(5 / 6, 12);
    expect(metrics).toMatchObject({ questions: 2, round: 1, unavailable: {} });
  });

  it('leaves unavailable metrics null with their reason and falls back to the next pairwise matrix', () => {
    const noLogprobs = diversityMetrics({
      round: 2,
      debates,
      dissimilarities: { ok: true, value: [[[0, 1, 1], [1, 0, 1], [1, 1, 0]], zeros] },
      likelihoods: { ok: false, reason: 'HTTP 404: no completions' },
    });
    expect(noLogprobs).toMatchObject({
      negativeLogLikelihood: null,
      klDivergence: null,
      embeddingDissimilarity: 0.5,
      pairwise: { metric: 'embeddingDissimilarity' },
      unavailable: { negativeLogLikelihood: 'HTTP 404: no completions', klDivergence: 'HTTP 404: no completions' },
    });
    const answersOnly = diversityMetrics({ round: 1, debates, dissimilarities: { ok: false, reason: 'none configured' }, likelihoods: { ok: false, reason: 'x' } });
    expect(answersOnly.embeddingDissimilarity).toBeNull();
    expect(answersOnly.unavailable.embeddingDissimilarity).toBe('none configured');
    // agents 0 and 1 always agree; agent 2 differs from them on question 1 of 2
    expect(answersOnly.pairwise).toEqual({
      metric: 'answerDisagreement',
      matrix: [
        [0, 0, 0.5],
        [0, 0, 0.5],
        [0.5, 0.5, 0],
      ],
    });
  });

  it('a single agent has consensus but no pairs', () => {
    const metrics = diversityMetrics({
      round: 1,
      debates: [{ finalAnswers: ['3'], majority: '3' }],
      dissimilarities: { ok: true, value: [[[0]]] },
      likelihoods: { ok: true, value: [{ nll: [[1]], kl: [[0]] }] },
    });
    expect(metrics).toMatchObject({ consensus: 1, embeddingDissimilarity: null, negativeLogLikelihood: null, klDivergence: null, pairwise: null });
    expect(metrics.unavailable.klDivergence).toMatch(/one agent/);
  });
});
