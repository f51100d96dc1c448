/**
 * GSM8K's training set (7,473 problems), parsed and asked exactly as the gsm8k task: for runs whose
 * debates and finetuning should never see a GSM8K test problem. Ids are `gsm8k-train-<line>`.
 */
import { z } from 'zod';
import { parseGsm8k } from './gsm8k';
import { dataPath, defineTask, splitSizes } from './module';

export const gsm8kTrainTask = defineTask({
  name: 'gsm8k-train',
  summary: "GSM8K's training set (file, default gsm8k/train.jsonl)",
  schema: z.object({ name: z.literal('gsm8k-train'), ...splitSizes, file: dataPath('gsm8k/train.jsonl') }).strict(),
  spec: { checker: 'number', prompts: 'gsm8k' },
  source: { kind: 'file', file: (config) => config.file, parse: (source) => parseGsm8k(source.text, source.file, 'gsm8k-train') },
});
