/**
 * Algorithm 2 on the held-out split: every test question is debated by the given agents and the
 * majority ŷ is compared with the reference answer. Returns accuracy ± standard error.
 */
import { defineQuery, executeChild, setHandler } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import { mapBounded } from '../core/bounded';
import type { DiversityMetrics } from '../core/diversity/types';
import type { Accuracy } from '../core/stats';
import { inferenceActivities, lightActivities } from './activity-proxies';
import { debate, type DebateSettings } from './debate';
import { workflowIds } from './ids';

export interface EvaluateInput {
  settings: DebateSettings;
  /** 0 evaluates the base agents; l evaluates the agents after finetuning iteration l. */
  iteration: number;
  agents: AgentTable;
  rounds: number;
  questions: number;
  maxConcurrentDebates: number;
  /** Measure the society's diversity on these debates (N >= 2), on at most `questions` of them. */
  diversity: { measure: boolean; questions?: number };
}

export interface EvaluationOutcome {
  accuracy: Accuracy;
  diversity: DiversityMetrics | null;
}

export const evaluationProgressQuery = defineQuery<{ questionsDone: number; questionsTotal: number }>('progress');

export async function evaluate(input: EvaluateInput): Promise<EvaluationOutcome> {
  const { settings, iteration, agents } = input;
  let questionsDone = 0;
  setHandler(evaluationProgressQuery, () => ({ questionsDone, questionsTotal: input.questions }));

  const indices = Array.from({ length: input.questions }, (_, i) => i);
  await mapBounded(indices, input.maxConcurrentDebates, async (index) => {
    await executeChild(debate, {
      workflowId: workflowIds.debate(settings.runId, iteration, 'test', index),
      args: [{ settings, iteration, split: 'test', index, rounds: input.rounds, agents }],
    });
    questionsDone++;
  });
  const accuracy = await lightActivities(settings.queues).scoreEvaluation({ runId: settings.runId, iteration, task: settings.task });
  const measured = input.diversity.measure && agents.generation.length >= 2;
  const diversity = measured
    ? await inferenceActivities(settings.queues).measureDiversity({ runId: settings.runId, iteration, split: 'test', agents, limit: input.diversity.questions })
    : null;
  return { accuracy, diversity };
}
