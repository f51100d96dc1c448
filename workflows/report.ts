/**
 * Writes a report (tables, plots, raw records) over finished or running runs, on a worker that sees
 * the artifact store: `maft report` starts it, so the command works from any machine.
 */
import type { ReportRunsInput, WrittenReport } from '../activities/contracts';
import { queueActivities, type Queues } from './activity-proxies';

export interface ReportInput extends ReportRunsInput {
  queues: Queues;
}

export async function report({ queues, ...input }: ReportInput): Promise<WrittenReport> {
  const { light } = queueActivities(queues);
  return light.reportRuns(input);
}
