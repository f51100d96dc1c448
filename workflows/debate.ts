/**
 * One question's multiagent debate: Algorithm 1, lines 6-16 (and Algorithm 2's debate).
 * Round 1: each generation agent A^G_n answers x. Rounds 2..M: each critic agent A^C_n sees its own
 * conversation plus the other agents' previous answers, summarized for it by the base model or
 * verbatim, and answers again. ŷ is the majority of the last round's answers.
 */
import type { AgentTable } from '../core/agents';
import type { Split } from '../core/artifact-paths';
import type { RunConfig } from '../core/config';
import { seedFrom } from '../core/random';
import type { Conversation, DebateOutcome } from '../core/transcript';
import { inferenceActivities, localActivities } from './activity-proxies';

/** The parts of the run config a debate needs (kept small: it is stored in every child's history). */
export type DebateSettings = Pick<RunConfig, 'runId' | 'seed' | 'baseModel' | 'rounds' | 'summarize' | 'sampling' | 'queues'> & {
  task: string;
};

export interface DebateInput {
  settings: DebateSettings;
  iteration: number;
  split: Split;
  /** The question's position in its split. */
  index: number;
  agents: AgentTable;
}

export async function debate({ settings, iteration, split, index, agents }: DebateInput): Promise<DebateOutcome> {
  const { loadQuestion, recordDebate } = localActivities();
  const { debateRound } = inferenceActivities(settings.queues);
  // Every model call has its own sampling seed, so copies of one model still answer independently.
  const seeds = (kind: string, m: number) =>
    agents.generation.map((_, n) => seedFrom(settings.seed, settings.runId, iteration, split, index, kind, n, 'round', m));

  const x = await loadQuestion({ runId: settings.runId, split, index });
  const conversations: Conversation[] = agents.generation.map(() => [{ role: 'user', content: x.prompt }]);
  const summaries: string[][] = [];

  // Line 8: round 1 by the generation agents; lines 9-13: rounds 2..M by the critic agents.
  for (let m = 1; m <= settings.rounds; m++) {
    const round = await debateRound({
      round: m,
      conversations,
      models: m === 1 ? agents.generation : agents.critic,
      baseModel: settings.baseModel,
      summarize: settings.summarize,
      sampling: settings.sampling,
      replySeeds: seeds('agent', m),
      summarySeeds: seeds('summary', m),
      requestIdPrefix: `${settings.runId}/l${iteration}/${split}/q${index}/round${m}`,
    });
    conversations.forEach((conversation, n) => {
      if (round.feedback) conversation.push(round.feedback[n]);
      conversation.push({ role: 'assistant', content: round.replies[n] });
    });
    if (m >= 2 && settings.summarize) summaries.push(round.summaries);
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
  });
}
