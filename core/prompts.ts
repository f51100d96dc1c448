/**
 * The debate prompts of the authors' released code, verbatim (Du et al.'s debate code and the
 * multiagent-ft summarization variant). Critics see their own conversation plus, for each round,
 * either the other agents' answers concatenated or a summary of them.
 */
import type { ChatMessage } from './transcript';

function opinionBlocks(otherAnswers: readonly string[]): string {
  return otherAnswers.map((answer) => `\n\n One agent response: \`\`\`${answer}\`\`\``).join('');
}

/** Asked of the base model, once per receiving agent, over the other N-1 agents' answers. */
export function summaryRequest(otherAnswers: readonly string[]): ChatMessage[] {
  const content =
    'Here are a list of opinions from different agents: ' +
    opinionBlocks(otherAnswers) +
    '\n\n Write a summary of the different opinions from each of the individual agent.';
  return [{ role: 'user', content }];
}

/** The critic's next user turn, carrying the summary of the other agents' answers. */
export function criticTurnWithSummary(summary: string): ChatMessage {
  return {
    role: 'user',
    content:
      `Here is a summary of responses from other agents: ${summary}` +
      '\n\n Use this summarization carefully as additional advice, can you provide an updated answer? Make sure to state your answer at the end of the response.',
  };
}

/** The critic's next user turn, carrying the other agents' answers verbatim (no summarization). */
export function criticTurnWithOpinions(otherAnswers: readonly string[]): ChatMessage {
  return {
    role: 'user',
    content:
      'These are the recent/updated opinions from other agents: ' +
      opinionBlocks(otherAnswers) +
      '\n\n Use these opinions carefully as additional advice, can you provide an updated answer? Make sure to state your answer at the end of the response.',
  };
}

/** The answers of every agent but n. */
export function othersThan<T>(items: readonly T[], n: number): T[] {
  return items.filter((_, i) => i !== n);
}

/**
 * Appendix D, cooperative mode: later rounds ask the agents to work as a team on one answer instead
 * of weighing the others' answers as advice. `others` is the summary or the answers verbatim.
 */
export function cooperativeTurn(others: { summary: string } | { answers: readonly string[] }): ChatMessage {
  const shared = 'summary' in others ? `Here is a summary of your teammates' solutions: ${others.summary}` : `These are your teammates' solutions: ${opinionBlocks(others.answers)}`;
  return {
    role: 'user',
    content:
      `You are solving this problem together with your teammates. ${shared}` +
      '\n\n Combine the best of your teammates\' reasoning and yours into one solution the team agrees on. Make sure to state your answer at the end of the response.',
  };
}

/** Appendix E.2: agent n's first prompt names it, so agents know they are distinct. */
export function withAgentId(question: string, n: number): string {
  return `You are agent ${n + 1}.\n\n${question}`;
}
