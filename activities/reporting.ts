/**
 * Records behind the reports: each evaluation's record and each finished run's result go to the
 * artifact store as they happen, so a report can be written for a finished run, a run in progress or
 * a whole experiment (activities/report.ts renders it).
 */
import { artifactPaths } from '../core/artifact-paths';
import type { BehaviourProfile } from '../core/behaviour/types';
import type { EvaluationRecord } from '../core/report/records';
import type { RunResult } from '../workflows/run-types';
import type { ArtifactStore } from './artifact-store';
import { heartbeating } from './heartbeat';
import { writeReport } from './report';

export interface ReportRunsInput {
  title: string;
  runIds: string[];
  /** The report folder, relative to the artifact store. */
  outDir: string;
}

export interface WrittenReport {
  /** Where report.md is: a file path, or an s3:// URL when the artifacts are in object storage. */
  markdownPath: string;
  files: string[];
  records: number;
}

export function createReportingActivities(store: ArtifactStore) {
  /** Every stored evaluation record of a run, by iteration. */
  async function recordsOf(runId: string): Promise<EvaluationRecord[]> {
    const dir = artifactPaths.evaluationRecords(runId);
    const names = (await store.list(dir)).filter((f) => f.endsWith('.json'));
    const records = await Promise.all(names.map((f) => store.readJson<EvaluationRecord>(`${dir}/${f}`)));
    return records.sort((a, b) => a.iteration - b.iteration);
  }

  return {
    /** Stores the record with the behaviour profile scoreEvaluation stored for that evaluation (null if none). */
    async recordEvaluation(record: EvaluationRecord): Promise<void> {
      const path = artifactPaths.behaviour(record.runId, record.iteration);
      const behaviour = (await store.exists(path)) ? await store.readJson<BehaviourProfile | null>(path) : null;
      await store.writeJson(artifactPaths.evaluationRecord(record.runId, record.iteration), { ...record, behaviour: record.behaviour ?? behaviour });
    },

    /** The stored record of a run's evaluation at an iteration, or null: a resumed run does not evaluate a society twice. */
    async recordedEvaluation(input: { runId: string; iteration: number }): Promise<EvaluationRecord | null> {
      const path = artifactPaths.evaluationRecord(input.runId, input.iteration);
      return (await store.exists(path)) ? store.readJson<EvaluationRecord>(path) : null;
    },

    /** Keeps a finished run's result, so an experiment that resumes does not run it again. */
    async recordRunResult(result: RunResult): Promise<void> {
      await store.writeJson(artifactPaths.runResult(result.runId), result);
    },

    /** The stored result of a finished run, or null. */
    async finishedRun(input: { runId: string }): Promise<RunResult | null> {
      const path = artifactPaths.runResult(input.runId);
      return (await store.exists(path)) ? store.readJson<RunResult>(path) : null;
    },

    /** Tables, plots and raw records of the given runs (core/report, activities/report.ts). */
    async reportRuns(input: ReportRunsInput): Promise<WrittenReport> {
      return heartbeating(async () => {
        const records = (await Promise.all(input.runIds.map(recordsOf))).flat();
        if (records.length === 0) throw new Error(`no evaluation records yet for ${input.runIds.join(', ')}`);
        const { files } = await writeReport({ title: input.title, records, store, folder: input.outDir });
        return { markdownPath: store.locate(`${input.outDir}/report.md`), files, records: records.length };
      });
    },
  };
}
