/**
 * Measurement over every reference answer of the GSM8K and MATH test sets: a response stating the
 * reference (in any restatement that is equal by construction) must be judged correct, and one
 * stating a different answer (different by construction) must be judged wrong. Target: 100% and
 * 0%; every exception is listed below with its reason (docs/answer-checking.md reports the rates).
 */
import { existsSync, readFileSync } from 'fs';
import path from 'path';
import { answerChecker, lastBoxed } from '../../../core/answers';
import type { AnswerChecker } from '../../../core/answers';
import { gsmDifferent, gsmRestatements, mathDifferent, mathRestatements, type Statement } from './restatements';

const repoRoot = path.resolve(__dirname, '../../..');
const dataDir = process.env.MAFT_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/** `<dataset>:<unique_id or line>:<form>` of a statement judged against its construction, with the reason. */
const EXCEPTIONS: Readonly<Record<string, string>> = {};

interface Item {
  id: string;
  reasoning: string;
  reference: string;
}

function readJsonl(relative: string): Array<Record<string, string>> {
  const file = path.join(dataDir, relative);
  if (!existsSync(file)) {
    throw new Error(
      `benchmark data not found: ${file} (set MAFT_DATA_DIR to the folder holding gsm8k/ and math/, or check out shared/data beside the repository)`,
    );
  }
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, string>;
      } catch {
        throw new Error(`${file}:${index + 1}: not a JSON object`);
      }
    });
}

function gsmItems(): Item[] {
  return readJsonl('gsm8k/test.jsonl').map((record, index) => {
    const [reasoning, reference] = record.answer.split('####');
    return { id: `gsm8k:line ${index + 1}`, reasoning, reference: reference.trim() };
  });
}

function mathItems(): Item[] {
  return readJsonl('math/test.jsonl').map((record) => {
    const reference = lastBoxed(record.solution);
    if (reference === null) throw new Error(`math/test.jsonl ${record.unique_id}: solution has no \\boxed{} answer`);
    return { id: `math:${record.unique_id}`, reasoning: record.solution, reference };
  });
}

interface Tally {
  statements: number;
  judgedCorrect: number;
  unexpected: string[];
}

/** Judges each statement, wrapped in a response, against the reference; collects the keys of unexpected verdicts. */
function judge(checker: AnswerChecker, items: Item[], build: (item: Item) => Array<Statement & { response: string }>, expected: boolean): Tally {
  const tally: Tally = { statements: 0, judgedCorrect: 0, unexpected: [] };
  for (const item of items) {
    for (const statement of build(item)) {
      const answer = checker.extract(statement.response);
      const correct = answer !== null && checker.equivalent(answer, item.reference);
      tally.statements++;
      if (correct) tally.judgedCorrect++;
      if (correct !== expected) tally.unexpected.push(`${item.id}:${statement.form}`);
    }
  }
  return tally;
}

/** Every verdict against a statement's construction seen so far, over all the tests below. */
const seenExceptions = new Set<string>();

function expectOnlyListedExceptions(tally: Tally): void {
  tally.unexpected.forEach((key) => seenExceptions.add(key));
  expect(tally.unexpected.filter((key) => !(key in EXCEPTIONS))).toEqual([]);
}

describe('answer checking over every benchmark reference', () => {
  jest.setTimeout(120_000);

  const gsm = answerChecker('number');
  const math = answerChecker('math');
  let gsmData: Item[];
  let mathData: Item[];

  beforeAll(() => {
    gsmData = gsmItems();
    mathData = mathItems();
  });

  it('reads all 1,319 GSM8K and 5,000 MATH test references', () => {
    expect(gsmData).toHaveLength(1319);
    expect(mathData).toHaveLength(5000);
  });

  it('GSM8K: every restatement of the reference is judged correct, boxed or as the final number', () => {
    const tally = judge(
      gsm,
      gsmData,
      (item) =>
        gsmRestatements(item.reference).flatMap((statement) => [
          { ...statement, response: `${item.reasoning}\nThe answer is \\boxed{${statement.text.replace('$', '\\$')}}.` },
          { ...statement, form: `${statement.form}, unboxed`, response: `${item.reasoning}\nThe answer is ${statement.text}.` },
        ]),
      true,
    );
    expect(tally.statements).toBe(1319 * 10);
    expectOnlyListedExceptions(tally);
  });

  it("GSM8K: a different value, and the next problem's different reference, are judged wrong", () => {
    const tally = judge(
      gsm,
      gsmData,
      (item) => {
        const index = gsmData.indexOf(item);
        const value = (reference: string) => BigInt(reference.replace(/,/g, ''));
        const other = [...gsmData.slice(index + 1), ...gsmData].find((candidate) => value(candidate.reference) !== value(item.reference))!;
        return [...gsmDifferent(item.reference), { form: 'next different reference', text: other.reference }].map((statement) => ({
          ...statement,
          response: `${item.reasoning}\nThe answer is \\boxed{${statement.text}}.`,
        }));
      },
      false,
    );
    expect(tally.statements).toBeGreaterThan(1319 * 2);
    expectOnlyListedExceptions(tally);
  });

  it('MATH: every restatement of the reference, stated after the solution, is judged correct', () => {
    const tally = judge(
      math,
      mathData,
      (item) =>
        mathRestatements(item.reference).map((statement) => ({
          ...statement,
          response: `${item.reasoning}\n\nSo the final answer is $\\boxed{${statement.text}}$.`,
        })),
      true,
    );
    expect(tally.statements).toBeGreaterThan(5000 * 2);
    expectOnlyListedExceptions(tally);
  });

  it('MATH: an answer that differs by construction is judged wrong', () => {
    const tally = judge(
      math,
      mathData,
      (item) =>
        mathDifferent(item.reference).map((statement) => ({
          ...statement,
          response: `${item.reasoning}\n\nSo the final answer is $\\boxed{${statement.text}}$.`,
        })),
      false,
    );
    expect(tally.statements).toBeGreaterThan(5000);
    expectOnlyListedExceptions(tally);
  });

  it('would catch a checker that accepts everything, or nothing', () => {
    const lenient: AnswerChecker = { ...math, equivalent: () => true };
    const strict: AnswerChecker = { ...math, equivalent: () => false };
    const sample = mathData.slice(0, 50);
    const different = (item: Item) => mathDifferent(item.reference).map((statement) => ({ ...statement, response: `$\\boxed{${statement.text}}$` }));
    const same = (item: Item) => mathRestatements(item.reference).map((statement) => ({ ...statement, response: `$\\boxed{${statement.text}}$` }));
    const accepted = judge(lenient, sample, different, false);
    const rejected = judge(strict, sample, same, true);
    expect(accepted.unexpected).toHaveLength(accepted.statements);
    expect(rejected.unexpected).toHaveLength(rejected.statements);
  });

  it('lists no exception that no longer occurs', () => {
    expect(Object.keys(EXCEPTIONS).filter((key) => !seenExceptions.has(key))).toEqual([]);
  });
});
