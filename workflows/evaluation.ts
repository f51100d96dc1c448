/**
 * Algorithm 2 on the held-out split, inside the run: every test question is debated by the given
 * society through the run's debate lanes (after the training split's debates, which are on the
 * critical path), the majority ŷ is compared with the reference answer (accuracy ± standard error),
 * the society's diversity is measured on the same debates, and the record is stored for reports.
 * An evaluation the run already recorded (a resumed run) is returned as recorded, not redone.
 */
import type { AgentTable } from '../core/agents';
import type { RunConfig } from '../core/config';
import type { DiversityMetrics } from '../core/diversity/types';
import type { MethodPlan } from '../core/methods';
import { evaluationRecord } from '../core/run-records';
import type { Semaphore } from '../core/semaphore';
import { firstAgents } from '../core/society';
import type { Accuracy } from '../core/stats';
import type { QueueActivities } from './activity-proxies';
import type { DebateSettings } from './debate';
import { debateSplit } from './debate-split';

export interface Evaluation {
  /** The run's activity stubs (built once by the run's workflow). */
  activities: QueueActivities;
  config: RunConfig;
  plan: MethodPlan;
  settings: DebateSettings;
  /** 0 evaluates the base agents; l evaluates the agents after finetuning iteration l. */
  iteration: number;
  agents: AgentTable;
  /** The test split's question ids, in order. */
  questionIds: string[];
  lanes: Semaphore;
  /** Called as each test debate finishes (progress counters). */
  onDebated: () => void;
}

export interface EvaluationOutcome {
  accuracy: Accuracy;
  /** The society's diversity on these debates (docs/diversity.md); null when not measured. */
  diversity: DiversityMetrics | null;
}

export async function evaluation({
  activities,
  config,
  plan,
  settings,
  iteration,
  agents: society,
  questionIds,
  lanes,
  onDebated,
}: Evaluation): Promise<EvaluationOutcome> {
  const { light, inference } = activities;
  const recorded = await light.recordedEvaluation({ runId: config.runId, iteration });
  if (recorded) {
    const { correct, total, accuracy, standardError, diversity } = recorded;
    return { accuracy: { correct, total, accuracy, standardError }, diversity };
  }
  const agents = firstAgents(society, plan.evaluationAgents);
  await debateSplit({ settings, iteration, split: 'test', questionIds, rounds: plan.evaluationRounds, agents, lanes, onDebated });
  const accuracy = await light.scoreEvaluation({ runId: config.runId, iteration, task: config.task.name });
  // Appendix C on the final round of these debates, for a society of N >= 2 (one model playing every agent for Single-agent FT).
  const measured = config.diversity.measure && agents.generation.length >= 2;
  const diversity = measured
    ? await inference.measureDiversity({
        runId: config.runId,
        iteration,
        split: 'test',
        agents,
        baseModels: settings.baseModels,
        critics: settings.critics,
        singleModel: plan.finetune === 'shared',
        scoringModel: config.diversity.scoringModel,
        limit: config.diversity.questions,
      })
    : null;
  await light.recordEvaluation(evaluationRecord(config, iteration, accuracy, diversity));
  return { accuracy, diversity };
}
