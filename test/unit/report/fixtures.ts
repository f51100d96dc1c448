/** Evaluation records and markdown parsing for the report tests. */
import { answerChecker } from '../../../core/answers';
import { gradeDebate } from '../../../core/behaviour/graded-debate';
import { behaviourProfile } from '../../../core/behaviour/profile';
import type { BehaviourProfile } from '../../../core/behaviour/types';
import type { DiversityMetrics } from '../../../core/diversity/types';
import type { EvaluationRecord } from '../../../core/report/records';
import { unmeasured } from '../../../core/diversity/metrics';
import { SOCIETY } from '../behaviour/transcripts';

/** A record with `total` test questions and the binomial SE of its accuracy, unless overridden. */
export function record(fields: Partial<EvaluationRecord> & Pick<EvaluationRecord, 'runId' | 'method'>): EvaluationRecord {
  const total = fields.total ?? 100;
  const accuracy = fields.accuracy ?? 0.5;
  return {
    experiment: 'exp',
    task: 'arithmetic',
    baseModel: 'model-a',
    seed: 0,
    iteration: 0,
    correct: Math.round(accuracy * total),
    standardError: Math.sqrt((accuracy * (1 - accuracy)) / total),
    diversity: null,
    ...fields,
    accuracy,
    total,
  };
}

export function diversity(fields: Partial<DiversityMetrics>): DiversityMetrics {
  return { ...unmeasured(10, 2, 'model-a'), ...fields };
}

/** The rows of the first markdown table in `text` (header first, the rule line dropped). */
export function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines
    .slice(start, end === -1 ? undefined : end)
    .filter((_, i) => i !== 1)
    .map((l) =>
      l
        .slice(2, -2)
        .split(/ \| /)
        .map((cell) => cell.replace(/\\\|/g, '|')),
    );
}

/** The text of a "## " section of report.md, from its heading to the next one. */
export function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}`);
  if (start === -1) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The behaviour profile of the hand-made society of test/unit/behaviour/transcripts.ts (reference 10). */
export function behaviour(): BehaviourProfile {
  const number = answerChecker('number');
  return behaviourProfile(SOCIETY.map((t) => gradeDebate(t, '10', number, t.questionId)))!;
}
