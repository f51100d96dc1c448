/**
 * What the diversity metrics read from one stored debate transcript (core/transcript.ts): the last
 * round's answers and ŷ, and round r's response of every agent with the conversation before it.
 * A malformed transcript is rejected with its file and the offending field.
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

export interface DebateView {
  questionId: string;
  /** y_{M,n} parsed to canonical keys (null: unparseable). */
  finalAnswers: Array<string | null>;
  majority: string | null;
  /** contexts[n]: agent n's conversation before its round-r response. */
  contexts: ChatMessage[][];
  /** responses[n] = y_{r,n}. */
  responses: string[];
}

export class InvalidTranscriptError extends Error {}

/** The view of round `round` (1-based) of a transcript read from `source`, checked for `agents` agents. */
export function debateView(raw: unknown, round: number, agents: number, source: string): DebateView {
  const fail = (problem: string): never => {
    throw new InvalidTranscriptError(`${source}: ${problem}`);
  };
  const parsed = StoredDebate.safeParse(raw);
  if (!parsed.success) return fail(describeConfigErrors(parsed.error).join('; '));
  const { questionId, conversations, answers, majority } = parsed.data;
  if (conversations.length !== agents) fail(`conversations: ${conversations.length} agents, expected ${agents}`);
  const finalAnswers = answers[answers.length - 1];
  if (finalAnswers.length !== agents) fail(`answers.${answers.length - 1}: ${finalAnswers.length} answers, expected ${agents}`);
  const contexts: ChatMessage[][] = [];
  const responses: string[] = [];
  conversations.forEach((conversation, n) => {
    const turns = conversation.flatMap((m, k) => (m.role === 'assistant' ? [k] : []));
    if (turns.length < round) fail(`conversations.${n}: ${turns.length} assistant turns, round ${round} needs ${round}`);
    const at = turns[round - 1];
    contexts.push(conversation.slice(0, at));
    responses.push(conversation[at].content);
  });
  return { questionId, finalAnswers, majority, contexts, responses };
}
