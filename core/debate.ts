/**
 * One question's multiagent debate as pure code over an `ask` function that makes one model call:
 * Algorithm 1, lines 8-13 (and Algorithm 2's debate). Round 1: each generation agent A^G_n answers
 * x. Rounds 2..M: each critic agent A^C_n sees its own conversation plus the other agents' previous
 * answers, summarized for it by the base model or verbatim, and answers again. The whole debate
 * runs in one activity (activities/debate.ts), which checkpoints the finished rounds so that a
 * retried attempt resumes after the last of them. Every call's sampling seed and request id follow
 * from (run, iteration, split, question, call, round), so the same debate asks the same calls.
 */
import type { AgentTable } from './agents';
import type { Split } from './artifact-paths';
import type { RunConfig } from './config';
import type { DebatePrompts } from './prompt-parts';
import { cooperativeTurn, debatePrompts, othersThan, withAgentId, type CriticContext } from './prompts';
import { seedFrom } from './random';
import { roundModels } from './society';
import type { ChatMessage, Conversation } from './transcript';

/** The parts of the run config a debate needs (kept small: it is stored in every debate's history). */
export type DebateSettings = Pick<RunConfig, 'runId' | 'seed' | 'baseModel' | 'summarize' | 'sampling' | 'queues' | 'cooperative' | 'agentIds'> & {
  task: string;
  /** Each agent's sampling temperature (a heterogeneous society may differ per agent). */
  temperatures: number[];
  /** Whether critic agents answer rounds 2..M (false: the generation agents answer every round). */
  critics: boolean;
  /** STaR: a wrong round-1 answer on the training split is retried with the reference as a hint. */
  star: boolean;
  /** Agent n's base model, which its calls route by (one engine per base, core/engines.ts); absent in
   * histories before engine routing: every call routes by its model's own name. */
  baseModels?: string[];
};

/** One question's debate: the debate workflow's input and its activity's. */
export interface DebateInput {
  settings: DebateSettings;
  iteration: number;
  split: Split;
  /** The question's position in its split. */
  index: number;
  /** M for this debate (a method may debate its training and test questions differently). */
  rounds: number;
  agents: AgentTable;
}

export type Sampling = RunConfig['sampling'];

/** One model call, y = model(messages), with its own seed; `requestId` names it for the engine. */
export interface ModelCall extends Sampling {
  model: string;
  /** The base model whose engine serves `model` (an agent's adapter does not name it); omitted: `model` itself. */
  baseModel?: string;
  messages: ChatMessage[];
  /** Per-request sampling seed: agents that share one model still draw different samples, reproducibly. */
  seed: number;
  /** Sent as X-Request-Id (vLLM uses it as the request's id): names the call in the engine's logs. */
  requestId?: string;
}

/** A model's reply, and whether the engine cut it at max_tokens. */
export interface ModelReply {
  content: string;
  truncated: boolean;
}

export type Ask = (call: ModelCall) => Promise<ModelReply>;

/** What names a debate's calls: the run, its seed, the iteration and the question. */
export type DebateKey = Pick<DebateInput, 'iteration' | 'split' | 'index'> & { settings: Pick<DebateSettings, 'runId' | 'seed'> };

/** Names a question's calls: `<run>/l<l>/<split>/q<i>/<call>` (the benchmark reads them). */
export function debateRequestId(key: DebateKey, call: string): string {
  return `${key.settings.runId}/l${key.iteration}/${key.split}/q${key.index}/${call}`;
}

/** The sampling seed of a call of the debate, e.g. debateSeed(key, 'agent', n, 'round', m) or debateSeed(key, 'rationalize'). */
export function debateSeed(key: DebateKey, ...call: Array<string | number>): number {
  const { settings, iteration, split, index } = key;
  return seedFrom(settings.seed, settings.runId, iteration, split, index, ...call);
}

export interface DebateRoundInput {
  /** 1: the generation agents answer x; m >= 2: the critic agents answer again. */
  round: number;
  /** Each agent's conversation so far (round 1: just x). */
  conversations: Conversation[];
  /** The model of each agent in this round: A^G_n in round 1, A^C_n after. */
  models: string[];
  /** Each agent's base model, which its calls route by (omitted: the model's own name). */
  baseModels?: string[];
  /** Writes the per-agent summaries of the others' answers (rounds >= 2, with summarization). */
  baseModel: string;
  summarize: boolean;
  /** Appendix D: critics are asked to cooperate on one answer instead of debating. */
  cooperative: boolean;
  /** Appendix E.2: each critic turn begins with the agent's CRIT id. */
  agentIds: boolean;
  /** The task's critic prompts and the question they restate. */
  critic: CriticContext;
  /** The run's sampling (summaries use it); each agent samples at its own temperature. */
  sampling: Sampling;
  temperatures: number[];
  /** Sampling seeds: replySeeds[n] for agent n's answer, summarySeeds[n] for the summary it receives. */
  replySeeds: number[];
  summarySeeds: number[];
  /** Names this round's calls for the engine: `<prefix>/agent<n>` and `<prefix>/summary<n>`. */
  requestIdPrefix: string;
}

export interface DebateRoundResult {
  /** Rounds >= 2: the user turn each critic received (the others' answers, or their summary). */
  feedback: ChatMessage[] | null;
  /** The summary each agent received; empty strings without summarization or in round 1. */
  summaries: string[];
  /** y_{m,n}: each agent's answer this round. */
  replies: string[];
  /** Whether y_{m,n} was cut at max_tokens: it states no final answer, so it must not vote (recordDebate). */
  truncated: boolean[];
}

/** One round for all N agents at once (line 8, or lines 9-13), the N agents in parallel. */
export async function debateRound(ask: Ask, input: DebateRoundInput): Promise<DebateRoundResult> {
  const { conversations, sampling, round } = input;
  const call = (model: string, messages: ChatMessage[], seed: number, name: string, temperature = sampling.temperature, baseModel?: string) =>
    ask({ model, baseModel, messages, seed, requestId: `${input.requestIdPrefix}/${name}`, ...sampling, temperature });
  const answer = (n: number, messages: ChatMessage[]) =>
    call(input.models[n], messages, input.replySeeds[n], `agent${n + 1}`, input.temperatures[n], input.baseModels?.[n]);
  if (round === 1) {
    // Line 8: y_{1,n} = A^G_n(x).
    const replies = await Promise.all(conversations.map((c, n) => answer(n, c)));
    return { feedback: null, summaries: conversations.map(() => ''), replies: replies.map((r) => r.content), truncated: replies.map((r) => r.truncated) };
  }
  // Lines 9-13: each critic n gets the other agents' previous answers (summarized for it by the
  // base model, or verbatim) after its own conversation, and answers again.
  const previous = conversations.map((c) => c[c.length - 1].content);
  const prompts = debatePrompts(input.critic.style);
  const turns = await Promise.all(
    conversations.map(async (conversation, n) => {
      const others = othersThan(previous, n);
      const summary = input.summarize ? (await call(input.baseModel, prompts.summaryRequest(others), input.summarySeeds[n], `summary${n + 1}`)).content : '';
      const turn = feedbackTurn(input, prompts, summary, others);
      const feedback = input.agentIds ? { ...turn, content: withAgentId(turn.content, 'critic', n) } : turn;
      const reply = await answer(n, [...conversation, feedback]);
      return { feedback, summary, reply };
    }),
  );
  return {
    feedback: turns.map((t) => t.feedback),
    summaries: turns.map((t) => t.summary),
    replies: turns.map((t) => t.reply.content),
    truncated: turns.map((t) => t.reply.truncated),
  };
}

/** The user turn a critic receives: the others' answers or their summary, to weigh (in the task's words) or to cooperate on. */
function feedbackTurn(input: DebateRoundInput, prompts: DebatePrompts, summary: string, others: string[]): ChatMessage {
  if (input.cooperative) return cooperativeTurn(input.summarize ? { summary } : { answers: others }, input.critic.style);
  return input.summarize ? prompts.criticTurnWithSummary(summary, input.critic.question) : prompts.criticTurnWithOpinions(others, input.critic.question);
}

/** Where a debate stands after its finished rounds (what a checkpoint holds). */
export interface DebateState {
  /** Agent n's conversation: x, y_{1,n}, feedback, y_{2,n}, ... */
  conversations: Conversation[];
  /** summaries[r][n]: the summary agent n received before round r+2 (with summarization). */
  summaries: string[][];
  /** truncated[m][n]: y_{m+1,n} was cut at max_tokens; one entry per finished round. */
  truncated: boolean[][];
}

/** The question x as each agent first sees it: no round finished yet. */
export function openingState(input: DebateInput, prompt: string): DebateState {
  return {
    conversations: input.agents.generation.map((_, n) => [{ role: 'user', content: input.settings.agentIds ? withAgentId(prompt, 'generation', n) : prompt }]),
    summaries: [],
    truncated: [],
  };
}

/**
 * Lines 8-13: the rounds after `from`'s last finished one, up to M. `finished` is told the state
 * after each round (the activity checkpoints it); `from` itself is not changed.
 */
export async function debateRounds(
  ask: Ask,
  input: DebateInput,
  critic: CriticContext,
  from: DebateState,
  finished: (state: DebateState) => void = () => undefined,
): Promise<DebateState> {
  const { settings, agents } = input;
  let state = from;
  const seeds = (kind: string, m: number) => agents.generation.map((_, n) => debateSeed(input, kind, n, 'round', m));
  for (let m = state.truncated.length + 1; m <= input.rounds; m++) {
    const round = await debateRound(ask, {
      round: m,
      conversations: state.conversations,
      models: roundModels(agents, m, settings.critics),
      baseModels: settings.baseModels,
      baseModel: settings.baseModel,
      summarize: settings.summarize,
      cooperative: settings.cooperative,
      agentIds: settings.agentIds,
      critic,
      sampling: settings.sampling,
      temperatures: settings.temperatures,
      replySeeds: seeds('agent', m),
      summarySeeds: seeds('summary', m),
      requestIdPrefix: debateRequestId(input, `round${m}`),
    });
    state = {
      conversations: state.conversations.map((c, n) => [
        ...c,
        ...(round.feedback ? [round.feedback[n]] : []),
        { role: 'assistant', content: round.replies[n] },
      ]),
      summaries: m >= 2 && settings.summarize ? [...state.summaries, round.summaries] : state.summaries,
      truncated: [...state.truncated, round.truncated],
    };
    finished(state);
  }
  return state;
}
