/**
 * A user's own task: a JSONL file of questions and reference answers (field names configurable),
 * graded by a chosen checker and asked with a prompt template holding `{question}`; by default the
 * template of the paper's task that uses the same checker.
 */
import { z } from 'zod';
import { checkerNames, type CheckerName } from '../answers/types';
import { fillTemplate } from '../prompt-parts';
import type { PromptStyle } from '../prompts';
import { GSM8K_PROMPT } from './gsm8k';
import { MATH_PROMPT } from './math';
import { MMLU_PROMPT } from './mmlu';
import { defineTask, splitSizes } from './module';
import type { Question } from './question';
import { DataFileError, parseJsonl, questionId, stringField, textField } from './records';

/** The paper's task whose prompts a JSONL task with this checker borrows. */
export const promptStyleForChecker: Record<CheckerName, Exclude<PromptStyle, 'arithmetic'>> = {
  number: 'gsm8k',
  math: 'math',
  choice: 'mmlu',
  exact: 'math',
};

export const roundOnePrompt: Record<Exclude<PromptStyle, 'arithmetic'>, string> = { gsm8k: GSM8K_PROMPT, math: MATH_PROMPT, mmlu: MMLU_PROMPT };

export interface JsonlFields {
  question: string;
  answer: string;
  /** A field holding each record's id; absent: ids from line numbers. */
  id?: string;
}

export function parseJsonlTask(text: string, file: string, fields: JsonlFields, template: string): Question[] {
  const firstLineOfId = new Map<string, number>();
  return parseJsonl(text, file).map((entry) => {
    const question = stringField(entry, fields.question, file);
    const reference = textField(entry, fields.answer, file).trim();
    const id = questionId('jsonl', fields.id === undefined ? entry.line : textField(entry, fields.id, file));
    const earlier = firstLineOfId.get(id);
    if (earlier !== undefined) throw new DataFileError(file, entry.line, `id ${JSON.stringify(id)} already used on line ${earlier}`, fields.id);
    firstLineOfId.set(id, entry.line);
    const source = fields.id === undefined ? { file, line: entry.line } : { file, line: entry.line, id: textField(entry, fields.id, file) };
    return { id, prompt: fillTemplate(template, question), text: question, reference, source };
  });
}

/** A user's own JSONL file of questions and reference answers. */
export const jsonlTask = defineTask({
  name: 'jsonl',
  summary: 'your own JSONL file (file, checker, fields, prompt)',
  schema: z
    .object({
      name: z.literal('jsonl'),
      ...splitSizes,
      file: z.string().min(1),
      checker: z.enum(checkerNames),
      fields: z
        .object({
          question: z.string().min(1).default('question'),
          answer: z.string().min(1).default('answer'),
          /** Absent: question ids from line numbers. */
          id: z.string().min(1).optional(),
        })
        .strict()
        .default({}),
      /** The round-1 prompt; absent: the prompt of the paper's task with the same checker. */
      prompt: z.string().includes('{question}', { message: 'must contain {question}' }).optional(),
    })
    .strict(),
  spec: (config) => ({ checker: config.checker, prompts: promptStyleForChecker[config.checker] }),
  source: {
    kind: 'file',
    file: (config) => config.file,
    parse: (source, config) => parseJsonlTask(source.text, source.file, config.fields, config.prompt ?? roundOnePrompt[promptStyleForChecker[config.checker]]),
  },
});
