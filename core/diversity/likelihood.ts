/**
 * Likelihood diversity from token log-probabilities. For one question, agent i's final-round reply
 * y_i is scored by every agent j's model: log p_j(y_{i,t} | text before it) for each token t of y_i,
 * which a completions endpoint returns for an echoed prompt (docs/diversity.md). Section 4's NLL
 * reads the entries j != i (a held-out agent scoring another's reply); maft's own agentKl compares
 * them with the diagonal.
 */

/** The log-probabilities of an echoed prompt (the OpenAI / vLLM completions `logprobs` object). */
export interface EchoedLogprobs {
  tokens: string[];
  /** null where the server has none (the first token of a prompt). */
  token_logprobs: Array<number | null>;
  /** Character offset of each token in the echoed text. */
  text_offset: number[];
}

/** The log-probabilities of the tokens that start in [start, end) of the echoed text. */
export function spanLogprobs(echoed: EchoedLogprobs, start: number, end: number): number[] {
  const { tokens, token_logprobs: logprobs, text_offset: offsets } = echoed;
  if (logprobs.length !== tokens.length || offsets.length !== tokens.length) {
    throw new Error(`logprobs lists of different lengths (${tokens.length} tokens, ${logprobs.length} token_logprobs, ${offsets.length} text_offset)`);
  }
  const span: number[] = [];
  offsets.forEach((offset, k) => {
    if (offset < start || offset >= end) return;
    const value = logprobs[k];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`no log-probability for token ${k} (${JSON.stringify(tokens[k])})`);
    span.push(value);
  });
  if (span.length === 0) throw new Error(`no token starts in characters [${start}, ${end}) of the echoed text`);
  return span;
}

/** The per-token negative log-likelihood -(1/|y|) Σ_t log p(y_t), in nats. */
export const perTokenNll = (logprobs: ReadonlyArray<number>): number => -logprobs.reduce((s, x) => s + x, 0) / logprobs.length;

/** scores[j][i]: the token log-probabilities of agent i's response under agent j's model. */
export type ScoreGrid = ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>;

/** nll[j][i]: per-token NLL of agent i's response under agent j's model. */
export function nllMatrix(scores: ScoreGrid): number[][] {
  return scores.map((row) => row.map(perTokenNll));
}

/**
 * maft's own agentKl, kl[i][j]: per-token KL(p_i || p_j) estimated on agent i's own response y_i ~ p_i with Schulman's
 * k3 estimator: with r_t = p_j(y_t) / p_i(y_t), KL ≈ (1/|y_i|) Σ_t (r_t - 1 - log r_t). Unbiased when
 * y_i is a sample of p_i (E[r_t] = 1), and never negative, so a single question cannot cancel another.
 */
export function agentKlMatrix(scores: ScoreGrid): number[][] {
  return scores.map((_, i) =>
    scores.map((_row, j) => {
      const own = scores[i][i];
      const other = scores[j][i];
      if (other.length !== own.length) throw new Error(`agents ${i} and ${j} split response ${i} into different tokens (${own.length} and ${other.length})`);
      return own.reduce((sum, a, t) => sum + Math.expm1(other[t] - a) - (other[t] - a), 0) / own.length;
    }),
  );
}
