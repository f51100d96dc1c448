/**
 * The debate prompts by family: each family's critic and summary turns are in the task module of its
 * name (core/tasks/<task>.ts), copied verbatim from the authors' released code: Du et al.'s debate
 * code (composable-models/llm_multiagent_debate: math/gen_math.py for arithmetic, gsm/gen_gsm.py,
 * mmlu/gen_mmlu.py) and the multiagent-ft code (vsubramaniam851/multiagent-ft, original_gen.py, MATH
 * only, with summarization). Critics see their own conversation plus, for each round, either the
 * other agents' answers concatenated or a summary of them. Where the released code has no summarized
 * variant for a task, the summary takes the place of the answers in that task's critic turn
 * (docs/tasks.md lists each prompt's origin). Here: the lookup, Appendix D's cooperative turn and
 * Appendix E.2's agent IDs.
 */
import type { Role } from './agents';
import { opinionBlocks, SOLUTIONS_INTRO, summaryHeader, user, type DebatePrompts } from './prompt-parts';
import { taskModules } from './tasks/registry';
import type { TaskPrompts } from './tasks/module';
import type { ChatMessage } from './transcript';

/** The prompt families, each defined by the task module of that name; other tasks borrow one (a JSONL task by its checker). */
export const promptStyles = ['arithmetic', 'gsm8k', 'math', 'mmlu'] as const;
export type PromptStyle = (typeof promptStyles)[number];

/** What a critic's prompts need to know of the question: the family, and the question as its source states it. */
export interface CriticContext {
  style: PromptStyle;
  question: string;
}

function family(style: PromptStyle): TaskPrompts {
  const prompts = taskModules.find((task) => task.name === style)?.prompts;
  if (!prompts) throw new Error(`no task module defines the prompt family "${style}"`);
  return prompts;
}

export function debatePrompts(style: PromptStyle): DebatePrompts {
  return family(style).critic;
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
  const shared = 'summary' in others ? summaryHeader(others.summary) : SOLUTIONS_INTRO + opinionBlocks(others.answers, 'solution');
  return user(`${shared}\n\n Can you derive a new solution by combining your solution with the solutions of other agents? ${family(style).answerFormat}`);
}

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
