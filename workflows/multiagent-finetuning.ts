/**
 * Multiagent Finetuning, Algorithm 1 of arXiv 2501.05707. Each workflow run performs one
 * iteration l and continues as new for the next, so histories stay small however long the run.
 */
import { ApplicationFailure, continueAsNew, defineQuery, executeChild, setHandler } from '@temporalio/workflow';
import { adapterName, initialAgents, trainingJobKey, type AgentTable, type Role } from '../core/agents';
import { artifactPaths } from '../core/artifact-paths';
import { mapBounded } from '../core/bounded';
import { ConfigError, parseRunConfig, type RunConfig } from '../core/config';
import type { DatasetSizes } from '../core/datasets';
import { debateFanOut } from '../core/sizing';
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
  const settings: DebateSettings = { ...pickDebateSettings(config), task: config.task.name };
  // Lines 1-2: every agent starts as a copy of the base model.
  const state: RunState = input.state ?? { iteration: 1, agents: initialAgents(config.baseModel, config.agents), baseEvaluation: null, history: [] };
  const l = state.iteration;
  const progress: Progress = {
    runId: config.runId,
    iteration: l,
    iterations: config.iterations,
    phase: 'starting',
    questionsDone: 0,
    questionsTotal: config.task.trainSize,
    trainingDone: 0,
    trainingTotal: 0,
    latestAccuracy: state.history.at(-1)?.evaluation ?? state.baseEvaluation,
    evaluationWorkflowId: null,
    history: state.history,
    baseEvaluation: state.baseEvaluation,
  };
  setHandler(progressQuery, () => progress);

  const light = lightActivities(config.queues);
  const fanOut = config.maxConcurrentDebates ?? debateFanOut(config.inferenceCapacity, config.agents);
  const splits = await light.prepareTask({
    runId: config.runId,
    task: config.task.name,
    seed: config.seed,
    trainSize: config.task.trainSize,
    testSize: config.task.testSize,
  });

  const runEvaluation = async (iteration: number, agents: AgentTable) => {
    progress.phase = 'evaluate';
    progress.evaluationWorkflowId = workflowIds.evaluation(config.runId, iteration);
    const accuracy = await executeChild(evaluate, {
      workflowId: progress.evaluationWorkflowId,
      args: [{ settings, iteration, agents, questions: splits.test, maxConcurrentDebates: fanOut }],
    });
    progress.latestAccuracy = accuracy;
    return accuracy;
  };

  // Algorithm 2 on the base agents, so every iteration has a reference point.
  if (l === 1 && config.evaluateBase && state.baseEvaluation === null) {
    state.baseEvaluation = progress.baseEvaluation = await runEvaluation(0, state.agents);
  }

  // Line 4: for l = 1..L (this run is iteration l). Lines 6-16: debate every training question x.
  progress.phase = 'debate';
  progress.questionsTotal = splits.train;
  const indices = Array.from({ length: splits.train }, (_, i) => i);
  await mapBounded(indices, fanOut, async (index) => {
    await executeChild(debate, {
      workflowId: workflowIds.debate(config.runId, l, 'train', index),
      args: [{ settings, iteration: l, split: 'train', index, agents: state.agents }],
    });
    progress.questionsDone++;
  });

  // Lines 18-26: D^G_n, D^C-_n, D^C+_n and the w-mix D^C_n, built from the stored transcripts.
  progress.phase = 'datasets';
  const datasets = await light.buildFinetuningData({
    runId: config.runId,
    iteration: l,
    agents: config.agents,
    criticMix: config.criticMix,
    criticTurns: config.training.criticTurns,
    seed: config.seed,
  });

  // Lines 27-28: finetune the 2N agents in parallel, each from its iteration l-1 model (warm start).
  progress.phase = 'finetune';
  const { agents, skipped } = await finetuneSociety(config, l, state.agents, datasets, progress);

  // Lines 30-31: the finetuned agents are the society of the next iteration; evaluate them.
  const evaluation = await runEvaluation(l, agents);
  const history = [...state.history, { iteration: l, datasets, agents, skipped, evaluation }];

  if (l < config.iterations) {
    await continueAsNew<typeof multiagentFinetuning>({
      config,
      state: { iteration: l + 1, agents, baseEvaluation: state.baseEvaluation, history },
    });
  }
  progress.phase = 'done';
  progress.history = history;
  return { runId: config.runId, config, agents, baseEvaluation: state.baseEvaluation, history };
}

function pickDebateSettings(config: RunConfig): Omit<DebateSettings, 'task'> {
  const { runId, seed, baseModel, rounds, summarize, sampling, queues } = config;
  return { runId, seed, baseModel, rounds, summarize, sampling, queues };
}

/** Trains every agent whose dataset is not empty and publishes its adapter; the rest keep their model. */
async function finetuneSociety(
  config: RunConfig,
  l: number,
  current: AgentTable,
  datasets: DatasetSizes,
  progress: Progress,
): Promise<{ agents: AgentTable; skipped: string[] }> {
  const { finetune } = trainingActivities(config.queues);
  const { publishAdapter } = inferenceActivities(config.queues);
  const roles: Role[] = config.rounds >= 2 ? ['generation', 'critic'] : ['generation'];
  const next: AgentTable = { generation: [...current.generation], critic: [...current.critic] };
  const skipped: string[] = [];
  const jobs: Array<Promise<void>> = [];

  for (const role of roles) {
    for (let n = 0; n < config.agents; n++) {
      if (datasets[role][n] === 0) {
        skipped.push(`${role} ${n + 1}`); // an empty dataset: the agent keeps its weights
        continue;
      }
      const hyper = config.training[role];
      jobs.push(
        (async () => {
          const result = await finetune({
            jobKey: trainingJobKey(config.runId, l, role, n),
            model: current[role][n],
            trainingFile: artifactPaths.dataset(config.runId, l, role, n),
            suffix: adapterName(config.runId, l, role, n),
            epochs: hyper.epochs,
            learningRate: hyper.learningRate,
            batchSize: config.training.batchSize,
            method: config.training.method,
            lora: config.training.lora,
          });
          await publishAdapter({ name: result.fineTunedModel });
          next[role][n] = result.fineTunedModel;
          progress.trainingDone++;
        })(),
      );
    }
  }
  progress.trainingTotal = jobs.length;
  await Promise.all(jobs);
  return { agents: next, skipped };
}
