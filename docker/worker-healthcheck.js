/* global process, console, __dirname */
/**
 * Docker health check of a maft worker container: healthy when this container's worker polls each
 * task queue of the given kinds (default: all three). Temporal lists a queue's recent pollers with
 * their identity, `<pid>@<hostname>`, and the container's hostname is its own.
 *   node docker/worker-healthcheck.js [workflow] [inference] [training]
 * Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (TLS, API key: workers/connection.ts) and the
 * MAFT_*_QUEUE variables as the worker does.
 */
const { Connection } = require('@temporalio/client');
const { temporal } = require('@temporalio/proto');
const os = require('node:os');
const path = require('node:path');
const { workerSettingsFromEnv } = require(path.join(__dirname, '..', 'dist', 'workers', 'settings'));
const { connectOptions } = require(path.join(__dirname, '..', 'dist', 'workers', 'connection'));

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = temporal.api.enums.v1.TaskQueueType;
const QUEUE_TYPE = { workflow: TASK_QUEUE_TYPE_WORKFLOW, inference: TASK_QUEUE_TYPE_ACTIVITY, training: TASK_QUEUE_TYPE_ACTIVITY };

async function main() {
  const kinds = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(QUEUE_TYPE);
  const settings = workerSettingsFromEnv();
  const connection = await Connection.connect({ ...connectOptions(settings.temporal), connectTimeout: 5000 });
  try {
    for (const kind of kinds) {
      if (!(kind in QUEUE_TYPE)) throw new Error(`unknown worker kind ${kind}: expected workflow, inference or training`);
      const taskQueue = settings.queues[kind];
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: settings.temporal.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: QUEUE_TYPE[kind],
      });
      if (!pollers.some((poller) => poller.identity.endsWith(`@${os.hostname()}`))) {
        throw new Error(`no worker of ${os.hostname()} polls task queue ${taskQueue} (${kind})`);
      }
    }
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`unhealthy: ${error.message}`);
    process.exit(1);
  },
);
