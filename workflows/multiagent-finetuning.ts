/**
 * Multiagent Finetuning, Algorithm 1 of arXiv 2501.05707, and the paper's baselines as plans of the
 * same blocks (core/methods.ts). Each workflow run performs one iteration l and continues as new for
 * the next, so histories stay small however long the run; a resumed run starts from the input of its
 * last execution and reuses the debates, datasets, training jobs and evaluations that execution
 * finished.
 *
 * Pipelined iterations (config `pipelining`, docs/architecture.md): Algorithm 2 on the society of
 * iteration l-1 (the base society before iteration 1) runs beside iteration l, whose debates start
 * from that same society and never wait for its accuracy. Both splits' debates share one bounded
 * fan-out, the training split's first; the last run evaluates the final society after it.
 *
 * The body is the algorithm's steps; what the run shows of itself (progress query, search
 * attributes, UI details) is RunProgress's (workflows/run-progress.ts).
 */
import { ApplicationFailure, continueAsNew } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import { ConfigError, parseRunConfig, type RunConfig } from '../core/config';
import { methodPlan, type MethodPlan } from '../core/methods';
import { Semaphore } from '../core/semaphore';
import { debateFanOut } from '../core/sizing';
import { agentBaseModels, agentRecipes, initialSociety } from '../core/society';
import { trainingTargets } from '../core/training-targets';
import { queueActivities, type QueueActivities } from './activity-proxies';
import type { DebateSettings } from './debate';
import { debateSplit } from './debate-split';
import { checkEngines } from './engine-check';
import { evaluation, type EvaluationOutcome } from './evaluation';
import { finetuneAgents } from './finetune-agents';
import type { MultiagentFinetuningInput, RunResult, RunState } from './run-types';
import { RunProgress } from './run-progress';

export { progressQuery } from './run-progress';

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
  const activities = queueActivities(config.queues);
  const { light, inference } = activities;
  // Lines 1-2: every agent starts as a copy of the base model (its own, in a heterogeneous society).
  const state: RunState = input.state ?? { iteration: 1, agents: initialSociety(config, plan), baseEvaluation: null, history: [], trained: null };
  const l = state.iteration;
  const finetunes = plan.finetune !== 'none';
  const progress = new RunProgress(config, state, finetunes);

  // Before line 1: the inference engines serve every model the run calls (each agent's base among them).
  await checkEngines(inference, config, plan);
  const lanes = new Semaphore(config.maxConcurrentDebates ?? debateFanOut(config.inferenceCapacity, plan.agents));
  const splits = await light.prepareTask({ runId: config.runId, seed: config.splitSeed ?? config.seed, task: config.task });
  // Colocated, an earlier execution may have stopped while the engine slept (lines 27-28): wake it.
  if (config.colocated) await inference.wakeEngine();

  /** Algorithm 2 on the society after `iteration`, through the run's debate lanes. */
  const evaluate = (iteration: number, agents: AgentTable): Promise<EvaluationOutcome> =>
    evaluation({
      activities,
      config,
      plan,
      settings,
      iteration,
      agents,
      questionIds: splits.test,
      lanes,
      onDebated: progress.evaluating(iteration, splits.test.length),
    });

  if (!finetunes) {
    // A method that does not finetune: its whole result is Algorithm 2 on the base agents.
    progress.awaitingEvaluation(null, splits.test.length);
    state.baseEvaluation = (await evaluate(0, state.agents)).accuracy;
    progress.evaluated(state.baseEvaluation);
    return finish(light, config, state, progress);
  }

  // Algorithm 2 on the society iteration l starts from, beside iteration l (before it, pipelining off).
  const awaiting = awaitingEvaluation(config, state);
  const evaluatedBeside = awaiting === null ? null : evaluateInto(state, progress, awaiting, evaluate);
  evaluatedBeside?.catch(() => undefined); // observed when awaited below; a failure must not go unhandled meanwhile
  if (awaiting !== null && !config.pipelining) {
    progress.awaitingEvaluation(awaiting, splits.test.length);
    await evaluatedBeside;
  }

  // Line 4: for l = 1..L (this run is iteration l). Lines 6-16: debate every training question x.
  const onDebated = progress.debating(splits.train.length);
  await debateSplit({ settings, iteration: l, split: 'train', questionIds: splits.train, rounds: plan.trainingRounds, agents: state.agents, lanes, onDebated });

  // Lines 18-26: D^G_n, D^C-_n, D^C+_n and the w-mix D^C_n, built from the stored transcripts.
  progress.buildingDatasets();
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
  // Colocated, the engine sleeps meanwhile, so the evaluation beside must finish first.
  const { targets, skipped } = trainingTargets(config, plan, l, state.agents, datasets);
  if (config.colocated) await evaluatedBeside;
  const onTrained = progress.finetuning(targets.map((t) => t.label));
  const agents = await finetuneAgents(activities, config, targets, state.agents, onTrained);
  await evaluatedBeside;

  // Line 30: the finetuned agents are the society of the next iteration (line 4: continue as new).
  state.agents = agents;
  state.trained = { iteration: l, datasets, agents, skipped };
  if (l < config.iterations) {
    await continueAsNew<typeof multiagentFinetuning>({ config, state: { ...state, iteration: l + 1 } });
  }
  // Line 31 after the last iteration: Algorithm 2 on the final society.
  progress.awaitingEvaluation(l, splits.test.length);
  await evaluateInto(state, progress, l, evaluate);
  return finish(light, config, state, progress);
}

/**
 * The iteration whose society this run starts from and Algorithm 2 has not yet evaluated: l-1, or
 * 0 (the base society) before iteration 1 with evaluateBase, so every iteration has a reference point.
 */
function awaitingEvaluation(config: RunConfig, state: RunState): number | null {
  if (state.trained) return state.trained.iteration;
  return state.iteration === 1 && config.evaluateBase && state.baseEvaluation === null ? 0 : null;
}

/** Algorithm 2 on the society after `iteration` (state.trained's, or the base agents for 0), its outcome kept in the run's state. */
async function evaluateInto(
  state: RunState,
  progress: RunProgress,
  iteration: number,
  evaluate: (iteration: number, agents: AgentTable) => Promise<EvaluationOutcome>,
): Promise<void> {
  const trained = iteration === 0 ? null : state.trained!;
  const { accuracy, diversity } = await evaluate(iteration, trained ? trained.agents : state.agents);
  if (trained) {
    state.history = [...state.history, { ...trained, evaluation: accuracy, diversity }];
    state.trained = null;
  } else {
    state.baseEvaluation = accuracy;
  }
  progress.evaluated(accuracy);
}

async function finish(light: QueueActivities['light'], config: RunConfig, state: RunState, progress: RunProgress): Promise<RunResult> {
  const result: RunResult = { runId: config.runId, config, agents: state.agents, baseEvaluation: state.baseEvaluation, history: state.history };
  await light.recordRunResult(result);
  progress.done();
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
    baseModels: agentBaseModels(config, plan),
  };
}
