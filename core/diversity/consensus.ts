/**
 * Diversity from the answers alone: consensus (how many agents end at the majority ŷ) and how often
 * two agents' final answers differ. Answers are the canonical keys the debates recorded (core/majority).
 */
import { meanMatrix } from './matrices';

/** The fraction of agents whose final answer is ŷ; 0 when no answer parsed (ŷ = null). */
export function questionConsensus(finalAnswers: ReadonlyArray<string | null>, majority: string | null): number {
  if (finalAnswers.length === 0) throw new Error('a debate without agents has no consensus');
  if (majority === null) return 0;
  return finalAnswers.filter((answer) => answer === majority).length / finalAnswers.length;
}

/** Mean consensus over questions. */
export function meanConsensus(debates: ReadonlyArray<{ finalAnswers: ReadonlyArray<string | null>; majority: string | null }>): number {
  if (debates.length === 0) throw new Error('consensus needs at least one debate');
  return debates.reduce((sum, d) => sum + questionConsensus(d.finalAnswers, d.majority), 0) / debates.length;
}

/** matrix[i][j]: the fraction of questions where agents i and j end at different answers (an
 * unparseable answer differs from every answer, another unparseable one included). */
export function answerDisagreementMatrix(finalAnswers: ReadonlyArray<ReadonlyArray<string | null>>): number[][] {
  return meanMatrix(
    finalAnswers.map((answers) => answers.map((a, i) => answers.map((b, j) => (i !== j && (a === null || a !== b) ? 1 : 0)))),
  );
}
