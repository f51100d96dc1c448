/**
 * maft is usable from the Temporal CLI: `temporal workflow start --type multiagentFinetuning
 * --input-file run.json` against a running worker completes, and `temporal workflow query --type
 * progress` answers. Uses the CLI binary the project installs and the README's example input.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../activities/project-root';
import { temporalBinary } from '../../workers/dev-server';
import { startStack, type Stack } from '../helpers/stack';

jest.setTimeout(180_000);
const run = promisify(execFile);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function temporal(...args: string[]): Promise<string> {
  const { stdout } = await run(temporalBinary(), [...args, '--address', stack.server.address]);
  return stdout;
}

/** `temporal workflow start --type multiagentFinetuning --task-queue maft`, with the given input flags. */
function startRun(workflowId: string, ...input: string[]): Promise<string> {
  return temporal('workflow', 'start', '--type', 'multiagentFinetuning', '--task-queue', 'maft', '--workflow-id', workflowId, ...input);
}

describe('the Temporal CLI', () => {
  it('starts a run from examples/run.json, queries its progress and sees it complete', async () => {
    await startRun('maft-cli-example', '--input-file', path.join(PROJECT_ROOT, 'examples', 'run.json'));
    const progress = JSON.parse(await temporal('workflow', 'query', '--workflow-id', 'maft-cli-example', '--type', 'progress', '--output', 'json'));
    const answer = progress.queryResult?.[0] ?? progress;
    expect(answer).toMatchObject({ runId: 'cli-example', iterations: 2 });
    expect(['starting', 'debate', 'datasets', 'finetune', 'evaluate', 'done']).toContain(answer.phase);

    const result = JSON.parse(await temporal('workflow', 'result', '--workflow-id', 'maft-cli-example', '--output', 'json'));
    expect(result.status).toBe('COMPLETED');
    const value = result.result;
    expect(value.history.map((h: { iteration: number }) => h.iteration)).toEqual([1, 2]);
    expect(value.history[1].evaluation.total).toBe(20);
  });

  it('fails a run with an invalid config at once, naming the fields', async () => {
    await startRun('maft-cli-bad', '--input', JSON.stringify({ config: { runId: 'bad', baseModel: 'sim-base', agents: 0, task: { trainSize: 'many' } } }));
    // `temporal workflow result` exits non-zero for a failed run and prints the failure.
    const failed = await temporal('workflow', 'result', '--workflow-id', 'maft-cli-bad', '--output', 'json').then(
      () => undefined,
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).toBeDefined();
    const result = JSON.parse(failed!);
    expect(result.status).toBe('FAILED');
    const message = JSON.stringify(result);
    expect(message).toContain('agents: Number must be greater than 0');
    expect(message).toContain('task.trainSize: Expected number, received string');
  });
});
