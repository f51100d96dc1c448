/**
 * `maft grade`: what a task's checker makes of a response. One response:
 *   maft grade --task gsm8k --reference 18 --response "... so she makes \boxed{18} dollars."
 * or a JSONL file (or stdin) of {"task", "reference", "response"} records, written back with
 * "extracted" and "correct" added:
 *   maft grade --input records.jsonl --output graded.jsonl
 */
import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import { checkerNames } from '../core/answers';
import { tasksWithFixedChecker } from '../core/tasks';
import { gradeRecords, gradeResponse } from '../core/tasks/grade';

interface GradeOptions {
  task?: string;
  reference?: string;
  response?: string;
  input?: string;
  output?: string;
}

async function readInput(input: string): Promise<{ text: string; name: string }> {
  if (input !== '-') return { text: await fs.readFile(input, 'utf8'), name: input };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return { text: Buffer.concat(chunks).toString('utf8'), name: '(stdin)' };
}

async function gradeBatch(input: string, output: string | undefined): Promise<void> {
  const { text, name } = await readInput(input);
  const lines = gradeRecords(text, name)
    .map((record) => JSON.stringify(record) + '\n')
    .join('');
  if (output) await fs.writeFile(output, lines);
  else process.stdout.write(lines);
}

function gradeOne(o: GradeOptions): void {
  const missing = (['task', 'reference', 'response'] as const).filter((k) => o[k] === undefined);
  if (missing.length) throw new Error(`grade: give ${missing.map((k) => `--${k}`).join(', ')} (or --input for a JSONL file of records)`);
  const { extracted, correct } = gradeResponse(o.task!, o.reference!, o.response!);
  console.log(`extracted: ${extracted ?? '(none)'}`);
  console.log(`verdict: ${correct ? 'correct' : extracted === null ? 'wrong (no final answer found)' : 'wrong'}`);
}

export function registerGrade(program: Command): void {
  program
    .command('grade')
    .description("read a response's final answer and check it against the reference, as the task's checker does")
    .option('--task <task>', `a task (${tasksWithFixedChecker.join(', ')}) or a checker (${checkerNames.join(', ')})`)
    .option('--reference <answer>', 'the reference answer, e.g. 18, \\frac{1}{2} or B')
    .option('--response <text>', 'the response to grade')
    .option('--input <file>', 'a JSONL file of {"task", "reference", "response"} records to grade; - reads stdin')
    .option('--output <file>', 'where the graded records go (default: stdout)')
    .action(async (o: GradeOptions) => {
      if (o.input !== undefined) await gradeBatch(o.input, o.output);
      else gradeOne(o);
    });
}
