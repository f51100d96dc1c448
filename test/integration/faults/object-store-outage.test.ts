/**
 * The object store goes away mid-run and comes back: the artifacts are in SeaweedFS (S3), which is
 * stopped while the training split is debated and started again on the same data 5 s later. The
 * store operations that met it down fail and their activities are retried, so the run is delayed,
 * not lost: it ends exactly as a clean run of the same config on the same store does, and what was
 * written before the outage is still there.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ObjectStore } from '../../../activities/object-store';
import { artifactPaths } from '../../../core/artifact-paths';
import { createBucket, startSeaweed, type Seaweed } from '../../../workers/seaweedfs';
import { multiagentFinetuning } from '../../../workflows';
import { EventType, runExecutions } from '../../helpers/histories';
import { expectCleanOutcome, transcriptsInStore, type RunOutcome } from '../../helpers/run-outcome';
import { simulatorState } from '../../helpers/simulator-admin';
import { startStack } from '../../helpers/stack';

jest.setTimeout(180_000);

const config = {
  runId: 'store-outage',
  baseModel: 'sim-base',
  seed: 5,
  agents: 3,
  iterations: 1,
  task: { trainSize: 8, testSize: 3 },
  maxConcurrentDebates: 2,
};
const OUTAGE_MS = 5_000;
let seaweed: Seaweed;
const seaweedOptions = {
  dataDir: mkdtempSync(path.join(os.tmpdir(), 'maft-s3-outage-')),
  accessKey: 'maft-test',
  secretKey: `secret-${randomBytes(12).toString('hex')}`,
};
const stores: ObjectStore[] = [];

/** The run with its artifacts under s3://maft/<prefix>; `during` acts on the store while it runs. */
async function runOnS3(
  prefix: string,
  during: (store: ObjectStore) => Promise<void>,
): Promise<RunOutcome & { retried: number; splitBefore: string; histories: Buffer }> {
  const store = new ObjectStore({ bucket: 'maft', prefix, env: seaweed.env });
  stores.push(store);
  const stack = await startStack({
    simulator: { latencyMs: 30, loraResolver: true },
    settings: { artifactRoot: store.location, adapterRoot: `${store.location}/adapters` },
  });
  try {
    const handle = await stack.client.workflow.start(multiagentFinetuning, { taskQueue: 'maft', workflowId: `maft-${config.runId}`, args: [{ config }] });
    await during(store);
    const result = await handle.result();
    const executions = await runExecutions(stack.client, config.runId);
    const retried = executions.flatMap((e) =>
      e.events.filter((ev) => ev.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && (ev.activityTaskStartedEventAttributes?.attempt ?? 1) > 1),
    );
    // Published by name (the engine's resolver), never by a lora_path: no path of the workers' means anything to the engine.
    const adapters = (await simulatorState(stack.backendUrls.inference)).models.filter((m) => m.parent !== null);
    expect(adapters.map((m) => [m.servable, m.loraPath])).toEqual(adapters.map(() => [true, null]));
    expect(adapters).toHaveLength(2 * config.agents);
    return {
      result,
      transcripts: await transcriptsInStore(store, config.runId, config.iterations),
      jobs: [],
      retried: retried.length,
      histories: Buffer.concat(executions.map((e) => e.bytes)),
      splitBefore: await store.readText(artifactPaths.split(config.runId, 'train')),
    };
  } finally {
    await stack.stop();
  }
}

describe('the object store stopped mid-run and started again', () => {
  let clean: Awaited<ReturnType<typeof runOnS3>>;
  let outage: Awaited<ReturnType<typeof runOnS3>>;
  let storedBeforeOutage = 0;

  beforeAll(async () => {
    seaweed = await startSeaweed(seaweedOptions);
    await createBucket(seaweed, 'maft');
    // The workers' store reads the endpoint and key pair from the environment, as in a deployment.
    Object.assign(process.env, seaweed.env);
    clean = await runOnS3('clean', async () => undefined);
    outage = await runOnS3('outage', async (store) => {
      const debates = artifactPaths.debates(config.runId, 1, 'train');
      while ((storedBeforeOutage = (await store.list(debates)).length) < 2) await new Promise((r) => setTimeout(r, 50));
      await seaweed.stop();
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      seaweed = await startSeaweed({ ...seaweedOptions, s3Port: seaweed.options.s3Port });
    });
  });
  afterAll(async () => {
    stores.forEach((s) => s.close());
    await seaweed?.stop();
  });

  it('went down while the training split was debated', () => {
    expect(storedBeforeOutage).toBeGreaterThanOrEqual(2);
    expect(storedBeforeOutage).toBeLessThan(config.task.trainSize);
  });

  it('delayed the activities that met it down, which were retried', () => {
    expect(clean.retried).toBe(0);
    expect(outage.retried).toBeGreaterThanOrEqual(1);
  });

  it('lost nothing: the run completed as the clean run did, with the same results and transcripts', () => {
    expectCleanOutcome(outage, clean, 8 + 3 + 3);
    expect(outage.splitBefore).toBe(clean.splitBefore);
  });

  it('kept the store’s secret key out of every history (the workers read it from their environment)', () => {
    expect(outage.histories.includes('The answer is')).toBe(true); // the search finds what is there
    expect([clean.histories.includes(seaweedOptions.secretKey), outage.histories.includes(seaweedOptions.secretKey)]).toEqual([false, false]);
  });
});
