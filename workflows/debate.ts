/**
 * One question's multiagent debate: Algorithm 1, lines 6-16 (and Algorithm 2's debate).
 * Round 1: each generation agent A^G_n answers x. Rounds 2..M: each critic agent A^C_n sees its own
 * conversation plus the other agents' previous answers, summarized for it by the base model or
 * verbatim, and answers again. ŷ is the majority of the last round's answers. A debate that a
 * previous attempt of the run already recorded is not redone (resume).
 */
import type { AgentTable } from '../core/agents';
import type { Split } from '../core/artifact-paths';
import type { RunConfig } from '../core/config';
import { withAgentId } from '../core/prompts';
import { seedFrom } from '../core/random';
import { roundModels } from '../core/society';
import type { Rationalization } from '../core/star';
import type { Conversation, DebateOutcome } from '../core/transcript';
import { inferenceActivities, inferenceOptions, localActivities } from './activity-proxies';

/** The parts of the run config a debate needs (kept small: it is stored in every child's history). */
export type DebateSettings = Pick<RunConfig, 'runId' | 'seed' | 'baseModel' | 'summarize' | 'sampling' | 'queues' | 'cooperative' | 'agentIds'> & {
  task: string;
  /** Each agent's sampling temperature (a heterogeneous society may differ per agent). */
  temperatures: number[];
  /** Whether critic agents answer rounds 2..M (false: the generation agents answer every round). */
  critics: boolean;
  /** STaR: a wrong round-1 answer on the training split is retried with the reference as a hint. */
  star: boolean;
};

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

export async function debate({ settings, iteration, split, index, rounds, agents }: DebateInput): Promise<DebateOutcome> {
  const { loadQuestion, recordDebate } = localActivities();
  const { debateRound, rationalize } = inferenceActivities(settings.queues);
  // Every model call has its own sampling seed, so copies of one model still answer independently.
  const seeds = (kind: string, m: number) =>
    agents.generation.map((_, n) => seedFrom(settings.seed, settings.runId, iteration, split, index, kind, n, 'round', m));
  const requestId = (call: string) => `${settings.runId}/l${iteration}/${split}/q${index}/${call}`;

  const x = await loadQuestion({ runId: settings.runId, iteration, split, index });
  if (x.recorded) return x.recorded;
  const conversations: Conversation[] = agents.generation.map((_, n) => [
    { role: 'user', content: settings.agentIds ? withAgentId(x.prompt, n) : x.prompt },
  ]);
  const summaries: string[][] = [];
  const truncated: boolean[][] = []; // replies cut at max_tokens: their answers do not vote

  // Line 8: round 1 by the generation agents; lines 9-13: rounds 2..M by the critic agents.
  for (let m = 1; m <= rounds; m++) {
    const line = m === 1 ? 'line 8: the generation agents answer' : `lines 9-13: round ${m}, the critic agents answer again`;
    const round = await debateRound.executeWithOptions(inferenceOptions(settings.queues, `${line} (${split} question ${x.id})`), [{
      round: m,
      conversations,
      models: roundModels(agents, m, settings.critics),
      baseModel: settings.baseModel,
      summarize: settings.summarize,
      cooperative: settings.cooperative,
      critic: x.critic,
      sampling: settings.sampling,
      temperatures: settings.temperatures,
      replySeeds: seeds('agent', m),
      summarySeeds: seeds('summary', m),
      requestIdPrefix: requestId(`round${m}`),
    }]);
    conversations.forEach((conversation, n) => {
      if (round.feedback) conversation.push(round.feedback[n]);
      conversation.push({ role: 'assistant', content: round.replies[n] });
    });
    if (m >= 2 && settings.summarize) summaries.push(round.summaries);
    truncated.push(round.truncated);
  }

  let rationalization: Rationalization | null = null;
  if (settings.star && split === 'train') {
    rationalization = await rationalize({
      runId: settings.runId,
      task: settings.task,
      split,
      index,
      model: agents.generation[0],
      answer: conversations[0][1].content,
      sampling: { ...settings.sampling, temperature: settings.temperatures[0] },
      seed: seedFrom(settings.seed, settings.runId, iteration, split, index, 'rationalize'),
      requestId: requestId('rationalize'),
    });
  }

  // Line 14: ŷ = Majority(y_{M,1..N}); the transcript goes to the artifact store.
  return recordDebate({
    runId: settings.runId,
    iteration,
    split,
    questionId: x.id,
    task: settings.task,
    seed: settings.seed,
    agents,
    conversations,
    summaries,
    truncated,
    rationalization,
  });
}
