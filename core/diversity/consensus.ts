/**
 * Diversity from the answers alone (answers are the class representatives the debates recorded,
 * core/majority.ts): C.1 consensus, and maft's own matrix of how often two agents' final answers differ.
 */
import { majorityVote } from '../majority';
import { meanMatrix } from './matrices';

/**
 * C.1 for one question: Σ_n 1(y_{M,n} = ŷ) / N, an unparseable answer (null) counting as not
 * matching; null when the question has no ŷ (it is left out of the mean).
 */
export function questionConsensus(finalAnswers: ReadonlyArray<string | null>, majority: string | null): number | null {
  if (finalAnswers.length === 0) throw new Error('a debate without agents has no consensus');
  if (majority === null) return null;
  return finalAnswers.filter((answer) => answer === majority).length / finalAnswers.length;
}

/**
 * The vote of one model's samples (C.1 for Single-agent FT: sample the model, vote, and take the
 * fraction matching the vote). A tie may go to either class: the fraction matching it is the same.
 */
export const sampleVote = (answers: ReadonlyArray<string | null>): string | null => majorityVote(answers, 0);

/** matrix[i][j]: the fraction of questions where agents i and j end at different answers (an
 * unparseable answer differs from every answer, another unparseable one included). */
export function answerDisagreementMatrix(finalAnswers: ReadonlyArray<ReadonlyArray<string | null>>): number[][] {
  return meanMatrix(finalAnswers.map((answers) => answers.map((a, i) => answers.map((b, j) => (i !== j && (a === null || a !== b) ? 1 : 0)))));
}
