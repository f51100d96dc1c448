/** Hand-made evaluation transcripts for the behaviour tests, read with a real checker as recordDebate does. */
import { answerChecker } from '../../../core/answers';
import type { CheckerName } from '../../../core/answers/types';
import { equivalenceClasses } from '../../../core/majority';
import type { Conversation, DebateTranscript } from '../../../core/transcript';

/** replies[m][n]: agent n's reply in round m + 1; summaries[r][n] as in the transcript. */
export function transcript(questionId: string, replies: string[][], summaries: string[][] = [], checkerName: CheckerName = 'number'): DebateTranscript {
  const checker = answerChecker(checkerName);
  const agents = replies[0].length;
  const conversations: Conversation[] = Array.from({ length: agents }, (_, n) =>
    replies.flatMap((round, m) => [
      { role: 'user' as const, content: m === 0 ? `question ${questionId}` : 'the others said ...' },
      { role: 'assistant' as const, content: round[n] },
    ]),
  );
  const extracted = replies.map((round) => round.map((y) => checker.extract(y)));
  const answers = equivalenceClasses(extracted, checker.equivalent);
  return {
    runId: 'r',
    iteration: 0,
    split: 'test',
    questionId,
    agents: { generation: replies[0].map((_, n) => `gen${n + 1}`), critic: replies[0].map((_, n) => `critic${n + 1}`) },
    conversations,
    summaries,
    checker: checker.name,
    extracted,
    answers,
    majority: answers[answers.length - 1][0],
  };
}

/**
 * Three agents, two rounds, reference 10 for every question (hand-computed values in profile.test.ts):
 * q1: 10, 12, none -> 10, 10, none;  q2: 7, 7, 10 -> 7, 10, 7;  q3: 3, 3, 10 -> 3, 4, 10.
 */
export const SOCIETY = [
  transcript('q1', [
    ['I think it is \\boxed{10}.', 'The sum is \\boxed{12}.', "I'm not sure at all."],
    ['Still \\boxed{10}.', 'I think it is \\boxed{10}.', "I don't know."],
  ]),
  transcript('q2', [
    ['Either \\boxed{8} or \\boxed{7}.', '\\boxed{7}', '\\boxed{10}'],
    ['\\boxed{7}', '\\boxed{10}', '\\boxed{7}'],
  ]),
  transcript('q3', [
    ['\\boxed{3}', '\\boxed{3}', '\\boxed{10}'],
    ['\\boxed{3}', '\\boxed{4}', '\\boxed{10}'],
  ]),
];
