/**
 * STaR's rationalization step: a wrong round-1 answer on the training split is retried with the
 * reference as a hint (core/star.ts). Part of the debate activity (activities/debate.ts); reads
 * ground truth from the stored split itself, so the reference never enters a workflow history.
 * A reply cut at max_tokens states no final answer (recordDebate reads none from it), so it counts
 * as wrong here too: it is rationalized, and a cut rationalization is not correct.
 */
import type { Split } from '../core/artifact-paths';
import { hintedQuestion } from '../core/star';
import type { Rationalization } from '../core/transcript';
import { gradeWith } from '../core/tasks/grade';
import type { Ask } from '../core/debate';
import type { RunArtifacts } from './run-artifacts';

export interface RationalizeInput {
  runId: string;
  task: string;
  split: Split;
  index: number;
  /** The agent's model and its round-1 answer y_1, and whether y_1 was cut at max_tokens. */
  model: string;
  /** The agent's base model, which the call routes by (omitted: `model` itself). */
  baseModel?: string;
  answer: string;
  truncated: boolean;
  sampling: { temperature: number; topP: number; maxTokens: number };
  seed: number;
  requestId: string;
}

/** STaR: the hinted retry of a wrong answer, or null when the answer was right. */
export function createRationalizer(ask: Ask, { readSplit, checkerOf }: RunArtifacts) {
  return async function rationalize(input: RationalizeInput): Promise<Rationalization | null> {
    const checker = await checkerOf(input.runId, input.task);
    const question = (await readSplit(input.runId, input.split))[input.index];
    const correct = (response: string) => gradeWith(checker, question.reference, response).correct;
    if (!input.truncated && correct(input.answer)) return null; // correct: nothing to rationalize
    const messages = hintedQuestion(question.prompt, question.reference);
    const reply = await ask({ model: input.model, baseModel: input.baseModel, messages, seed: input.seed, requestId: input.requestId, ...input.sampling });
    return { prompt: messages[0].content, reply: reply.content, correct: !reply.truncated && correct(reply.content) };
  };
}
