/**
 * One stored evaluation debate (core/transcript.ts) graded for the behaviour metrics: every reply
 * with what its agent was shown, its answer class, whether that is right against the reference
 * (the task's checker, as scoreEvaluation judges ŷ) and the hedging detector's verdict.
 */
import type { AgentTable } from '../agents';
import type { AnswerChecker } from '../answers/types';
import { debateView } from '../diversity/debate-view';
import type { DebateTranscript } from '../transcript';
import { hedgeVerdict, type HedgeVerdict } from './hedging';

export interface GradedReply {
  /** y_{m,n} as written. */
  text: string;
  /** Before a round m >= 2 reply: the summary agent n received, or else the other agents' round m-1 replies; [] in round 1. */
  shown: string[];
  /** The class representative of the answer (transcript.answers); null: unparseable. */
  answer: string | null;
  right: boolean;
  hedge: HedgeVerdict;
}

export interface GradedDebate {
  questionId: string;
  agents: AgentTable;
  /** rounds[m][n]: agent n's reply in round m + 1. */
  rounds: GradedReply[][];
}

/** `source` names the transcript in errors (its file). */
export function gradeDebate(transcript: DebateTranscript, reference: string, checker: AnswerChecker, source: string): GradedDebate {
  const view = debateView(transcript, transcript.conversations.length, source);
  const rounds = view.rounds.map(({ replies }, m) =>
    replies.map((text, n): GradedReply => {
      const answer = view.answers[m][n];
      const summary = m > 0 ? (transcript.summaries[m - 1]?.[n] ?? '') : '';
      const others = m > 0 ? view.rounds[m - 1].replies.filter((_, j) => j !== n) : [];
      return {
        text,
        shown: summary !== '' ? [summary] : others,
        answer,
        right: answer !== null && checker.equivalent(answer, reference),
        hedge: hedgeVerdict(text, answer, checker),
      };
    }),
  );
  return { questionId: transcript.questionId, agents: transcript.agents, rounds };
}
