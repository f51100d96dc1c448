/**
 * One engine of a mixed society goes away mid-run and comes back: two simulators, one per base model
 * (agents 1 and 3 on sim-a, agent 2 on sim-b); sim-b is shut down (its connections cut) while the
 * training split is debated, and started again on its port 1.5 s later. The debates that called it
 * are retried as any failed model call is, and the run ends exactly as a clean run of the same config
 * on two engines does; agent 2's training and adapters are on the restarted engine.
 */
import { startSimulator, type Simulator } from '../../../simulator/server';
import { multiagentFinetuning } from '../../../workflows';
import { EventType, runExecutions } from '../../helpers/histories';
import { expectCleanOutcome, jobKey, storedTranscripts, trainingJobs, type RunOutcome } from '../../helpers/run-outcome';
import { simulatorState } from '../../helpers/simulator-admin';
import { startStack } from '../../helpers/stack';

jest.setTimeout(120_000);

const config = {
  runId: 'engine-kill',
  seed: 3,
  baseModel: 'sim-a',
  agents: 3,
  iterations: 1,
  task: { trainSize: 8, testSize: 3 },
  maxConcurrentDebates: 2,
  society: [{}, { baseModel: 'sim-b' }, {}],
};
const SIMULATOR = { seed: 0, latencyMs: 30 };
const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
};

/** The run on a fresh two-engine stack; `during` acts on its simulators while it runs. */
async function runOnTwoEngines(during: (simulators: Simulator[]) => Promise<void>): Promise<RunOutcome & { retriedDebates: number }> {
  const stack = await startStack({ baseModels: ['sim-a', 'sim-b'], simulator: SIMULATOR });
  try {
    const handle = await stack.client.workflow.start(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });
    await during(stack.simulators!);
    const result = await handle.result();
    const debates = (await runExecutions(stack.client, config.runId)).filter((e) => e.workflowId !== `maft-${config.runId}`);
    const retried = debates.filter((e) =>
      e.events.some((ev) => ev.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && (ev.activityTaskStartedEventAttributes?.attempt ?? 1) > 1),
    );
    return {
      result,
      transcripts: storedTranscripts(stack.artifactRoot, config.runId),
      jobs: await trainingJobs(`${stack.simulators![1].url}/v1`),
      retriedDebates: retried.length,
    };
  } finally {
    await stack.stop();
  }
}

describe('an engine of a mixed society shut down mid-run and started again', () => {
  let clean: RunOutcome & { retriedDebates: number };
  let killed: RunOutcome & { retriedDebates: number };
  let before: { completed: number; jobs: number };
  let restarted: Simulator | undefined;
  let after: Awaited<ReturnType<typeof simulatorState>>;

  beforeAll(async () => {
    clean = await runOnTwoEngines(async () => undefined);
    killed = await runOnTwoEngines(async ([, simB]) => {
      await until(async () => (await simulatorState(`${simB.url}/v1`)).chat.completed >= 3);
      const state = await simulatorState(`${simB.url}/v1`);
      before = { completed: state.chat.completed, jobs: state.jobs.total };
      await simB.close();
      await new Promise((r) => setTimeout(r, 1_500));
      restarted = await startSimulator({ ...SIMULATOR, baseModels: ['sim-b'], port: simB.port });
    });
    after = await simulatorState(`${restarted!.url}/v1`);
  });
  // The stack stops the simulators it started (sim-b already closed); the restarted one is the test's.
  afterAll(() => restarted?.close());

  it('was shut down while the training split was debated, before any training job', () => {
    expect(before.completed).toBeGreaterThanOrEqual(3);
    expect(before.completed).toBeLessThan(2 * config.task.trainSize); // agent 2's calls of the training debates: 2 a debate
    expect(before.jobs).toBe(0);
  });

  it('retried the debates that met it down, as any failed model call', () => {
    expect(clean.retriedDebates).toBe(0);
    expect(killed.retriedDebates).toBeGreaterThanOrEqual(1);
  });

  it('completed as the clean run did: the same results and transcripts', () => {
    expectCleanOutcome(killed, clean, 8 + 3 + 3);
  });

  it("trained and served agent 2's adapters on the restarted engine", () => {
    expect(killed.jobs.map(jobKey).sort()).toEqual(['engine-kill/l1/critic/2', 'engine-kill/l1/generation/2']);
    const loaded = after.models.filter((m) => m.parent !== null && m.servable).map((m) => m.name);
    expect(loaded.sort()).toEqual([killed.result.agents.critic[1], killed.result.agents.generation[1]].sort());
    expect(after.chat.byModel[killed.result.agents.generation[1]]).toBe(config.task.testSize);
  });
});
