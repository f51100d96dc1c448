/**
 * Grading one response as a task would: the checker reads the final answer and compares it with the
 * reference by equivalence (what `maft grade` runs, alone or over a JSONL file of records).
 */
import type { AnswerChecker } from '../answers';
import { checkerFor } from './index';
import { DataFileError, parseJsonl, textField } from './records';

export interface Grade {
  /** The final answer the response states, as written; null if none could be read. */
  extracted: string | null;
  correct: boolean;
}

/** A response graded by a checker: its final answer, and whether that is equivalent to the reference. */
export function gradeWith(checker: AnswerChecker, reference: string, response: string): Grade {
  const extracted = checker.extract(response);
  return { extracted, correct: extracted !== null && checker.equivalent(extracted, reference) };
}

/** `task`: a task with a fixed checker (core/tasks/registry.ts) or a checker (number, math, choice, exact). */
export function gradeResponse(task: string, reference: string, response: string): Grade {
  return gradeWith(checkerFor(task), reference, response);
}

/** Grades every record {"task", "reference", "response", ...} of a JSONL text, keeping its other fields. */
export function gradeRecords(text: string, file: string): Array<Record<string, unknown> & Grade> {
  return parseJsonl(text, file).map((entry) => {
    let checker: AnswerChecker;
    try {
      checker = checkerFor(textField(entry, 'task', file));
    } catch (error) {
      if (error instanceof DataFileError) throw error;
      throw new DataFileError(file, entry.line, (error as Error).message, 'task');
    }
    const reference = textField(entry, 'reference', file);
    const response = entry.record.response;
    if (typeof response !== 'string')
      throw new DataFileError(file, entry.line, response === undefined ? 'missing' : `expected a string, got ${JSON.stringify(response)}`, 'response');
    return { ...entry.record, ...gradeWith(checker, reference, response) };
  });
}
