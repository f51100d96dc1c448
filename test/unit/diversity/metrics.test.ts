import { diversityMetrics, type MeasuredParts } from '../../../core/diversity/metrics';

const zeros = [
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
];

/** Three agents, three questions: the last has no ŷ. */
const parts: MeasuredParts = {
  round: 2,
  scoringModel: 'scorer',
  finals: [
    { answers: ['1', '1', '2'], reference: '1' },
    { answers: ['5', '5', '5'], reference: '5' },
    { answers: [null, null, null], reference: null },
  ],
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
      {
        nll: [
          [2, 2, 2],
          [2, 2, 2],
          [2, 2, 2],
        ],
        kl: zeros,
      },
      {
        nll: [
          [3, 3, 3],
          [3, 3, 3],
          [3, 3, 3],
        ],
        kl: zeros,
      },
    ],
  },
  klPairwise: {
    ok: true,
    value: [
      [
        [0, 0.3, 0.3],
        [0.3, 0, 0.3],
        [0.3, 0.3, 0],
      ],
      zeros,
      zeros,
    ],
  },
  klFromBase: { generation: { ok: true, value: [0.1, 0.2, 0.6] }, critic: { ok: true, value: [0.4, 0.5, 0.6] } },
  embeddingDissimilarity: { ok: true, value: [0.2, 0.4] },
};

describe('diversity metrics', () => {
  it('combines every measured part', () => {
    const metrics = diversityMetrics(parts);
    // C.1 over the two questions with ŷ: (2/3 + 1) / 2; the third is left out, not counted 0
    expect(metrics.consensus).toBeCloseTo(5 / 6, 12);
    // NLL off the diagonal: question 1: 2, 3, 2, 2, 3, 4 -> 16/6; question 2: 2; question 3: 3 -> (8/3 + 5) / 3
    expect(metrics.nll).toBeCloseTo((16 / 6 + 2 + 3) / 3, 12);
    // C.2: 0.3 on every pair of question 1, 0 elsewhere -> 0.1
    expect(metrics.klPairwise).toBeCloseTo(0.1, 12);
    expect(metrics.klFromBase.generation).toBeCloseTo(0.3, 12);
    expect(metrics.klFromBase.critic).toBeCloseTo(0.5, 12);
    expect(metrics.embeddingDissimilarity).toBeCloseTo(0.3, 12);
    // agentKl: the mean KL matrix is question 1's / 3, off the diagonal 10/3 / 6
    expect(metrics.agentKl).toBeCloseTo(10 / 18, 12);
    expect(metrics.pairwise?.metric).toBe('agentKl');
    expect(metrics.pairwise?.matrix[1][2]).toBeCloseTo(1, 12);
    expect(metrics).toMatchObject({ questions: 3, round: 2, scoringModel: 'scorer', unavailable: {} });
  });

  it('leaves unavailable metrics null with their reason and falls back to the next pairwise matrix', () => {
    const noLogprobs = diversityMetrics({
      ...parts,
      likelihoods: { ok: false, reason: 'HTTP 404: no completions' },
      klFromBase: { generation: { ok: false, reason: 'no base' }, critic: { ok: false, reason: 'no base' } },
      embeddingDissimilarity: { ok: true, value: [] },
    });
    expect(noLogprobs).toMatchObject({
      nll: null,
      agentKl: null,
      klFromBase: { generation: null, critic: null },
      embeddingDissimilarity: null,
      pairwise: { metric: 'klPairwise' },
      unavailable: {
        nll: 'HTTP 404: no completions',
        agentKl: 'HTTP 404: no completions',
        'klFromBase.generation': 'no base',
        'klFromBase.critic': 'no base',
        embeddingDissimilarity: 'no question has two final-round replies matching ŷ',
      },
    });
    const answersOnly = diversityMetrics({ ...parts, likelihoods: { ok: false, reason: 'x' }, klPairwise: { ok: false, reason: 'y' } });
    expect(answersOnly.unavailable.klPairwise).toBe('y');
    // agents 0 and 1 always agree; agent 2 differs on question 1, and every pair differs on the unparsed question 3
    expect(answersOnly.pairwise?.metric).toBe('answerDisagreement');
    expect(answersOnly.pairwise?.matrix[0]).toEqual([0, 1 / 3, 2 / 3]);
    const noMajority = diversityMetrics({ ...parts, finals: [{ answers: [null, '2', null], reference: null }] });
    expect(noMajority.consensus).toBeNull();
    expect(noMajority.unavailable.consensus).toMatch(/no question has a majority/);
  });

  it('a single agent has consensus and KL from the base, but no pairs', () => {
    const metrics = diversityMetrics({ ...parts, finals: [{ answers: ['3'], reference: '3' }] });
    expect(metrics).toMatchObject({ consensus: 1, nll: null, klPairwise: null, embeddingDissimilarity: null, agentKl: null, pairwise: null });
    expect(metrics.klFromBase.generation).toBeCloseTo(0.3, 12);
    expect(metrics.unavailable.klPairwise).toMatch(/one agent/);
  });
});
