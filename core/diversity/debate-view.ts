/**
 * What the diversity metrics read from one stored debate transcript (core/transcript.ts): the
 * question x, every round's answers and ŷ, and every round's replies with each agent's conversation
 * before them. A malformed transcript is rejected with its file and the offending field.
 */
import { z } from 'zod';
import { describeConfigErrors } from '../config';
import type { ChatMessage } from '../transcript';

const Message = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
const StoredDebate = z.object({
  questionId: z.string(),
  conversations: z.array(z.array(Message)).min(1),
  answers: z.array(z.array(z.string().nullable())).min(1),
  majority: z.string().nullable(),
});

export interface RoundReplies {
  /** contexts[n]: agent n's conversation before its reply in this round. */
  contexts: ChatMessage[][];
  /** replies[n] = y_{m,n}. */
  replies: string[];
}

export interface DebateView {
  questionId: string;
  /** x: the first user turn of agent 1's conversation. */
  question: string;
  /** answers[m][n]: y_{m+1,n} parsed to its class representative (null: unparseable). */
  answers: Array<Array<string | null>>;
  /** ŷ, the majority of the last round; null when no answer parsed. */
  majority: string | null;
  /** rounds[m]: round m+1. */
  rounds: RoundReplies[];
}

export class InvalidTranscriptError extends Error {}

/** The view of a transcript read from `source`, checked for `agents` agents and as many rounds in every field. */
export function debateView(raw: unknown, agents: number, source: string): DebateView {
  const fail = (problem: string): never => {
    throw new InvalidTranscriptError(`${source}: ${problem}`);
  };
  const parsed = StoredDebate.safeParse(raw);
  if (!parsed.success) return fail(describeConfigErrors(parsed.error).join('; '));
  const { questionId, conversations, answers, majority } = parsed.data;
  if (conversations.length !== agents) fail(`conversations: ${conversations.length} agents, expected ${agents}`);
  const turns = conversations.map((conversation) => conversation.flatMap((m, k) => (m.role === 'assistant' ? [k] : [])));
  const rounds = answers.length;
  turns.forEach((t, n) => {
    if (t.length !== rounds) fail(`conversations.${n}: ${t.length} assistant turns, but answers has ${rounds} rounds`);
  });
  answers.forEach((a, m) => {
    if (a.length !== agents) fail(`answers.${m}: ${a.length} answers, expected ${agents}`);
  });
  const question = conversations[0].find((m) => m.role === 'user')?.content ?? fail('conversations.0: no user turn (the question)');
  const views = answers.map((_, m) => ({
    contexts: conversations.map((conversation, n) => conversation.slice(0, turns[n][m])),
    replies: conversations.map((conversation, n) => conversation[turns[n][m]].content),
  }));
  return { questionId, question, answers, majority, rounds: views };
}
