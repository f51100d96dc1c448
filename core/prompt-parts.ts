/**
 * The pieces the tasks' debate prompts share (each task's own prompts are in its module,
 * core/tasks/<task>.ts): Du et al.'s answer blocks, multiagent-ft's summary request and header, and
 * the template filling of round-1 prompts. Verbatim, as core/prompts.ts describes.
 */
import type { ChatMessage } from './transcript';

/** A task family's critic and summary turns. */
export interface DebatePrompts {
  /** Asked of the base model, once per receiving agent, over the other N-1 agents' answers. */
  summaryRequest(otherAnswers: readonly string[]): ChatMessage[];
  /** The critic's next user turn, carrying the summary of the other agents' answers. */
  criticTurnWithSummary(summary: string, question: string): ChatMessage;
  /** The critic's next user turn, carrying the other agents' answers verbatim (no summarization). */
  criticTurnWithOpinions(otherAnswers: readonly string[], question: string): ChatMessage;
}

export const user = (content: string): ChatMessage => ({ role: 'user', content });

/** Du et al.'s blocks: "\n\n One agent response: ```...```" (or "solution", or no fence), one per answer. */
export function opinionBlocks(otherAnswers: readonly string[], label: 'response' | 'solution', fenced = true): string {
  const fence = fenced ? '```' : '';
  return otherAnswers.map((answer) => `\n\n One agent ${label}: ${fence}${answer}${fence}`).join('');
}

/** Fills `{question}` in a prompt template (every occurrence, the text taken literally). */
export function fillTemplate(template: string, question: string): string {
  return template.split('{question}').join(question);
}

export const SUMMARY_REQUEST_PREFIX = 'Here are a list of opinions from different agents: ';

/** multiagent-ft's summary request (summarize_message), which also asks for each solution's reasoning. */
export function summaryRequestWithReasoning(otherAnswers: readonly string[]): ChatMessage[] {
  return [
    user(
      SUMMARY_REQUEST_PREFIX +
        opinionBlocks(otherAnswers, 'response') +
        '\n\n Write a summary of the different opinions from each of the individual agent and explain the reasoning in each solution.',
    ),
  ];
}

/** multiagent-ft's summary header (construct_message_summary). */
export const summaryHeader = (summary: string) => `Here is a summary of solutions from several other agents: ${summary}`;

/** The opening of Du et al.'s GSM8K and MMLU critic turns, before the other agents' solutions. */
export const SOLUTIONS_INTRO = 'These are the solutions to the problem from other agents: ';
