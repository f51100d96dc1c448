/**
 * Writes a report (tables, plots, raw records) over finished or running runs, on a worker that sees
 * the artifact store: `maft report` starts it, so the command works from any machine.
 */
import type { ReportRunsInput, WrittenReport } from '../activities/reporting';
import type { RunConfig } from '../core/config';
import { lightActivities } from './activity-proxies';

export interface ReportInput extends ReportRunsInput {
  queues: RunConfig['queues'];
}

export async function report({ queues, ...input }: ReportInput): Promise<WrittenReport> {
  return lightActivities(queues).reportRuns(input);
}
