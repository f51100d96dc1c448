/**
 * MMLU (Hendrycks et al. 2021): four-choice questions, one CSV file per subject named
 * `<subject>_<split>.csv`, no header, columns question, A, B, C, D, answer (a letter). Asked with Du
 * et al.'s prompt (mmlu/gen_mmlu.py), verbatim.
 */
import { fillTemplate } from '../prompts';
import { parseCsv } from './csv';
import type { Question } from './question';
import { DataFileError, questionId } from './records';

export const MMLU_PROMPT = 'Can you answer the following question as accurately as possible? {question} Explain your answer, putting the answer in the form (X) at the end of your response.';

const COLUMNS = ['question', 'A', 'B', 'C', 'D', 'answer'] as const;

/** The subject a file holds: `abstract_algebra_test.csv` -> `abstract_algebra`; null for other names. */
export function mmluSubject(fileName: string): string | null {
  return /^([a-z0-9_]+?)_(test|val|dev)\.csv$/.exec(fileName)?.[1] ?? null;
}

/** The question as gen_mmlu.py states it: "<question>: A) <a>, B) <b>, C) <c>, D) <d>". */
export function mmluQuestionText(question: string, choices: readonly string[]): string {
  return `${question}: ${choices.map((choice, i) => `${'ABCD'[i]}) ${choice}`).join(', ')}`;
}

/** Every row of one subject's CSV file as a question; throws on the first bad row. */
export function parseMmlu(text: string, file: string, subject: string): Question[] {
  return parseCsv(text, file).map(({ line, fields }) => {
    if (fields.length !== COLUMNS.length) throw new DataFileError(file, line, `expected ${COLUMNS.length} columns (${COLUMNS.join(', ')}), got ${fields.length}`);
    const [question, a, b, c, d, answer] = fields;
    if (question.trim() === '') throw new DataFileError(file, line, 'empty', 'question');
    if (!/^[ABCD]$/.test(answer.trim())) throw new DataFileError(file, line, `expected one of A, B, C, D, got ${JSON.stringify(answer)}`, 'answer');
    const text = mmluQuestionText(question, [a, b, c, d]);
    return { id: questionId('mmlu', subject, line), prompt: fillTemplate(MMLU_PROMPT, text), text, reference: answer.trim(), source: { file, line } };
  });
}
