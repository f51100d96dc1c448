/**
 * A society of two model families on two engines, one per base model: two simulators, sim-a and
 * sim-b, each serving (and training) only its own base (a call of the other's model is a 404 there).
 * Agents 1 and 3 are sim-a, agent 2 is sim-b: each engine receives only its own agents' calls (and
 * sim-a the summaries of the run's baseModel), scores replies for the diversity metrics, trains and loads only its own agents' adapters, and
 * both sleep and wake around the training (colocated). A society naming a model no engine serves
 * fails before anything starts, naming the agent and the model.
 */
import type { FineTuningJob } from 'openai/resources/fine-tuning/jobs/jobs';
import { runExecutions } from '../helpers/histories';
import { jobKey, runFailure, trainingJobs } from '../helpers/run-outcome';
import { simulatorSleepLog, simulatorState } from '../helpers/simulator-admin';
import { startStack, type Stack } from '../helpers/stack';
import { multiagentFinetuning } from '../../workflows';
import type { RunResult } from '../../workflows/run-types';

jest.setTimeout(120_000);

const TRAIN = 4;
const TEST = 3;
let stack: Stack;
const urls = () => stack.simulators!.map((sim) => `${sim.url}/v1`);

beforeAll(async () => {
  stack = await startStack({ baseModels: ['sim-a', 'sim-b'], simulator: { minTrainingMs: 200 } });
});
afterAll(() => stack?.stop());

describe('a mixed society on one engine per base model', () => {
  let result: RunResult;
  let jobs: FineTuningJob[][];

  beforeAll(async () => {
    const config = {
      runId: 'mixed',
      seed: 1,
      baseModel: 'sim-a',
      agents: 3,
      iterations: 1,
      task: { trainSize: TRAIN, testSize: TEST },
      criticMix: 0,
      colocated: true,
      society: [{}, { baseModel: 'sim-b' }, {}],
    };
    result = await stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-mixed', args: [{ config }] });
    jobs = await Promise.all(urls().map((url) => trainingJobs(url)));
  });

  it('completes, each agent finetuned from its own base', () => {
    expect(result.history).toHaveLength(1);
    expect(result.baseEvaluation?.total).toBe(TEST);
    expect(result.history[0].evaluation.total).toBe(TEST);
    expect(result.history[0].skipped).toEqual([]);
    // Every agent's model scored every reply on the engine of its base (NLL), the scoring model on sim-a.
    const diversity = result.history[0].diversity!;
    expect(diversity.unavailable).toEqual({});
    expect(diversity.nll).toEqual(expect.any(Number));
  });

  it('sent each engine only its own agents calls: agent 2 to sim-b, agents 1 and 3 and the summaries to sim-a', async () => {
    const [a, b] = await Promise.all(urls().map(simulatorState));
    const root = (state: typeof a, model: string) => state.models.find((m) => m.name === model)?.root;
    expect(Object.keys(a.chat.byModel).map((m) => root(a, m))).toEqual(Object.keys(a.chat.byModel).map(() => 'sim-a'));
    expect(Object.keys(b.chat.byModel).map((m) => root(b, m))).toEqual(Object.keys(b.chat.byModel).map(() => 'sim-b'));
    expect([a.chat.rejected, b.chat.rejected]).toEqual([0, 0]);
    // 10 debates (4 training, 3 of the base society, 3 of the finetuned one) of M = 2 rounds: one call
    // per agent and round, and in round 2 a summary (by sim-a, the run's baseModel) for each agent.
    const debates = TRAIN + 2 * TEST;
    expect(b.chat.turns).toEqual({ generation: debates, critic: debates, summary: 0 });
    expect(a.chat.turns).toEqual({ generation: 2 * debates, critic: 2 * debates, summary: 3 * debates });
    // The evaluation of the finetuned society: agent 2's adapters answered on sim-b.
    expect(b.chat.byModel[result.agents.generation[1]]).toBe(TEST);
    expect(b.chat.byModel[result.agents.critic[1]]).toBe(TEST);
    // The diversity metrics: agent 2's final-round model scored replies on sim-b (a call of it on sim-a
    // would be a 404 there, and NLL unavailable: the first test).
    expect(b.scoring.completions).toBeGreaterThan(0);
  });

  it('trained and loaded each adapter on the engine of its base only', async () => {
    const [a, b] = await Promise.all(urls().map(simulatorState));
    const loaded = (state: typeof a) =>
      state.models
        .filter((m) => m.parent !== null && m.servable)
        .map((m) => m.name)
        .sort();
    const { generation, critic } = result.agents;
    expect(loaded(a)).toEqual([generation[0], generation[2], critic[0], critic[2]].sort());
    expect(loaded(b)).toEqual([generation[1], critic[1]].sort());
    expect(jobs[0].map(jobKey).sort()).toEqual(['mixed/l1/critic/1', 'mixed/l1/critic/3', 'mixed/l1/generation/1', 'mixed/l1/generation/3']);
    expect(jobs[1].map(jobKey).sort()).toEqual(['mixed/l1/critic/2', 'mixed/l1/generation/2']);
    expect(jobs[1].map((j) => j.metadata?.maft_base_model)).toEqual(['sim-b', 'sim-b']);
  });

  it('put both engines to sleep for the training and woke them, no call meeting a sleeping engine', async () => {
    for (const url of urls()) {
      const { events, refused, aborted } = await simulatorSleepLog(url);
      expect(events.filter((e) => e.changed).map((e) => e.event)).toEqual(['sleep', 'wake']);
      expect([refused, aborted]).toEqual([0, 0]);
    }
  });
});

describe('a society naming a base model no engine serves', () => {
  it('fails before anything starts, naming the agent and the model', async () => {
    const before = await Promise.all(urls().map(simulatorState));
    const config = {
      runId: 'unserved',
      baseModel: 'sim-a',
      agents: 3,
      iterations: 1,
      task: { trainSize: 4, testSize: 2 },
      society: [{}, { baseModel: 'gemma-3-270m-it' }, {}],
    };
    const { root } = await runFailure(stack.client, config);
    expect([root.type, root.nonRetryable]).toEqual(['InvalidConfig', true]);
    expect(root.message).toBe(
      'invalid run config: no inference engine serves these models:\n  society[1].baseModel (agent 2): "gemma-3-270m-it" is served by no engine (engines: sim-a serves sim-a; sim-b serves sim-b)',
    );
    const executions = await runExecutions(stack.client, 'unserved');
    expect(executions.map((e) => e.workflowId)).toEqual(['maft-unserved']); // no debate started
    const after = await Promise.all(urls().map(simulatorState));
    expect(after.map((s) => s.chat.requests)).toEqual(before.map((s) => s.chat.requests));
  });
});
