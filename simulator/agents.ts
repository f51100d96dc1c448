/**
 * The behavioural model of a simulated agent (see docs/simulator.md). A model has, per role, a skill
 * per topic (skills.ts), which gives the probability p(role, topic) that it answers a question of that
 * topic correctly in that role.
 *  - generation turn (no earlier assistant turn): correct with probability p(generation, topic), else a
 *    plausible wrong answer;
 *  - critic turn (an earlier assistant turn, then a user message with other agents' answers or a
 *    summary of them): with probability p(critic, topic) it re-derives the correct answer, otherwise it
 *    follows the most common of the other agents' answers (its own earlier answer breaks ties);
 *  - summary request ("Here are a list of opinions from different agents ..."): states each listed
 *    agent's final answer, one sentence each.
 * Every draw comes from a PRNG seeded by (simulator seed, model, messages, sampling parameters), so the
 * same request always gets the same response, whatever else is going on.
 */
import { createRng, hashString, randomInt, seedFrom } from '../core/random';
import { parseArithmeticAnswer, solveArithmeticPrompt } from '../core/tasks/arithmetic';
import type { SimModel } from './models';
import { correctProbability } from './skills';
import { correctWorking, followText, recheckText, solutionText, STYLE_COUNT, summaryText, unknownQuestionText, wrongWorking } from './texts';
import { findExpression, topicOf, type ArithmeticExpression, type Topic } from './topics';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface AgentRequest {
  seed: number;
  model: SimModel;
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  /** The request's `seed`: agents sharing one model get different samples by sending different seeds. */
  requestSeed?: number;
}

export type TurnKind = 'generation' | 'critic' | 'summary';

export const SUMMARY_REQUEST = /^\s*here are a list of opinions from different agents/i;

/** The seed of one response: temperature 0 is greedy decoding, so the request seed does not matter. */
export function responseSeed(req: AgentRequest): number {
  const transcript = hashString(JSON.stringify(req.messages.map((m) => [m.role, m.content])));
  const temperature = req.temperature ?? 1;
  const sample = temperature === 0 ? 'greedy' : (req.requestSeed ?? 'unseeded');
  return seedFrom(req.seed, 'chat', req.model.name, transcript, temperature, req.top_p ?? 1, sample);
}

export function turnKind(messages: ChatMessage[]): TurnKind {
  const last = messages[messages.length - 1];
  if (last && last.role === 'user' && SUMMARY_REQUEST.test(last.content)) return 'summary';
  const hasEarlierAnswer = messages.some((m) => m.role === 'assistant');
  return hasEarlierAnswer && last?.role === 'user' ? 'critic' : 'generation';
}

/** The arithmetic question of a conversation: the first user message that holds one. */
export function findQuestion(messages: ChatMessage[]): { expression: ArithmeticExpression; truth: number; topic: Topic } | undefined {
  for (const m of messages) {
    if (m.role !== 'user') continue;
    const expression = findExpression(m.content);
    const truth = solveArithmeticPrompt(m.content);
    if (expression && truth !== undefined) return { expression, truth, topic: topicOf(expression) };
  }
  return undefined;
}

const CODE_BLOCK = /```([\s\S]*?)```/g;
const SUMMARY_SENTENCE = /\b(one|another) agent (says|does not)/i;

/** Final answers stated in sentences that mention an agent ("One agent says the answer is 12."). */
function answersFromSentences(text: string): number[] {
  const answers: number[] = [];
  for (const sentence of text.split(/(?<=[.!?])\s+|\n+/)) {
    if (!/\bagents?\b/i.test(sentence)) continue;
    const value = parseArithmeticAnswer(sentence);
    if (value !== undefined) answers.push(value);
  }
  return answers;
}

/**
 * The other agents' answers in a critic's user message: the last number of each ```...``` block
 * (or each "One agent says ..." sentence of a summary), else of each sentence that mentions an agent.
 */
export function otherAnswers(text: string): number[] {
  const blocks = [...text.matchAll(CODE_BLOCK)].map((m) => m[1]);
  if (blocks.length === 0) return answersFromSentences(text);
  const answers: number[] = [];
  for (const block of blocks) {
    if (SUMMARY_SENTENCE.test(block)) answers.push(...answersFromSentences(block));
    else {
      const value = parseArithmeticAnswer(block);
      if (value !== undefined) answers.push(value);
    }
  }
  return answers;
}

/** The opinions listed in a summary request: the final answer of each block (undefined if none). */
export function listedOpinions(text: string): Array<number | undefined> {
  const blocks = [...text.matchAll(CODE_BLOCK)].map((m) => m[1]);
  if (blocks.length > 0) return blocks.map((b) => parseArithmeticAnswer(b));
  return answersFromSentences(text);
}

/** The most common value; ties go to `preferred` when it is among them, else to a draw. */
export function majority(values: number[], rng: () => number, preferred?: number): number | undefined {
  if (values.length === 0) return preferred;
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const best = Math.max(...counts.values());
  const tied = [...counts.keys()].filter((v) => counts.get(v) === best).sort((a, b) => a - b);
  if (preferred !== undefined && tied.includes(preferred)) return preferred;
  return tied[randomInt(rng, 0, tied.length - 1)];
}

/** A model's reasoning style for this response: mostly its own preferred phrasing. */
function styleFor(model: SimModel, rng: () => number): number {
  const preferred = seedFrom('style', model.name) % STYLE_COUNT;
  return rng() < 0.75 ? preferred : randomInt(rng, 0, STYLE_COUNT - 1);
}

function generate(req: AgentRequest, rng: () => number): string {
  const question = findQuestion(req.messages);
  if (!question) return unknownQuestionText(randomInt(rng, 0, 100));
  const correct = rng() < correctProbability(req.model.skills.generation, req.model.baseAccuracy, question.topic);
  const working = correct ? correctWorking(question.expression) : wrongWorking(question.expression, rng);
  return solutionText(question.expression, working, styleFor(req.model, rng));
}

function critique(req: AgentRequest, rng: () => number): string {
  const messages = req.messages;
  const lastAssistant = [...messages].reverse().find((m) => m.role === 'assistant');
  const own = lastAssistant ? parseArithmeticAnswer(lastAssistant.content) : undefined;
  const others = otherAnswers(messages[messages.length - 1].content);
  const question = findQuestion(messages);
  if (question && rng() < correctProbability(req.model.skills.critic, req.model.baseAccuracy, question.topic)) {
    const solution = solutionText(question.expression, correctWorking(question.expression), styleFor(req.model, rng));
    return recheckText(solution, own, question.truth);
  }
  const chosen = majority(others, rng, own);
  if (chosen !== undefined) return followText(own, others, chosen);
  return generate(req, rng);
}

/** The simulated agent's response to a chat request. */
export function respond(req: AgentRequest): string {
  const rng = createRng(responseSeed(req));
  switch (turnKind(req.messages)) {
    case 'summary':
      return summaryText(listedOpinions(req.messages[req.messages.length - 1].content));
    case 'critic':
      return critique(req, rng);
    default:
      return generate(req, rng);
  }
}
