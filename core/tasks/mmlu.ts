/**
 * MMLU (Hendrycks et al. 2021): four-choice questions, one CSV file per subject named
 * `<subject>_<split>.csv`, no header, columns question, A, B, C, D, answer (a letter). Asked with Du
 * et al.'s prompt (mmlu/gen_mmlu.py), verbatim.
 */
import { z } from 'zod';
import { fillTemplate, opinionBlocks, SOLUTIONS_INTRO, summaryHeader, summaryRequestWithReasoning, user } from '../prompt-parts';
import { parseCsv } from './csv';
import { dataPath, defineTask, splitSizes } from './module';
import type { Question } from './question';
import { DataFileError, questionId } from './records';

export const MMLU_PROMPT =
  'Can you answer the following question as accurately as possible? {question} Explain your answer, putting the answer in the form (X) at the end of your response.';

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
    if (fields.length !== COLUMNS.length)
      throw new DataFileError(file, line, `expected ${COLUMNS.length} columns (${COLUMNS.join(', ')}), got ${fields.length}`);
    const [question, a, b, c, d, answer] = fields;
    if (question.trim() === '') throw new DataFileError(file, line, 'empty', 'question');
    if (!/^[ABCD]$/.test(answer.trim())) throw new DataFileError(file, line, `expected one of A, B, C, D, got ${JSON.stringify(answer)}`, 'answer');
    const text = mmluQuestionText(question, [a, b, c, d]);
    return { id: questionId('mmlu', subject, line), prompt: fillTemplate(MMLU_PROMPT, text), text, reference: answer.trim(), source: { file, line } };
  });
}

const MMLU_ANSWER_FORMAT = 'Put your answer in the form (X) at the end of your response.';
const MMLU_CLOSING = `\n\n Using the reasoning from other agents as additional advice, can you give an updated answer? Examine your solution and that other agents step by step. ${MMLU_ANSWER_FORMAT}`;

export const mmluTask = defineTask({
  name: 'mmlu',
  summary: 'MMLU (dir of <subject>_<split>.csv, default mmlu/test; subjects)',
  schema: z
    .object({
      name: z.literal('mmlu'),
      ...splitSizes,
      /** The folder of `<subject>_<split>.csv` files. */
      dir: dataPath('mmlu/test'),
      /** Absent: every subject in the folder. */
      subjects: z
        .array(z.string().regex(/^[a-z0-9_]+$/, 'a subject as in its file name, e.g. high_school_physics'))
        .nonempty()
        .optional(),
    })
    .strict(),
  spec: { checker: 'choice', prompts: 'mmlu' },
  source: {
    kind: 'folder',
    dir: (config) => config.dir,
    fileNames: '<subject>_<split>.csv',
    subjectOf: mmluSubject,
    subjects: (config) => config.subjects,
    parse: (source, subject) => parseMmlu(source.text, source.file, subject),
  },
  // Du et al., mmlu/gen_mmlu.py construct_message; summarized: multiagent-ft's header before the same closing.
  prompts: {
    critic: {
      summaryRequest: summaryRequestWithReasoning,
      criticTurnWithSummary: (summary) => user(summaryHeader(summary) + MMLU_CLOSING),
      criticTurnWithOpinions: (others) => user(SOLUTIONS_INTRO + opinionBlocks(others, 'solution') + MMLU_CLOSING),
    },
    answerFormat: MMLU_ANSWER_FORMAT,
  },
  filters: (config) => (config.subjects ? [`subjects ${config.subjects.join(', ')}`] : []),
});
