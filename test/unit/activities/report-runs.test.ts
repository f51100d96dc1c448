/**
 * reportRuns on records that cannot make one report (two runs of one cell with one seed) fails for
 * good, naming both runs: retrying a pure computation on the same records cannot help, and an
 * experiment must not retry it forever.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryStore } from '../../../activities/directory-store';
import { createReportingActivities } from '../../../activities/reporting';
import type { EvaluationRecord } from '../../../core/report/records';

const record = (runId: string): EvaluationRecord => ({
  experiment: 'e',
  runId,
  method: 'Debate',
  task: 'arithmetic',
  baseModel: 'b',
  seed: 0,
  iteration: 0,
  accuracy: 1,
  standardError: 0,
  correct: 1,
  total: 1,
  diversity: null,
});

it('fails non-retryably, naming the runs, when two runs of one cell share a seed', async () => {
  const reporting = createReportingActivities(new DirectoryStore(mkdtempSync(path.join(os.tmpdir(), 'maft-report-'))));
  await reporting.recordEvaluation(record('a'));
  await reporting.recordEvaluation(record('b'));
  const failure = await reporting.reportRuns({ title: 't', runIds: ['a', 'b'], outDir: 'report' }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ nonRetryable: true, type: 'InvalidRecords', message: expect.stringContaining('runs a and b are both Debate on arithmetic') });
});
