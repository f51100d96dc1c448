/**
 * The debate prompts of the authors' released code, verbatim where a task has them: Du et al.'s
 * debate code (composable-models/llm_multiagent_debate: math/gen_math.py for arithmetic,
 * gsm/gen_gsm.py, mmlu/gen_mmlu.py) and the multiagent-ft code (vsubramaniam851/multiagent-ft,
 * original_gen.py, MATH only, with summarization). Critics see their own conversation plus, for each
 * round, either the other agents' answers concatenated or a summary of them. Where the released code
 * has no summarized variant for a task, the summary takes the place of the answers in that task's
 * critic turn (docs/tasks.md lists each prompt's origin).
 */
import type { Role } from './agents';
import type { ChatMessage } from './transcript';

/** The prompt families: one per task of the paper; a user's JSONL task borrows one by its checker. */
export const promptStyles = ['arithmetic', 'gsm8k', 'math', 'mmlu'] as const;
export type PromptStyle = (typeof promptStyles)[number];

/** What a critic's prompts need to know of the question: the family, and the question as its source states it. */
export interface CriticContext {
  style: PromptStyle;
  question: string;
}

export interface DebatePrompts {
  /** Asked of the base model, once per receiving agent, over the other N-1 agents' answers. */
  summaryRequest(otherAnswers: readonly string[]): ChatMessage[];
  /** The critic's next user turn, carrying the summary of the other agents' answers. */
  criticTurnWithSummary(summary: string, question: string): ChatMessage;
  /** The critic's next user turn, carrying the other agents' answers verbatim (no summarization). */
  criticTurnWithOpinions(otherAnswers: readonly string[], question: string): ChatMessage;
}

const user = (content: string): ChatMessage => ({ role: 'user', content });

/** Du et al.'s blocks: "\n\n One agent response: ```...```" (or "solution", or no fence), one per answer. */
function opinionBlocks(otherAnswers: readonly string[], label: 'response' | 'solution', fenced = true): string {
  const fence = fenced ? '```' : '';
  return otherAnswers.map((answer) => `\n\n One agent ${label}: ${fence}${answer}${fence}`).join('');
}

/** Fills `{question}` in a prompt template (every occurrence, the text taken literally). */
export function fillTemplate(template: string, question: string): string {
  return template.split('{question}').join(question);
}

const SUMMARY_REQUEST_PREFIX = 'Here are a list of opinions from different agents: ';
const ARITHMETIC_CLOSING = ' can you provide an updated answer? Make sure to state your answer at the end of the response.';

/** Arithmetic (Du et al., math/gen_math.py): the critic turns never restate the question. */
export function summaryRequest(otherAnswers: readonly string[]): ChatMessage[] {
  return [user(SUMMARY_REQUEST_PREFIX + opinionBlocks(otherAnswers, 'response') + '\n\n Write a summary of the different opinions from each of the individual agent.')];
}

export function criticTurnWithSummary(summary: string): ChatMessage {
  return user(`Here is a summary of responses from other agents: ${summary}\n\n Use this summarization carefully as additional advice,${ARITHMETIC_CLOSING}`);
}

export function criticTurnWithOpinions(otherAnswers: readonly string[]): ChatMessage {
  return user(
    'These are the recent/updated opinions from other agents: ' +
      opinionBlocks(otherAnswers, 'response') +
      `\n\n Use these opinions carefully as additional advice,${ARITHMETIC_CLOSING}`,
  );
}

/** multiagent-ft's summary request (summarize_message), which also asks for each solution's reasoning. */
function summaryRequestWithReasoning(otherAnswers: readonly string[]): ChatMessage[] {
  return [
    user(
      SUMMARY_REQUEST_PREFIX +
        opinionBlocks(otherAnswers, 'response') +
        '\n\n Write a summary of the different opinions from each of the individual agent and explain the reasoning in each solution.',
    ),
  ];
}

/** multiagent-ft's summary header (construct_message_summary). */
const summaryHeader = (summary: string) => `Here is a summary of solutions from several other agents: ${summary}`;

const gsm8kClosing = (question: string) =>
  `\n\n Using the solutions from other agents as additional information, can you provide your answer to the math problem? \n The original math problem is ${question}. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response.`;

const MMLU_CLOSING =
  '\n\n Using the reasoning from other agents as additional advice, can you give an updated answer? Examine your solution and that other agents step by step. Put your answer in the form (X) at the end of your response.';

const styles: Record<PromptStyle, DebatePrompts> = {
  arithmetic: {
    summaryRequest,
    criticTurnWithSummary: (summary) => criticTurnWithSummary(summary),
    criticTurnWithOpinions: (others) => criticTurnWithOpinions(others),
  },
  // Du et al., gsm/gen_gsm.py construct_message; summarized: multiagent-ft's header before the same closing.
  gsm8k: {
    summaryRequest: summaryRequestWithReasoning,
    criticTurnWithSummary: (summary, question) => user(summaryHeader(summary) + gsm8kClosing(question)),
    criticTurnWithOpinions: (others, question) =>
      user('These are the solutions to the problem from other agents: ' + opinionBlocks(others, 'solution') + gsm8kClosing(question)),
  },
  // multiagent-ft, original_gen.py construct_message_summary and construct_message (its typos kept).
  math: {
    summaryRequest: summaryRequestWithReasoning,
    criticTurnWithSummary: (summary, question) =>
      user(
        summaryHeader(summary) +
          `\n\n Examine each these solutions as additional advice, can solve ${question} and give your updated answer? Explain your reasoning. \n Your final answer should be be in the form \\boxed{answer} given at the end of your response.`,
      ),
    criticTurnWithOpinions: (others, question) =>
      user(
        'Here is are solution from other agents: ' +
          opinionBlocks(others, 'response', false) +
          `\n\n Using each response as additional advice, can you give an updated bullet by bullet answer to ${question}? Your final answer should be be in the form \\boxed{answer} given at the end of your response.`,
      ),
  },
  // Du et al., mmlu/gen_mmlu.py construct_message; summarized: multiagent-ft's header before the same closing.
  mmlu: {
    summaryRequest: summaryRequestWithReasoning,
    criticTurnWithSummary: (summary) => user(summaryHeader(summary) + MMLU_CLOSING),
    criticTurnWithOpinions: (others) => user('These are the solutions to the problem from other agents: ' + opinionBlocks(others, 'solution') + MMLU_CLOSING),
  },
};

export function debatePrompts(style: PromptStyle): DebatePrompts {
  return styles[style];
}

/** The answers of every agent but n. */
export function othersThan<T>(items: readonly T[], n: number): T[] {
  return items.filter((_, i) => i !== n);
}

/**
 * Appendix D, cooperative mode: in later rounds each agent is asked to merge rather than critique,
 * with the paper's question, after the others' solutions (their summary or the answers verbatim,
 * introduced as in the GSM8K and MMLU critic turns) and before the task's answer format, so the
 * reply still states its answer where the checker reads it.
 */
export function cooperativeTurn(others: { summary: string } | { answers: readonly string[] }, style: PromptStyle): ChatMessage {
  const shared = 'summary' in others ? summaryHeader(others.summary) : 'These are the solutions to the problem from other agents: ' + opinionBlocks(others.answers, 'solution');
  return user(`${shared}\n\n Can you derive a new solution by combining your solution with the solutions of other agents? ${ANSWER_FORMAT[style]}`);
}

/** How each task's prompts ask for the final answer (the cooperative turn keeps the task's format). */
const ANSWER_FORMAT: Record<PromptStyle, string> = {
  arithmetic: 'Make sure to state your answer at the end of the response.',
  gsm8k: 'Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response.',
  math: 'Your final answer should be in the form \\boxed{answer} given at the end of your response.',
  mmlu: 'Put your answer in the form (X) at the end of your response.',
};

/**
 * Appendix E.2: the line that begins each prompt an agent receives, naming it and its role: GEN n in
 * round 1, CRIT n in rounds 2..M (the critic's turn, whichever model plays it). The paper gives the
 * generation agents' wording; the critics' follows it with the paper's description of their task.
 */
export function agentIdLine(role: Role, n: number): string {
  return role === 'generation'
    ? `Agent ID: GEN${n + 1} (This is a generation agent ${n + 1} tasked with creating a solution.)`
    : `Agent ID: CRIT${n + 1} (This is a critic agent ${n + 1} tasked with evaluating and improving responses.)`;
}

/** A prompt with agent n's ID line before it. */
export function withAgentId(prompt: string, role: Role, n: number): string {
  return `${agentIdLine(role, n)}\n\n${prompt}`;
}
