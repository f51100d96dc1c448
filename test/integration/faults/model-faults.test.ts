/**
 * Faults the simulator injects into a run over real HTTP: 5xx, 429 with Retry-After, request
 * timeouts, dropped connections, failures on job creation and failed training jobs. The run retries
 * them away and ends exactly as a clean run does (every model call carries its own seed; a failed
 * training job is created again under its next attempt key). Errors retrying cannot fix fail the run
 * at once, naming the cause: a context-length 400, and a training job that fails on every attempt.
 */
import { multiagentFinetuning } from '../../../workflows';
import { EventType, eventMs, runExecutions } from '../../helpers/histories';
import { agentJobKeys, cleanRun, expectCleanOutcome, jobKey, runFailure, storedTranscripts, trainingJobs, type RunOutcome } from '../../helpers/run-outcome';
import { setSimulatorFaults, simulatorState } from '../../helpers/simulator-admin';
import { startStack, type Stack } from '../../helpers/stack';

const N = 3;
const config = { runId: 'faulty', seed: 2, baseModel: 'sim-base', agents: N, iterations: 1, task: { trainSize: 8, testSize: 4 }, maxConcurrentDebates: 4 };
const RETRY_AFTER_MS = 2_000;
const REQUEST_TIMEOUT_MS = 1_000;
const faults = {
  // one of each for sure, then random ones throughout the run
  failNextChatCalls: [{ status: 500 as const }, { timeout: true as const }, { drop: true as const }],
  error5xxRate: 0.03,
  rateLimitRate: 0.03,
  retryAfterSeconds: RETRY_AFTER_MS / 1000,
  timeoutRate: 0.01,
  timeoutHoldMs: 3 * REQUEST_TIMEOUT_MS,
  dropRate: 0.03,
  faultTrainingCreate: true,
  failNextTrainingJobs: 2,
};

describe('a run through injected 5xx, 429, timeouts, dropped connections and failed training jobs', () => {
  let reference: RunOutcome;
  let faulty: RunOutcome;
  let injected: { error5xx: number; rateLimit: number; timeout: number; drop: number };

  beforeAll(async () => {
    reference = await cleanRun(config);
    const stack = await startStack({ simulator: faults, settings: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
    try {
      const result = await stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });
      faulty = { result, transcripts: storedTranscripts(stack.artifactRoot, config.runId), jobs: await trainingJobs(stack.backendUrls.training) };
      injected = (await simulatorState(stack.backendUrls.inference)).chat.faults;
    } finally {
      await stack.stop();
    }
  }, 150_000);

  it('met every kind of fault', () => {
    expect(injected.error5xx).toBeGreaterThanOrEqual(1);
    expect(injected.rateLimit).toBeGreaterThanOrEqual(1);
    expect(injected.timeout).toBeGreaterThanOrEqual(1);
    expect(injected.drop).toBeGreaterThanOrEqual(1);
    expect(faulty.jobs.filter((j) => j.status === 'failed')).toHaveLength(faults.failNextTrainingJobs);
  });

  it('ends with the results and transcripts of a clean run', () => {
    expectCleanOutcome(faulty, reference, 4 + 8 + 4);
  });

  it('re-created a failed training job under its next attempt key, once per attempt, until it succeeded', () => {
    const byAgent = new Map(agentJobKeys('faulty', 1, N).map((k) => [k, [] as typeof faulty.jobs]));
    for (const job of faulty.jobs) byAgent.get(jobKey(job).replace(/\/attempt-\d+$/, ''))!.push(job);
    let failures = 0;
    for (const [key, jobs] of byAgent) {
      const attempts = jobs.map(jobKey).sort();
      expect(attempts).toEqual(attempts.map((_, i) => (i === 0 ? key : `${key}/attempt-${i + 1}`))); // one job per attempt key, no gaps
      const last = jobs.find((j) => jobKey(j) === attempts.at(-1))!;
      expect(last.status).toBe('succeeded');
      const earlier = jobs.filter((j) => j !== last);
      expect(earlier.every((j) => j.status === 'failed' && j.error?.code === 'simulated_failure')).toBe(true);
      failures += earlier.length;
    }
    expect(failures).toBe(faults.failNextTrainingJobs);
  });
});

describe('one fault at a time', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(() => stack?.stop());

  const setFaults = (patch: object) => setSimulatorFaults(stack.backendUrls.inference, patch);
  afterEach(() => setFaults({ contextLimitChars: 0, failTrainingRate: 0 }));

  it('a 429 is retried after its Retry-After, not after the 1 s backoff', async () => {
    // One agent and one round: the run's first model call is alone in its debate activity.
    await setFaults({ failNextChatCalls: [{ status: 429, retryAfterSeconds: RETRY_AFTER_MS / 1000 }] });
    const runConfig = {
      runId: 'rate-limited',
      baseModel: 'sim-base',
      agents: 1,
      rounds: 1,
      iterations: 1,
      evaluateBase: false,
      task: { trainSize: 1, testSize: 1 },
    };
    await stack.client.workflow.execute(multiagentFinetuning, { taskQueue: 'maft', workflowId: 'maft-rate-limited', args: [{ config: runConfig }] });
    const retried = (await runExecutions(stack.client, 'rate-limited')).flatMap(({ events }) =>
      events
        .filter((e) => e.activityTaskStartedEventAttributes?.lastFailure?.applicationFailureInfo?.type === 'HTTP429')
        .map((started) => {
          const attrs = started.activityTaskStartedEventAttributes!;
          const scheduled = events.find((e) => Number(e.eventId) === Number(attrs.scheduledEventId))!;
          return { attempt: attrs.attempt, waitedMs: eventMs(started) - eventMs(scheduled) };
        }),
    );
    expect(retried).toHaveLength(1);
    expect(retried[0].attempt).toBe(2);
    expect(retried[0].waitedMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 50);
  }, 60_000);

  it('a context-length 400 fails the run at once, non-retryable, naming the cause', async () => {
    await setFaults({ contextLimitChars: 250 }); // round 1 fits; the critics' turns do not
    const { root, chain, ms } = await runFailure(stack.client, {
      runId: 'too-long',
      baseModel: 'sim-base',
      iterations: 1,
      task: { trainSize: 2, testSize: 2 },
    });
    expect(root.type).toBe('ContextLengthExceeded');
    expect(root.nonRetryable).toBe(true);
    expect(root.message).toMatch(/^chat with sim-base: the conversation does not fit the model's context window .*maximum context length is 63 tokens/);
    // run -> debate child -> debateQuestion activity -> the server's 400
    expect(chain.map((e) => e.constructor.name)).toEqual(['WorkflowFailedError', 'ChildWorkflowFailure', 'ActivityFailure', 'ApplicationFailure']);
    expect(ms).toBeLessThan(20_000); // a retried 400 would keep the run going for the activity's 30 minutes
    const failedRounds = (await runExecutions(stack.client, 'too-long')).flatMap(({ events }) =>
      events
        .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
        .map(
          (e) =>
            events.find((s) => Number(s.eventId) === Number(e.activityTaskFailedEventAttributes!.startedEventId))!.activityTaskStartedEventAttributes!.attempt,
        ),
    );
    expect(failedRounds.length).toBeGreaterThanOrEqual(1);
    expect(failedRounds.every((attempt) => attempt === 1)).toBe(true); // never retried
  }, 60_000);

  it(`a training job that fails on every attempt fails the run after 3 jobs for that agent`, async () => {
    await setFaults({ failTrainingRate: 1 });
    const { root } = await runFailure(stack.client, {
      runId: 'train-fails',
      baseModel: 'sim-base',
      iterations: 1,
      evaluateBase: false,
      task: { trainSize: 4, testSize: 2 },
    });
    expect(root.type).toBe('TrainingJobFailed');
    expect(root.nonRetryable).toBe(true);
    const key = /^training job (\S+) failed after 3 attempt\(s\): attempt 1 /.exec(root.message)?.[1];
    expect(key).toMatch(/^train-fails\/l1\/(generation|critic)\/[1-3]$/);
    expect(root.message).toContain('Simulated training failure');
    const jobs = (await trainingJobs(stack.backendUrls.training)).filter((j) => jobKey(j) === key || jobKey(j).startsWith(`${key}/`));
    expect(jobs.map(jobKey).sort()).toEqual([key, `${key}/attempt-2`, `${key}/attempt-3`]);
    expect(jobs.every((j) => j.status === 'failed')).toBe(true);
  }, 60_000);
});
