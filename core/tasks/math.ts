/**
 * MATH (Hendrycks et al. 2021): competition problems, one JSON object per line with `problem`,
 * `level` ("Level 1".."Level 5", or "Level ?"), `type` (the subject), `solution` (ending in a
 * \boxed{} answer) and `unique_id`. Asked with the multiagent-ft prompt (original_gen.py), verbatim;
 * the paper uses levels 1-3, as the released code filters them.
 */
import { z } from 'zod';
import { lastBoxed } from '../answers/boxed';
import { fillTemplate, opinionBlocks, summaryHeader, summaryRequestWithReasoning, user } from '../prompt-parts';
import { dataPath, defineTask, splitSizes } from './module';
import type { Question } from './question';
import { DataFileError, parseJsonl, questionId, stringField } from './records';

export const MATH_PROMPT =
  'Can you solve the following math problem? {question} Provide a bullet point summary of your reasoning. Your final answer should be a single answer, in the form \\boxed{answer}, at the end of your response.';

/** MATH's subjects, as its `type` field writes them. */
export const MATH_SUBJECTS = ['Algebra', 'Counting & Probability', 'Geometry', 'Intermediate Algebra', 'Number Theory', 'Prealgebra', 'Precalculus'] as const;
export type MathSubject = (typeof MATH_SUBJECTS)[number];

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
    if (level === undefined)
      throw new DataFileError(file, entry.line, `expected "Level 1".."Level 5" or "Level ?", got ${JSON.stringify(entry.record.level)}`, 'level');
    const subject = stringField(entry, 'type', file);
    if (!(MATH_SUBJECTS as readonly string[]).includes(subject))
      throw new DataFileError(file, entry.line, `unknown subject ${JSON.stringify(subject)}`, 'type');
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

export const mathTask = defineTask({
  name: 'math',
  summary: 'MATH (file, default math/test.jsonl; levels, default 1-3; subjects)',
  schema: z
    .object({
      name: z.literal('math'),
      ...splitSizes,
      file: dataPath('math/test.jsonl'),
      /** The paper and the released code use levels 1-3 of the test set. */
      levels: z.array(z.number().int().min(1).max(5)).nonempty().default([1, 2, 3]),
      /** Absent: every subject. */
      subjects: z.array(z.enum(MATH_SUBJECTS)).nonempty().optional(),
    })
    .strict(),
  spec: { checker: 'math', prompts: 'math' },
  source: { kind: 'file', file: (config) => config.file, parse: (source, config) => parseMath(source.text, source.file, config) },
  // multiagent-ft, original_gen.py construct_message_summary and construct_message (its typos kept).
  prompts: {
    critic: {
      summaryRequest: summaryRequestWithReasoning,
      criticTurnWithSummary: (summary, question) =>
        user(
          summaryHeader(summary) +
            `\n\n Examine each these solutions as additional advice, can solve ${question} and give your updated answer? Explain your reasoning. \n Your final answer should be be in the form \\boxed{answer} given at the end of your response.`,
        ),
      criticTurnWithOpinions: (others, question) =>
        user(
          'Here is are solution from other agents: ' +
            opinionBlocks(others, 'response', false) +
            `\n\n Using each response as additional advice, can you give an updated bullet by bullet answer to ${question}? Your final answer should be be in the form \\boxed{answer} given at the end of your response.`,
        ),
    },
    answerFormat: 'Your final answer should be in the form \\boxed{answer} given at the end of your response.',
  },
  filters: (config) => [`levels ${config.levels.join(', ')}`, ...(config.subjects ? [`subjects ${config.subjects.join(', ')}`] : [])],
});
