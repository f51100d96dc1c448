/**
 * Multiagent Finetuning, Algorithm 1 of arXiv 2501.05707, and the paper's baselines as plans of the
 * same blocks (core/methods.ts). Each workflow run performs one iteration l and continues as new for
 * the next, so histories stay small however long the run; a resumed run starts from the input of its
 * last execution and reuses the debates, datasets and training jobs that execution finished.
 */
import { ApplicationFailure, continueAsNew, defineQuery, executeChild, setHandler } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import { mapBounded } from '../core/bounded';
import { ConfigError, parseRunConfig, type RunConfig } from '../core/config';
import { methodPlan, type MethodPlan } from '../core/methods';
import { evaluationRecord } from '../core/run-records';
import { debateFanOut } from '../core/sizing';
import { agentRecipes, initialSociety } from '../core/society';
import { trainingTargets } from '../core/training-targets';
import { lightActivities, inferenceActivities, trainingActivities } from './activity-proxies';
import { debate, type DebateSettings } from './debate';
import { evaluate } from './evaluate';
import { workflowIds } from './ids';
import type { MultiagentFinetuningInput, Progress, RunResult, RunState } from './run-types';

export const progressQuery = defineQuery<Progress>('progress');

function validConfig(input: MultiagentFinetuningInput): RunConfig {
  try {
    return parseRunConfig(input.config, 'in workflow input');
  } catch (error) {
    if (error instanceof ConfigError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidConfig');
    throw error;
  }
}

export async function multiagentFinetuning(input: MultiagentFinetuningInput): Promise<RunResult> {
  const config = validConfig(input);
  const plan = methodPlan(config);
  const settings = debateSettings(config, plan);
  // Lines 1-2: every agent starts as a copy of the base model (its own, in a heterogeneous society).
  const state: RunState = input.state ?? { iteration: 1, agents: initialSociety(config, plan), baseEvaluation: null, history: [] };
  const l = state.iteration;
  const finetunes = plan.finetune !== 'none';
  const progress: Progress = {
    runId: config.runId,
    iteration: l,
    iterations: finetunes ? config.iterations : 0,
    phase: 'starting',
    questionsDone: 0,
    questionsTotal: 0,
    trainingDone: 0,
    trainingTotal: 0,
    latestAccuracy: state.history.at(-1)?.evaluation ?? state.baseEvaluation,
    evaluationWorkflowId: null,
    history: state.history,
    baseEvaluation: state.baseEvaluation,
  };
  setHandler(progressQuery, () => progress);

  const light = lightActivities(config.queues);
  const fanOut = config.maxConcurrentDebates ?? debateFanOut(config.inferenceCapacity, plan.agents);
  const splits = await light.prepareTask({ runId: config.runId, seed: config.splitSeed ?? config.seed, task: config.task });

  const runEvaluation = async (iteration: number, agents: AgentTable) => {
    progress.phase = 'evaluate';
    progress.evaluationWorkflowId = workflowIds.evaluation(config.runId, iteration);
    const outcome = await executeChild(evaluate, {
      workflowId: progress.evaluationWorkflowId,
      args: [{ settings, iteration, agents, rounds: plan.evaluationRounds, questions: splits.test, maxConcurrentDebates: fanOut, diversity: config.diversity }],
    });
    progress.latestAccuracy = outcome.accuracy;
    await light.recordEvaluation(evaluationRecord(config, iteration, outcome.accuracy, outcome.diversity));
    return outcome;
  };

  // Algorithm 2 on the base agents, so every iteration has a reference point (and the whole result
  // of a method that does not finetune).
  if (l === 1 && (config.evaluateBase || !finetunes) && state.baseEvaluation === null) {
    state.baseEvaluation = progress.baseEvaluation = (await runEvaluation(0, state.agents)).accuracy;
  }
  if (!finetunes) return finish(config, state, progress, light);

  // Line 4: for l = 1..L (this run is iteration l). Lines 6-16: debate every training question x.
  progress.phase = 'debate';
  progress.questionsTotal = splits.train;
  const indices = Array.from({ length: splits.train }, (_, i) => i);
  await mapBounded(indices, fanOut, async (index) => {
    await executeChild(debate, {
      workflowId: workflowIds.debate(config.runId, l, 'train', index),
      args: [{ settings, iteration: l, split: 'train', index, rounds: plan.trainingRounds, agents: state.agents }],
    });
    progress.questionsDone++;
  });

  // Lines 18-26: D^G_n, D^C-_n, D^C+_n and the w-mix D^C_n, built from the stored transcripts.
  progress.phase = 'datasets';
  const datasets = await light.buildFinetuningData({
    runId: config.runId,
    iteration: l,
    task: config.task.name,
    agents: plan.agents,
    plan,
    criticMix: agentRecipes(config, plan.agents).map((r) => r.criticMix),
    criticTurns: config.training.criticTurns,
    seed: config.seed,
  });

  // Lines 27-28: finetune the agents in parallel, each from its iteration l-1 model (warm start).
  progress.phase = 'finetune';
  const { targets, skipped } = trainingTargets(config, plan, l, state.agents, datasets);
  const agents: AgentTable = { generation: [...state.agents.generation], critic: [...state.agents.critic] };
  const { finetune } = trainingActivities(config.queues);
  const { publishAdapter } = inferenceActivities(config.queues);
  progress.trainingTotal = targets.length;
  await Promise.all(
    targets.map(async (t) => {
      const { jobKey, model, trainingFile, suffix, epochs, learningRate, lora } = t;
      const { batchSize, method } = config.training;
      const result = await finetune({ jobKey, model, trainingFile, suffix, epochs, learningRate, lora, batchSize, method });
      await publishAdapter({ name: result.fineTunedModel });
      for (const { role, n } of t.slots) agents[role][n] = result.fineTunedModel;
      progress.trainingDone++;
    }),
  );

  // Lines 30-31: the finetuned agents are the society of the next iteration; evaluate them.
  const { accuracy: evaluation, diversity } = await runEvaluation(l, agents);
  state.history = [...state.history, { iteration: l, datasets, agents, skipped, evaluation, diversity }];
  state.agents = agents;

  if (l < config.iterations) {
    await continueAsNew<typeof multiagentFinetuning>({ config, state: { ...state, iteration: l + 1 } });
  }
  return finish(config, state, progress, light);
}

async function finish(config: RunConfig, state: RunState, progress: Progress, light: ReturnType<typeof lightActivities>): Promise<RunResult> {
  const result: RunResult = { runId: config.runId, config, agents: state.agents, baseEvaluation: state.baseEvaluation, history: state.history };
  await light.recordRunResult(result);
  progress.phase = 'done';
  progress.history = state.history;
  return result;
}

function debateSettings(config: RunConfig, plan: MethodPlan): DebateSettings {
  const { runId, seed, baseModel, summarize, sampling, queues, cooperative, agentIds } = config;
  return {
    runId,
    seed,
    baseModel,
    summarize,
    sampling,
    queues,
    cooperative,
    agentIds,
    task: config.task.name,
    temperatures: agentRecipes(config, plan.agents).map((r) => r.sampling.temperature),
    critics: plan.critics,
    star: plan.data === 'star',
  };
}
