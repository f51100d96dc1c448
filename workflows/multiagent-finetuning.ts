/**
 * Multiagent Finetuning, Algorithm 1 of arXiv 2501.05707, and the paper's baselines as plans of the
 * same blocks (core/methods.ts). Each workflow run performs one iteration l and continues as new for
 * the next, so histories stay small however long the run; a resumed run starts from the input of its
 * last execution and reuses the debates, datasets and training jobs that execution finished.
 */
import { ApplicationFailure, continueAsNew, defineQuery, executeChild, setHandler } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import { ConfigError, parseRunConfig, type RunConfig } from '../core/config';
import { methodLabel, methodPlan, type MethodPlan } from '../core/methods';
import { evaluationRecord } from '../core/run-records';
import { debateFanOut } from '../core/sizing';
import { agentRecipes, firstAgents, initialSociety } from '../core/society';
import { trainingTargets } from '../core/training-targets';
import { lightActivities, inferenceActivities, trainingActivities, trainingOptions } from './activity-proxies';
import type { DebateSettings } from './debate';
import { debateSplit } from './debate-split';
import { evaluate } from './evaluate';
import { workflowIds } from './ids';
import type { MultiagentFinetuningInput, Phase, Progress, RunResult, RunState } from './run-types';
import { markRun } from './search-attributes';

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
  const of = finetunes ? `iteration ${l} of ${config.iterations}` : methodLabel(config);
  /** Moves the run to a phase: the progress query, the MaftPhase search attribute, the UI's current details. */
  const enter = (phase: Phase, details: string) => {
    progress.phase = phase;
    markRun(config.searchAttributes, { phase }, `${of}: ${details}`);
  };
  markRun(config.searchAttributes, {
    runId: config.runId,
    method: methodLabel(config),
    task: config.task.name,
    experiment: config.experiment,
    iteration: l,
    phase: 'starting',
  });

  const light = lightActivities(config.queues);
  const fanOut = config.maxConcurrentDebates ?? debateFanOut(config.inferenceCapacity, plan.agents);
  const splits = await light.prepareTask({ runId: config.runId, seed: config.splitSeed ?? config.seed, task: config.task });

  const runEvaluation = async (iteration: number, agents: AgentTable) => {
    enter('evaluate', `Algorithm 2 on ${splits.test.length} test questions`);
    progress.evaluationWorkflowId = workflowIds.evaluation(config.runId, iteration);
    const outcome = await executeChild(evaluate, {
      workflowId: progress.evaluationWorkflowId,
      staticSummary: `Algorithm 2 on ${iteration === 0 ? 'the base society' : `the society after iteration ${iteration}`}: ${splits.test.length} test questions`,
      args: [{ settings, iteration, agents: firstAgents(agents, plan.evaluationAgents), rounds: plan.evaluationRounds, questionIds: splits.test, maxConcurrentDebates: fanOut, diversity: { ...config.diversity, singleModel: plan.finetune === 'shared' } }],
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
  enter('debate', `lines 6-16, debating ${splits.train.length} training questions`);
  progress.questionsTotal = splits.train.length;
  await debateSplit({
    settings,
    iteration: l,
    split: 'train',
    questionIds: splits.train,
    rounds: plan.trainingRounds,
    agents: state.agents,
    fanOut,
    onDebated: () => progress.questionsDone++,
  });

  // Lines 18-26: D^G_n, D^C-_n, D^C+_n and the w-mix D^C_n, built from the stored transcripts.
  enter('datasets', 'lines 18-26, building the finetuning datasets');
  const datasets = await light.buildFinetuningData({
    runId: config.runId,
    iteration: l,
    task: config.task.name,
    agents: plan.agents,
    plan,
    criticMix: agentRecipes(config, plan.agents).map((r) => r.criticMix),
    criticMixRule: config.criticMixRule,
    criticTurns: config.training.criticTurns,
    seed: config.seed,
  });

  // Lines 27-28: finetune the agents in parallel, each from its iteration l-1 model (warm start).
  const { targets, skipped } = trainingTargets(config, plan, l, state.agents, datasets);
  enter('finetune', `lines 27-28, finetuning ${targets.map((t) => t.label).join(', ') || 'no agent (every dataset is empty)'}`);
  const agents: AgentTable = { generation: [...state.agents.generation], critic: [...state.agents.critic] };
  const { finetune } = trainingActivities(config.queues);
  const { publishAdapter } = inferenceActivities(config.queues);
  progress.trainingTotal = targets.length;
  await Promise.all(
    targets.map(async (t) => {
      const { jobKey, model, trainingFile, suffix, epochs, learningRate, weightDecay, lora } = t;
      const { batchSize, method } = config.training;
      const summary = `lines 27-28: finetune ${t.label} from ${model} on ${trainingFile}`;
      const result = await finetune.executeWithOptions(trainingOptions(config.queues, summary), [
        { jobKey, model, trainingFile, suffix, epochs, learningRate, weightDecay, lora, batchSize, method },
      ]);
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
  markRun(config.searchAttributes, { phase: 'done' }, 'done');
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
