/** What one question's debate leaves behind: each agent's whole conversation and the vote. */
import type { AgentTable } from './agents';
import type { CheckerName } from './answers/types';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Agent n's conversation: x, y_{1,n}, feedback, y_{2,n}, ..., y_{M,n}. */
export type Conversation = ChatMessage[];

/** STaR (core/star.ts): what a wrong round-1 answer leaves behind after the hint. */
export interface Rationalization {
  /** The hinted question the agent answered. */
  prompt: string;
  reply: string;
  /** Whether the rationalization's answer equals the reference. */
  correct: boolean;
}

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
  /** The checker that read and grouped the answers. */
  checker: CheckerName;
  /** extracted[m][n]: the final answer agent n stated in round m+1, as written; null if none could be read. */
  extracted: Array<Array<string | null>>;
  /**
   * answers[m][n]: the representative of the equivalence class of extracted[m][n] (core/majority.ts),
   * so two answers are equivalent exactly when their representatives are equal; null if unparseable.
   */
  answers: Array<Array<string | null>>;
  /** ŷ: the representative of the largest class among the last round's answers; null when none parsed. */
  majority: string | null;
  /** STaR only: the hinted retry of a wrong round-1 answer (training split). */
  rationalization?: Rationalization | null;
}

/** The small record a debate hands back to its parent workflow (no text): class representatives, as in the transcript. */
export interface DebateOutcome {
  questionId: string;
  majority: string | null;
  answers: Array<Array<string | null>>;
}

/** The assistant turns y_{1,n}..y_{M,n} of a conversation. */
export function assistantTurns(conversation: Conversation): string[] {
  return conversation.filter((m) => m.role === 'assistant').map((m) => m.content);
}
