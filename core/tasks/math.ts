/**
 * MATH (Hendrycks et al. 2021): competition problems, one JSON object per line with `problem`,
 * `level` ("Level 1".."Level 5", or "Level ?"), `type` (the subject), `solution` (ending in a
 * \boxed{} answer) and `unique_id`. Asked with the multiagent-ft prompt (original_gen.py), verbatim;
 * the paper uses levels 1-3, as the released code filters them.
 */
import { lastBoxed } from '../answers';
import { fillTemplate } from '../prompts';
import { MATH_SUBJECTS, type MathSubject } from './names';
import type { Question } from './question';
import { DataFileError, parseJsonl, questionId, stringField } from './records';

export const MATH_PROMPT =
  'Can you solve the following math problem? {question} Provide a bullet point summary of your reasoning. Your final answer should be a single answer, in the form \\boxed{answer}, at the end of your response.';

export interface MathFilter {
  levels: readonly number[];
  /** Absent: every subject. */
  subjects?: readonly MathSubject[];
}

/** "Level 3" -> 3; "Level ?" (two training problems) -> null, which no level filter selects. */
function parseLevel(level: string): number | null | undefined {
  const match = /^Level ([1-5?])$/.exec(level);
  if (!match) return undefined;
  return match[1] === '?' ? null : Number(match[1]);
}

/** Validates every record of a MATH JSONL file and returns those the filter selects, as questions. */
export function parseMath(text: string, file: string, filter: MathFilter): Question[] {
  const questions: Question[] = [];
  for (const entry of parseJsonl(text, file)) {
    const problem = stringField(entry, 'problem', file);
    const level = parseLevel(stringField(entry, 'level', file));
    if (level === undefined) throw new DataFileError(file, entry.line, `expected "Level 1".."Level 5" or "Level ?", got ${JSON.stringify(entry.record.level)}`, 'level');
    const subject = stringField(entry, 'type', file);
    if (!(MATH_SUBJECTS as readonly string[]).includes(subject)) throw new DataFileError(file, entry.line, `unknown subject ${JSON.stringify(subject)}`, 'type');
    const reference = lastBoxed(stringField(entry, 'solution', file));
    if (reference === null) throw new DataFileError(file, entry.line, 'no \\boxed{...} final answer', 'solution');
    const uniqueId = stringField(entry, 'unique_id', file);
    if (level === null || !filter.levels.includes(level)) continue;
    if (filter.subjects && !filter.subjects.includes(subject as MathSubject)) continue;
    questions.push({
      id: questionId('math', uniqueId.replace(/\.json$/, '')),
      prompt: fillTemplate(MATH_PROMPT, problem),
      text: problem,
      reference,
      source: { file, line: entry.line, id: uniqueId },
    });
  }
  return questions;
}
