/**
 * Algorithm 1, lines 27-28: finetune the agents in parallel, each from its iteration l-1 model (warm
 * start), then publish each new adapter to the inference engine of its base model. Colocated (engine and trainer on
 * one GPU), the engine sleeps while the agents train and gives the trainer its memory; it wakes
 * before the adapters are published, also when the run is cancelled meanwhile (a run that stopped
 * otherwise wakes it when it resumes: multiagent-finetuning.ts).
 */
import { CancellationScope } from '@temporalio/workflow';
import type { AgentTable } from '../core/agents';
import type { RunConfig } from '../core/config';
import type { TrainingTarget } from '../core/training-targets';
import { trainingOptions, type QueueActivities } from './activity-proxies';

export async function finetuneAgents(
  { training, inference: engine }: QueueActivities,
  config: RunConfig,
  targets: TrainingTarget[],
  current: AgentTable,
  onTrained: () => void,
): Promise<AgentTable> {
  const { batchSize, method } = config.training;
  const agents: AgentTable = { generation: [...current.generation], critic: [...current.critic] };
  const train = async (t: TrainingTarget): Promise<string> => {
    const { jobKey, model, baseModel, trainingFile, suffix, epochs, learningRate, weightDecay, lora } = t;
    const summary = `lines 27-28: finetune ${t.label} from ${model} on ${trainingFile}`;
    const result = await training.finetune.executeWithOptions(trainingOptions(config.queues, summary), [
      { jobKey, model, baseModel, trainingFile, suffix, epochs, learningRate, weightDecay, lora, batchSize, method },
    ]);
    onTrained();
    return result.fineTunedModel;
  };
  const publish = async (t: TrainingTarget, model: string): Promise<void> => {
    await engine.publishAdapter({ name: model, baseModel: t.baseModel }); // to the engine of its base
    for (const { role, n } of t.slots) agents[role][n] = model;
  };

  if (!config.colocated || targets.length === 0) {
    // Each adapter is published as soon as it is trained: an adapter the engine refuses fails the run early.
    await Promise.all(targets.map(async (t) => publish(t, await train(t))));
    return agents;
  }
  await engine.sleepEngine();
  let models: string[];
  try {
    models = await Promise.all(targets.map(train));
  } finally {
    await CancellationScope.nonCancellable(() => engine.wakeEngine());
  }
  await Promise.all(targets.map((t, i) => publish(t, models[i])));
  return agents;
}
