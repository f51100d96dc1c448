/** What one question's debate leaves behind: each agent's whole conversation and the vote. */
import type { AgentTable } from './agents';
import type { Rationalization } from './star';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Agent n's conversation: x, y_{1,n}, feedback, y_{2,n}, ..., y_{M,n}. */
export type Conversation = ChatMessage[];

export interface DebateTranscript {
  runId: string;
  iteration: number;
  split: 'train' | 'test';
  questionId: string;
  /** The models that debated: generation agents in round 1, critic agents after. */
  agents: AgentTable;
  /** conversations[n] is agent n's (generation agent in round 1, critic agent after). */
  conversations: Conversation[];
  /** summaries[r][n]: the summary agent n received before round r+2 (empty without summarization). */
  summaries: string[][];
  /** answers[m][n]: agent n's parsed answer in round m+1, as a canonical key; null if unparseable. */
  answers: Array<Array<string | null>>;
  /** ŷ: the majority over the last round's answers; null when no answer parsed. */
  majority: string | null;
  /** STaR only: the hinted retry of a wrong round-1 answer (training split). */
  rationalization?: Rationalization | null;
}

/** The small record a debate hands back to its parent workflow (no text). */
export interface DebateOutcome {
  questionId: string;
  majority: string | null;
  answers: Array<Array<string | null>>;
}

/** The assistant turns y_{1,n}..y_{M,n} of a conversation. */
export function assistantTurns(conversation: Conversation): string[] {
  return conversation.filter((m) => m.role === 'assistant').map((m) => m.content);
}
