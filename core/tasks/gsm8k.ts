/**
 * GSM8K (Cobbe et al. 2021): grade-school word problems, one JSON object per line with `question`
 * and `answer`, a worked solution ending "#### <number>". Asked with Du et al.'s prompt
 * (gsm/gen_gsm.py), verbatim, trailing space included.
 */
import { z } from 'zod';
import { fillTemplate, opinionBlocks, SOLUTIONS_INTRO, summaryHeader, summaryRequestWithReasoning, user } from '../prompt-parts';
import { dataPath, defineTask, splitSizes } from './module';
import type { Question } from './question';
import { DataFileError, parseJsonl, questionId, stringField } from './records';

export const GSM8K_PROMPT =
  'Can you solve the following math problem? {question} Explain your reasoning. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response. ';

/** The final answer of a GSM8K solution: the number after its last "####", thousands separators dropped. */
export function gsm8kFinalAnswer(solution: string): string | null {
  const marker = solution.lastIndexOf('####');
  if (marker < 0) return null;
  const answer = solution
    .slice(marker + 4)
    .trim()
    .replace(/,/g, '');
  return /^-?\d+(\.\d+)?$/.test(answer) ? answer : null;
}

/** Every record of a GSM8K JSONL file as a question (ids `<idPrefix>-<line>`); throws on the first bad record. */
export function parseGsm8k(text: string, file: string, idPrefix = 'gsm8k'): Question[] {
  return parseJsonl(text, file).map((entry) => {
    const question = stringField(entry, 'question', file);
    const reference = gsm8kFinalAnswer(stringField(entry, 'answer', file));
    if (reference === null) throw new DataFileError(file, entry.line, 'no number after a final "####"', 'answer');
    return {
      id: questionId(idPrefix, entry.line),
      prompt: fillTemplate(GSM8K_PROMPT, question),
      text: question,
      reference,
      source: { file, line: entry.line },
    };
  });
}

const GSM8K_ANSWER_FORMAT = 'Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response.';

const gsm8kClosing = (question: string) =>
  `\n\n Using the solutions from other agents as additional information, can you provide your answer to the math problem? \n The original math problem is ${question}. ${GSM8K_ANSWER_FORMAT}`;

/** GSM8K: both splits are drawn from one file (Du et al. draw from the test set). */
export const gsm8kTask = defineTask({
  name: 'gsm8k',
  summary: "GSM8K's test set (file, default gsm8k/test.jsonl)",
  schema: z.object({ name: z.literal('gsm8k'), ...splitSizes, file: dataPath('gsm8k/test.jsonl') }).strict(),
  spec: { checker: 'number', prompts: 'gsm8k' },
  source: { kind: 'file', file: (config) => config.file, parse: (source) => parseGsm8k(source.text, source.file) },
  // Du et al., gsm/gen_gsm.py construct_message; summarized: multiagent-ft's header before the same closing.
  prompts: {
    critic: {
      summaryRequest: summaryRequestWithReasoning,
      criticTurnWithSummary: (summary, question) => user(summaryHeader(summary) + gsm8kClosing(question)),
      criticTurnWithOpinions: (others, question) => user(SOLUTIONS_INTRO + opinionBlocks(others, 'solution') + gsm8kClosing(question)),
    },
    answerFormat: GSM8K_ANSWER_FORMAT,
  },
});
