/**
 * Finetuning data from debates: Algorithm 1, lines 18-26.
 *   D^G_n  : (x, y_{1,n})               where y_{1,n} = ŷ                       (line 20)
 *   D^C-_n : (x, y_{1,n}, ..., y_{M,n})   where y_{1,n} != ŷ and y_{M,n} = ŷ     (line 22)
 *   D^C+_n : (x, y_{1,n}, ..., y_{M,n})   where y_{1,n} = ŷ and y_{M,n} = ŷ      (line 23)
 *   D^C_n  : w-mix of D^C-_n and D^C+_n                                      (line 26)
 * Only the majority ŷ decides membership: ground truth never enters a training set.
 */
import { createRng, sampleWithoutReplacement } from './random';
import type { ChatMessage, Conversation, DebateTranscript } from './transcript';

export interface AgentDebateData {
  /** D^G_n */
  generation: Conversation[];
  /** D^C-_n */
  criticMinus: Conversation[];
  /** D^C+_n */
  criticPlus: Conversation[];
}

/** Splits the debates into each agent's D^G_n, D^C-_n and D^C+_n. Transcripts must be in question order. */
export function partitionDebates(transcripts: readonly DebateTranscript[], agents: number): AgentDebateData[] {
  const data: AgentDebateData[] = Array.from({ length: agents }, () => ({ generation: [], criticMinus: [], criticPlus: [] }));
  for (const t of transcripts) {
    const majority = t.majority;
    if (majority === null) continue; // no answer parsed: no ŷ, nothing to learn from
    const rounds = t.answers.length;
    for (let n = 0; n < agents; n++) {
      const first = t.answers[0][n];
      const last = t.answers[rounds - 1][n];
      const conversation = t.conversations[n];
      if (first === majority) data[n].generation.push(conversation.slice(0, 2)); // (x, y_{1,n})
      if (rounds < 2 || last !== majority) continue; // critics exist only for M >= 2
      if (first !== majority) data[n].criticMinus.push(conversation);
      else data[n].criticPlus.push(conversation);
    }
  }
  return data;
}

/** Sizes per agent n (index n-1) of each dataset of one iteration. */
export interface DatasetSizes {
  generation: number[];
  criticMinus: number[];
  criticPlus: number[];
  critic: number[];
  /** Debates whose last round had no parseable answer, hence no ŷ. */
  withoutMajority: number;
  /** Methods that finetune one model for every agent: the size of its pooled dataset. */
  shared?: number;
  /** STaR: examples that come from a hint rationalization. */
  rationalized?: number;
  /** Why a critic's D^C_n came out empty although D^C-_n or D^C+_n had examples (emptyCriticNote). */
  notes?: string[];
}

const TOLERANCE = 1e-9;

/**
 * How many examples of each kind the w-mix takes: the largest T with w*T <= a and (1-w)*T <= b,
 * then round(w*T) from D^C- and the rest of T from D^C+. Exactly T in all: round(w*T) <= a since a
 * is a whole number >= w*T, and T - round(w*T) <= (1-w)*T + 1/2 <= b + 1/2, hence <= b.
 */
export function criticMixCounts(w: number, a: number, b: number): { fromMinus: number; fromPlus: number } {
  if (w >= 1) return { fromMinus: a, fromPlus: 0 };
  if (w <= 0) return { fromMinus: 0, fromPlus: b };
  const total = Math.floor(Math.min(a / w, b / (1 - w)) + TOLERANCE);
  const fromMinus = Math.min(a, Math.round(w * total));
  return { fromMinus, fromPlus: Math.min(b, total - fromMinus) };
}

/** D^C_n: a seeded sample of the w-mix, D^C- examples first, each part in question order. */
export function mixCriticData(criticMinus: readonly Conversation[], criticPlus: readonly Conversation[], w: number, seed: number): Conversation[] {
  const { fromMinus, fromPlus } = criticMixCounts(w, criticMinus.length, criticPlus.length);
  const rng = createRng(seed);
  return [...sampleWithoutReplacement(rng, criticMinus, fromMinus), ...sampleWithoutReplacement(rng, criticPlus, fromPlus)];
}

/**
 * D^C_n by the authors' released code (criticMixRule 'released'): every D^C- example, then each
 * D^C+ example kept on a fair coin, seeded; each part in question order. w does not apply.
 */
export function releasedCriticMix(criticMinus: readonly Conversation[], criticPlus: readonly Conversation[], seed: number): Conversation[] {
  const rng = createRng(seed);
  return [...criticMinus, ...criticPlus.filter(() => rng() < 0.5)];
}

/**
 * Why critic n (1-based) gets no data from the w-mix although it had examples: with one of D^C- and
 * D^C+ empty, the largest T with w*T <= a and (1-w)*T <= b is 0 for any 0 < w < 1. Null otherwise.
 */
export function emptyCriticNote(n: number, w: number, a: number, b: number): string | null {
  const { fromMinus, fromPlus } = criticMixCounts(w, a, b);
  if (fromMinus + fromPlus > 0 || a + b === 0) return null;
  const [empty, full, count, fix] = b === 0 ? ['D^C+', 'D^C-', a, 1] : ['D^C-', 'D^C+', b, 0];
  return `critic ${n}: ${empty} is empty, so the w-mix (w = ${Number(w.toFixed(3))}) takes nothing, leaving its ${count} ${full} examples unused; criticMix ${fix} or criticMixRule "released" would train on them`;
}

/** One finetuning example in the chat JSONL format; optionally trains on the final assistant turn only
 * (OpenAI's per-message `weight`: 0 excludes an assistant turn from the loss). */
export function toFinetuningRecord(conversation: Conversation, turns: 'all' | 'final' = 'all'): { messages: Array<ChatMessage & { weight?: 0 | 1 }> } {
  if (turns === 'all') return { messages: conversation.map((m) => ({ role: m.role, content: m.content })) };
  const lastAssistant = conversation.map((m) => m.role).lastIndexOf('assistant');
  return {
    messages: conversation.map((m, i) =>
      m.role === 'assistant' ? { role: m.role, content: m.content, weight: i === lastAssistant ? 1 : 0 } : { role: m.role, content: m.content },
    ),
  };
}
