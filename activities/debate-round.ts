/**
 * One round of one question's debate, for all N agents at once (Algorithm 1, line 8 or lines 9-13):
 * one activity per round instead of one per model call, so Temporal's per-task cost is paid once
 * for N (or 2N) model calls and the inference engine sees them together.
 */
import type { ChatMessage, Conversation } from '../core/transcript';
import { cooperativeTurn, debatePrompts, othersThan, type CriticContext, type DebatePrompts } from '../core/prompts';
import { heartbeating } from './heartbeat';
import type { ChatInput, ChatReply } from './inference';

export interface DebateRoundInput {
  /** 1: the generation agents answer x; m >= 2: the critic agents answer again. */
  round: number;
  /** Each agent's conversation so far (round 1: just x). */
  conversations: Conversation[];
  /** The model of each agent in this round: A^G_n in round 1, A^C_n after. */
  models: string[];
  /** Writes the per-agent summaries of the others' answers (rounds >= 2, with summarization). */
  baseModel: string;
  summarize: boolean;
  /** Appendix D: critics are asked to cooperate on one answer instead of debating. */
  cooperative: boolean;
  /** The task's critic prompts and the question they restate. */
  critic: CriticContext;
  /** The run's sampling (summaries use it); each agent samples at its own temperature. */
  sampling: { temperature: number; topP: number; maxTokens: number };
  temperatures: number[];
  /** Sampling seeds: replySeeds[n] for agent n's answer, summarySeeds[n] for the summary it receives. */
  replySeeds: number[];
  summarySeeds: number[];
  /** Names this round's calls for the engine: `<prefix>/agent<n>` and `<prefix>/summary<n>`. */
  requestIdPrefix: string;
}

export interface DebateRoundResult {
  /** Rounds >= 2: the user turn each critic received (the others' answers, or their summary). */
  feedback: ChatMessage[] | null;
  /** The summary each agent received; empty strings without summarization or in round 1. */
  summaries: string[];
  /** y_{m,n}: each agent's answer this round. */
  replies: string[];
  /** Whether y_{m,n} was cut at max_tokens: it states no final answer, so it must not vote (recordDebate). */
  truncated: boolean[];
}

export function createDebateRoundActivity(chat: (input: ChatInput) => Promise<ChatReply>) {
  return {
    async debateRound(input: DebateRoundInput): Promise<DebateRoundResult> {
      return heartbeating(() => runRound(input));
    },
  };

  async function runRound(input: DebateRoundInput): Promise<DebateRoundResult> {
    const { conversations, sampling, round } = input;
    const ask = (model: string, messages: ChatMessage[], seed: number, call: string, temperature = sampling.temperature) =>
      chat({ model, messages, seed, requestId: `${input.requestIdPrefix}/${call}`, ...sampling, temperature });
    const answer = (n: number, messages: ChatMessage[]) => ask(input.models[n], messages, input.replySeeds[n], `agent${n + 1}`, input.temperatures[n]);
    if (round === 1) {
      // Line 8: y_{1,n} = A^G_n(x).
      const replies = await Promise.all(conversations.map((c, n) => answer(n, c)));
      return { feedback: null, summaries: conversations.map(() => ''), replies: replies.map((r) => r.content), truncated: replies.map((r) => r.truncated) };
    }
    // Lines 9-13: each critic n gets the other agents' previous answers (summarized for it by the
    // base model, or verbatim) after its own conversation, and answers again.
    const previous = conversations.map((c) => c[c.length - 1].content);
    const prompts = debatePrompts(input.critic.style);
    const turns = await Promise.all(
      conversations.map(async (conversation, n) => {
        const others = othersThan(previous, n);
        const summary = input.summarize ? (await ask(input.baseModel, prompts.summaryRequest(others), input.summarySeeds[n], `summary${n + 1}`)).content : '';
        const feedback = feedbackTurn(input, prompts, summary, others);
        const reply = await answer(n, [...conversation, feedback]);
        return { feedback, summary, reply };
      }),
    );
    return {
      feedback: turns.map((t) => t.feedback),
      summaries: turns.map((t) => t.summary),
      replies: turns.map((t) => t.reply.content),
      truncated: turns.map((t) => t.reply.truncated),
    };
  }
}

/** The user turn a critic receives: the others' answers or their summary, to weigh (in the task's words) or to cooperate on. */
function feedbackTurn(input: DebateRoundInput, prompts: DebatePrompts, summary: string, others: string[]): ChatMessage {
  if (input.cooperative) return cooperativeTurn(input.summarize ? { summary } : { answers: others }, input.critic.style);
  return input.summarize ? prompts.criticTurnWithSummary(summary, input.critic.question) : prompts.criticTurnWithOpinions(others, input.critic.question);
}
