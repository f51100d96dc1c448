/**
 * Algorithm 2 on the held-out split: every test question is debated by the given agents and the
 * majority ŷ is compared with the reference answer. Returns accuracy ± standard error.
 */
import { defineQuery, setHandler } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import type { DiversityMetrics } from '../core/diversity/types';
import type { Accuracy } from '../core/stats';
import { inferenceActivities, lightActivities } from './activity-proxies';
import type { DebateSettings } from './debate';
import { debateSplit } from './debate-split';

export interface EvaluateInput {
  settings: DebateSettings;
  /** 0 evaluates the base agents; l evaluates the agents after finetuning iteration l. */
  iteration: number;
  agents: AgentTable;
  rounds: number;
  /** The test split's question ids, in order. */
  questionIds: string[];
  maxConcurrentDebates: number;
  /** Measure the society's diversity on these debates (N >= 2), on at most `questions` of them, C.2 and C.3
   * under `scoringModel`; `singleModel`: one model plays every agent (docs/diversity.md). */
  diversity: { measure: boolean; questions?: number; scoringModel: string; singleModel: boolean };
}

export interface EvaluationOutcome {
  accuracy: Accuracy;
  diversity: DiversityMetrics | null;
}

export const evaluationProgressQuery = defineQuery<{ questionsDone: number; questionsTotal: number }>('progress');

export async function evaluate(input: EvaluateInput): Promise<EvaluationOutcome> {
  const { settings, iteration, agents } = input;
  let questionsDone = 0;
  setHandler(evaluationProgressQuery, () => ({ questionsDone, questionsTotal: input.questionIds.length }));

  await debateSplit({
    settings,
    iteration,
    split: 'test',
    questionIds: input.questionIds,
    rounds: input.rounds,
    agents,
    fanOut: input.maxConcurrentDebates,
    onDebated: () => questionsDone++,
  });
  const accuracy = await lightActivities(settings.queues).scoreEvaluation({ runId: settings.runId, iteration, task: settings.task });
  const measured = input.diversity.measure && agents.generation.length >= 2;
  const diversity = measured
    ? await inferenceActivities(settings.queues).measureDiversity({
        runId: settings.runId,
        iteration,
        split: 'test',
        agents,
        critics: settings.critics,
        singleModel: input.diversity.singleModel,
        scoringModel: input.diversity.scoringModel,
        limit: input.diversity.questions,
      })
    : null;
  return { accuracy, diversity };
}
