/**
 * The text a completions endpoint scores for one response: the conversation up to the response,
 * rendered as plain "Role: content" turns, then "Assistant:", a space and the response. Every agent
 * scores the same text, so the comparison between agents is like for like (no model's chat template
 * is assumed). The response's tokens are those starting at or after the "Assistant:" that precedes it,
 * so the space that a BPE tokenizer joins to the first word counts with the response.
 */
import type { ChatMessage } from '../transcript';

const LABELS: Record<ChatMessage['role'], string> = { system: 'System', user: 'User', assistant: 'Assistant' };

export interface ScoringPrompt {
  prompt: string;
  /** Where the response's tokens start: tokens at text offsets >= responseStart belong to it. */
  responseStart: number;
}

export function scoringPrompt(context: ReadonlyArray<ChatMessage>, response: string): ScoringPrompt {
  const prefix = context.map((m) => `${LABELS[m.role]}: ${m.content}\n\n`).join('') + `${LABELS.assistant}:`;
  return { prompt: `${prefix} ${response}`, responseStart: prefix.length };
}
