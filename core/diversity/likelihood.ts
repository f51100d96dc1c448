/**
 * Likelihood diversity from token log-probabilities. For one question, agent i's response y_i is
 * scored by every agent j's model: log p_j(y_i | context_i), the sum of the log-probabilities of the
 * response's tokens, which a completions endpoint returns for an echoed prompt (docs/diversity.md).
 */

/** The log-probabilities of an echoed prompt (the OpenAI / vLLM completions `logprobs` object). */
export interface EchoedLogprobs {
  tokens: string[];
  /** null where the server has none (the first token of a prompt). */
  token_logprobs: Array<number | null>;
  /** Character offset of each token in the echoed text. */
  text_offset: number[];
}

/** log p(span) and its token count. */
export interface SpanScore {
  logprob: number;
  tokens: number;
}

/** Sums the log-probabilities of the tokens that start in [start, end) of the echoed text. */
export function spanScore(echoed: EchoedLogprobs, start: number, end: number): SpanScore {
  const { tokens, token_logprobs: logprobs, text_offset: offsets } = echoed;
  if (logprobs.length !== tokens.length || offsets.length !== tokens.length) {
    throw new Error(`logprobs lists of different lengths (${tokens.length} tokens, ${logprobs.length} token_logprobs, ${offsets.length} text_offset)`);
  }
  let logprob = 0;
  let count = 0;
  offsets.forEach((offset, k) => {
    if (offset < start || offset >= end) return;
    const value = logprobs[k];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`no log-probability for token ${k} (${JSON.stringify(tokens[k])})`);
    logprob += value;
    count += 1;
  });
  if (count === 0) throw new Error(`no token starts in characters [${start}, ${end}) of the echoed text`);
  return { logprob, tokens: count };
}

/** The per-token negative log-likelihood -log p(y) / |y|, in nats. */
export const perTokenNll = (score: SpanScore): number => -score.logprob / score.tokens;

/** nll[j][i]: per-token NLL of agent i's response under agent j's model, from scores[j][i]. */
export function nllMatrix(scores: ReadonlyArray<ReadonlyArray<SpanScore>>): number[][] {
  return scores.map((row) => row.map(perTokenNll));
}

/**
 * kl[i][j]: the Monte Carlo estimate of KL(p_i || p_j) per token from agent i's own sample y_i ~ p_i:
 * log p_i(y_i)/|y_i| - log p_j(y_i)/|y_i| = nll[j][i] - nll[i][i]. Unbiased over samples, so one
 * question's value can be negative; the mean over questions estimates the divergence.
 */
export function klMatrix(scores: ReadonlyArray<ReadonlyArray<SpanScore>>): number[][] {
  const nll = nllMatrix(scores);
  return nll.map((_, i) => nll.map((_row, j) => nll[j][i] - nll[i][i]));
}
