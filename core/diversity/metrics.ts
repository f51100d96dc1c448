/**
 * Assembles DiversityMetrics from what was measured per question. A part the backend could not
 * supply arrives as its reason and leaves its metrics null; a question without what a metric needs
 * (no ŷ for C.1, fewer than two replies matching ŷ for C.4) is left out of that metric's mean.
 */
import { answerDisagreementMatrix, questionConsensus } from './consensus';
import { meanMatrix, meanOffDiagonal } from './matrices';
import type { DiversityMetricName, DiversityMetrics, PairwiseMetric } from './types';

export type Measured<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface MeasuredParts {
  round: number;
  scoringModel: string | null;
  /** Per question: the final-round answers and what C.1 compares them with (ŷ, or the vote of one model's samples). */
  finals: ReadonlyArray<{ answers: ReadonlyArray<string | null>; reference: string | null }>;
  /** Per question: nll[j][i] (reply i under agent j's model) and kl[i][j] (agentKl), likelihood.ts. */
  likelihoods: Measured<Array<{ nll: number[][]; kl: number[][] }>>;
  /** Per question: the C.2 matrix, scorer-kl.ts. */
  klPairwise: Measured<number[][][]>;
  /** Per question: C.3 for the generation agents (round 1) and the critic agents (the final round). */
  klFromBase: { generation: Measured<number[]>; critic: Measured<number[]> };
  /** Per question with at least two final-round replies matching ŷ: C.4. */
  embeddingDissimilarity: Measured<number[]>;
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Metrics of `questions` debates read at `round`, none measured yet. */
export function unmeasured(questions: number, round: number, scoringModel: string | null): DiversityMetrics {
  return {
    questions,
    round,
    scoringModel,
    consensus: null,
    nll: null,
    klPairwise: null,
    klFromBase: { generation: null, critic: null },
    embeddingDissimilarity: null,
    agentKl: null,
    pairwise: null,
    unavailable: {},
  };
}

export function diversityMetrics(parts: MeasuredParts): DiversityMetrics {
  const { finals } = parts;
  if (finals.length === 0) throw new Error('diversity needs at least one debate');
  const agents = finals[0].answers.length;
  const unavailable: Partial<Record<DiversityMetricName, string>> = {};
  const result: DiversityMetrics = { ...unmeasured(finals.length, parts.round, parts.scoringModel), unavailable };
  const perQuestion = finals.flatMap((q) => {
    const c = questionConsensus(q.answers, q.reference);
    return c === null ? [] : [c];
  });
  if (perQuestion.length > 0) result.consensus = mean(perQuestion);
  else unavailable.consensus = 'no question has a majority answer ŷ';

  const scalar = (name: 'klFromBase.generation' | 'klFromBase.critic', measured: Measured<number[]>) => {
    if (measured.ok && measured.value.length > 0) return mean(measured.value);
    unavailable[name] = measured.ok ? 'no question measured' : measured.reason;
    return null;
  };
  result.klFromBase = {
    generation: scalar('klFromBase.generation', parts.klFromBase.generation),
    critic: scalar('klFromBase.critic', parts.klFromBase.critic),
  };

  if (agents < 2) {
    const reason = 'a society of one agent has no pair of agents to compare';
    Object.assign(unavailable, { nll: reason, klPairwise: reason, embeddingDissimilarity: reason, agentKl: reason });
    return result;
  }
  const matrices: Partial<Record<PairwiseMetric, number[][]>> = {
    answerDisagreement: answerDisagreementMatrix(finals.map((q) => q.answers)),
  };
  if (parts.likelihoods.ok) {
    // nll[j][i]: agent i's reply under held-out agent j; the diagonal (an agent scoring itself) is left out.
    result.nll = meanOffDiagonal(meanMatrix(parts.likelihoods.value.map((q) => q.nll)));
    matrices.agentKl = meanMatrix(parts.likelihoods.value.map((q) => q.kl));
    result.agentKl = meanOffDiagonal(matrices.agentKl);
  } else {
    unavailable.nll = parts.likelihoods.reason;
    unavailable.agentKl = parts.likelihoods.reason;
  }
  if (parts.klPairwise.ok) {
    matrices.klPairwise = meanMatrix(parts.klPairwise.value);
    result.klPairwise = meanOffDiagonal(matrices.klPairwise);
  } else unavailable.klPairwise = parts.klPairwise.reason;
  const embedded = parts.embeddingDissimilarity;
  if (embedded.ok && embedded.value.length > 0) result.embeddingDissimilarity = mean(embedded.value);
  else unavailable.embeddingDissimilarity = embedded.ok ? 'no question has two final-round replies matching ŷ' : embedded.reason;

  const best = (['agentKl', 'klPairwise'] as const).find((m) => matrices[m]) ?? 'answerDisagreement';
  result.pairwise = { metric: best, matrix: matrices[best]! };
  return result;
}
