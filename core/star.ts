/**
 * STaR (Zelikman et al., 2022), the paper's ground-truth baseline: an agent's correct answers train
 * it; for a wrong answer it is asked again with the reference as a hint, and a rationalization that
 * reaches the reference trains it too, without the hint (the model learns to reach the answer alone).
 */
import type { ChatMessage, Conversation, Rationalization } from './transcript';

/** The hinted question: x with the reference answer given as a hint. */
export function hintedQuestion(question: string, reference: string): ChatMessage[] {
  return [{ role: 'user', content: `${question} (Hint: the answer is ${reference}.)` }];
}

export interface StarDebate {
  /** x and the agent's round-1 answer. */
  conversation: Conversation;
  firstCorrect: boolean;
  rationalization: Rationalization | null;
}

/** STaR's training examples, in question order: (x, y_1) when y_1 is correct, else (x, rationalization)
 * when the hinted answer is correct; the hint never enters the example. */
export function starExamples(debates: readonly StarDebate[]): { examples: Conversation[]; rationalized: number } {
  const examples: Conversation[] = [];
  let rationalized = 0;
  for (const d of debates) {
    if (d.firstCorrect) examples.push(d.conversation.slice(0, 2));
    else if (d.rationalization?.correct) {
      examples.push([d.conversation[0], { role: 'assistant', content: d.rationalization.reply }]);
      rationalized++;
    }
  }
  return { examples, rationalized };
}
