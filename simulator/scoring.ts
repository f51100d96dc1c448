/**
 * What the simulated models say about text, for the diversity metrics (docs/simulator.md,
 * "Log-probabilities and embeddings"): token log-probabilities of an echoed prompt and a text
 * embedding, both simple enough to compute by hand.
 *  - Tokens: a word with the whitespace before it (`/\s*\S+/`), and trailing whitespace as a token.
 *  - A model knows the words (lowercased tokens without whitespace) of every assistant turn it and its
 *    ancestors were finetuned on; a base model knows none. A known word has probability 1/2, any other
 *    token 1/16; the first token of a prompt has no log-probability (null, as vLLM).
 *  - The embedding of a text counts its letters a-z (case folded) and digits 0-9, then a constant 1,
 *    so that every text, even an empty one, has a direction: 37 numbers.
 */
import { hashString } from '../core/random';

export const KNOWN_WORD_LOGPROB = Math.log(1 / 2);
export const UNKNOWN_WORD_LOGPROB = Math.log(1 / 16);

export function scoringTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export const wordOf = (token: string): string => token.trim().toLowerCase();

/** The words of the assistant turns of training examples: what a finetuned model learns to expect. */
export function assistantWords(examples: ReadonlyArray<ReadonlyArray<{ role: string; content: string }>>): Set<string> {
  const words = new Set<string>();
  for (const messages of examples) {
    for (const m of messages) {
      if (m.role === 'assistant') scoringTokens(m.content).forEach((t) => words.add(wordOf(t)));
    }
  }
  words.delete('');
  return words;
}

/** A token's id in the simulator's made-up vocabulary (the keys of vLLM's `prompt_logprobs`). */
export const tokenId = (token: string): number => hashString(token) % 49152;

export interface EchoScores {
  tokens: string[];
  token_logprobs: Array<number | null>;
  text_offset: number[];
}

/** log p_m(token) for every token of `text` under a model that knows `vocabulary`. */
export function echoScores(vocabulary: ReadonlySet<string>, text: string): EchoScores {
  const tokens = scoringTokens(text);
  const text_offset: number[] = [];
  let offset = 0;
  for (const token of tokens) {
    text_offset.push(offset);
    offset += token.length;
  }
  const token_logprobs = tokens.map((token, k) => (k === 0 ? null : vocabulary.has(wordOf(token)) ? KNOWN_WORD_LOGPROB : UNKNOWN_WORD_LOGPROB));
  return { tokens, token_logprobs, text_offset };
}

export const EMBEDDING_DIMENSIONS = 37;

export function embeddingOf(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const ch of text.toLowerCase()) {
    if (ch >= 'a' && ch <= 'z') vector[ch.charCodeAt(0) - 97] += 1;
    else if (ch >= '0' && ch <= '9') vector[26 + ch.charCodeAt(0) - 48] += 1;
  }
  vector[36] = 1;
  return vector;
}
