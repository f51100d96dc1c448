/**
 * Validation of evaluation records (records.ts) before a report is built from them, so a bad record
 * fails with the field, the record (or file and line) named, not as a NaN in a table.
 */
import { z } from 'zod';
import { behaviourProfileSchema } from '../behaviour/schema';
import type { DiversityMetrics } from '../diversity/types';
import type { EvaluationRecord } from './records';

const fraction = z.number().min(0).max(1);
const nullableNumber = z.number().finite().nullable();

const diversitySchema: z.ZodType<DiversityMetrics> = z.object({
  questions: z.number().int().min(0),
  round: z.number().int().min(1),
  scoringModel: z.string().nullable(),
  consensus: fraction.nullable(),
  nll: nullableNumber,
  klPairwise: nullableNumber,
  klFromBase: z.object({ generation: nullableNumber, critic: nullableNumber }),
  embeddingDissimilarity: nullableNumber,
  agentKl: nullableNumber,
  pairwise: z.object({ metric: z.string(), matrix: z.array(z.array(z.number())) }).nullable(),
  unavailable: z.record(z.string()),
});

export const evaluationRecordSchema: z.ZodType<EvaluationRecord> = z
  .object({
    experiment: z.string().nullable(),
    runId: z.string().min(1),
    method: z.string().min(1),
    task: z.string().min(1),
    baseModel: z.string().min(1),
    seed: z.number().int(),
    iteration: z.number().int().min(0),
    accuracy: fraction,
    standardError: z.number().min(0),
    correct: z.number().int().min(0),
    total: z.number().int().min(0),
    diversity: diversitySchema.nullable(),
    // Absent in records written before behaviour metrics existed.
    behaviour: behaviourProfileSchema.nullable().optional(),
  })
  .refine((r) => r.correct <= r.total, { message: 'correct exceeds total', path: ['correct'] });

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; ');
}

/** Validates records given in memory; an error names `records[i]` and the field. */
export function validateRecords(records: readonly unknown[]): EvaluationRecord[] {
  return records.map((record, i) => {
    const parsed = evaluationRecordSchema.safeParse(record);
    if (!parsed.success) throw new Error(`records[${i}] (runId ${runIdOf(record)}): ${describeIssues(parsed.error)}`);
    return parsed.data;
  });
}

/** Parses records.jsonl text; an error names the file, the line and the field. */
export function parseRecordsJsonl(text: string, file: string): EvaluationRecord[] {
  const records: EvaluationRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${i + 1}: invalid JSON (${(error as Error).message})`);
    }
    const parsed = evaluationRecordSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${describeIssues(parsed.error)}`);
    records.push(parsed.data);
  });
  return records;
}

function runIdOf(record: unknown): string {
  const runId = (record as { runId?: unknown } | null)?.runId;
  return typeof runId === 'string' ? runId : '?';
}
