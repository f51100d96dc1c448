/**
 * How the agents of one society behave in its evaluation debates (docs/behaviour.md): per agent,
 * counts from which the report derives rates, and the agent-by-agent answer disagreement. Stored in
 * the iteration's evaluation record (core/report/records.ts) and computed from the stored
 * transcripts graded against the references (graded-debate.ts, profile.ts).
 */

/**
 * What an agent's answer did from round m-1 to round m. "right": equivalent to the reference by the
 * task's checker; "wrong": parsed but not right; "unparseable": no answer could be read.
 */
export const ANSWER_CHANGES = ['keptRight', 'corrected', 'regressed', 'keptWrong', 'otherWrong', 'toUnparseable'] as const;
export type AnswerChange = (typeof ANSWER_CHANGES)[number];
export type ChangeCounts = Record<AnswerChange, number>;

/** Why a reply counts as hedged (hedging.ts); a reply may have several causes. */
export interface HedgeCounts {
  /** Replies that hedge for at least one cause. */
  hedged: number;
  /** No parseable final answer. */
  noAnswer: number;
  /** A phrase of uncertainty ("I'm not sure", HEDGE_PHRASES). */
  phrase: number;
  /** Two or more candidate answers that are not equivalent. */
  candidates: number;
}

/**
 * Moves towards the answer a strict majority of the OTHER agents held in the previous round
 * (profile.ts). An opportunity: such a majority exists and the agent did not already hold it.
 */
export interface ConformityCounts {
  opportunities: number;
  /** Took the others' majority answer. */
  conformed: number;
  /** Did not take it (opportunities - conformed). */
  heldOut: number;
  /** Held out and ended right. */
  heldOutRight: number;
}

export interface AgentBehaviour {
  /** Agent index n, from 0 (the report shows n + 1). */
  agent: number;
  model: string;
  /** Replies measured: one per question for a generation agent, M - 1 per question for a critic. */
  replies: number;
  right: number;
  unparseable: number;
  hedging: HedgeCounts;
  /** Mean reply length in whitespace-separated words. */
  meanWords: number;
  /** Mean fraction of a reply's word 3-grams found in what it was shown (text.ts); null when no reply had both. */
  overlap: number | null;
  /** Critics: the change of agent n's answer over each round pair (m-1, m); null for generation agents. */
  changes: ChangeCounts | null;
  /** Critics of a society of N >= 2; null otherwise. */
  conformity: ConformityCounts | null;
}

export interface BehaviourProfile {
  questions: number;
  /** N and M of these debates. */
  agents: number;
  rounds: number;
  /** Round 1's replies. */
  generation: AgentBehaviour[];
  /** Rounds 2..M; empty when M = 1. */
  critics: AgentBehaviour[];
  /**
   * matrix[i][j]: the fraction of questions where agents i and j answer differently (an unparseable
   * answer differs from every answer), in round 1 (generation) and round M (critics); null when N < 2
   * (critics: also when M = 1).
   */
  disagreement: { generation: number[][] | null; critics: number[][] | null };
}
