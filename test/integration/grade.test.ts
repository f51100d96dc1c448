/**
 * `maft grade` through the built CLI (dist/, made by `npm run build`): one response, and JSONL
 * records from a file or stdin.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../activities/project-root';

const maft = (args: string[], input?: string) => {
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'grade', ...args], { input, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-grade-'));

describe('maft grade, one response', () => {
  it('prints the extracted answer and the verdict', () => {
    expect(maft(['--task', 'gsm8k', '--reference', '18', '--response', 'She sells 9 eggs at $2: \\boxed{18}.'])).toEqual({
      code: 0,
      stdout: 'extracted: 18\nverdict: correct\n',
      stderr: '',
    });
    expect(maft(['--task', 'mmlu', '--reference', 'B', '--response', 'The answer is (C).']).stdout).toBe('extracted: C\nverdict: wrong\n');
    expect(maft(['--task', 'math', '--reference', '\\frac{1}{2}', '--response', 'So $\\boxed{\\frac{1}{2}}$.']).stdout).toBe(
      'extracted: \\frac{1}{2}\nverdict: correct\n',
    );
    expect(maft(['--task', 'arithmetic', '--reference', '-27', '--response', 'Then 3 + 20 + 6 - 56 = -27. The answer is -27.']).stdout).toBe(
      'extracted: -27\nverdict: correct\n',
    );
  });

  it('says when no final answer can be read', () => {
    expect(maft(['--task', 'choice', '--reference', 'A', '--response', 'I cannot tell.']).stdout).toBe(
      'extracted: (none)\nverdict: wrong (no final answer found)\n',
    );
  });

  it('names what is missing or unknown', () => {
    expect(maft(['--task', 'gsm8k', '--response', 'x'])).toMatchObject({
      code: 1,
      stderr: 'maft: grade: give --reference (or --input for a JSONL file of records)\n',
    });
    expect(maft(['--task', 'gsm', '--reference', '1', '--response', 'x'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown task or checker "gsm"'),
    });
  });
});

describe('maft grade, JSONL records', () => {
  const records = [
    { task: 'gsm8k', reference: '18', response: 'So \\boxed{18}.', id: 'a' },
    { task: 'mmlu', reference: 'D', response: 'I choose (A).', id: 'b' },
    { task: 'exact', reference: 'Paris', response: 'no box here', id: 'c' },
  ];
  const expected = [
    { ...records[0], extracted: '18', correct: true },
    { ...records[1], extracted: 'A', correct: false },
    { ...records[2], extracted: null, correct: false },
  ];
  const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');
  const parse = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as object);

  it('reads a file and writes each record with "extracted" and "correct" to a file', () => {
    writeFileSync(path.join(dir, 'in.jsonl'), jsonl(records));
    const run = maft(['--input', path.join(dir, 'in.jsonl'), '--output', path.join(dir, 'out.jsonl')]);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(parse(readFileSync(path.join(dir, 'out.jsonl'), 'utf8'))).toEqual(expected);
  });

  it('reads stdin and writes stdout', () => {
    const run = maft(['--input', '-'], jsonl(records));
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toEqual(expected);
  });

  it('names the file, line and field of a bad record', () => {
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, `${jsonl(records.slice(0, 1))}\n{"task": "gsm8k", "reference": "1"}\n`);
    expect(maft(['--input', file])).toMatchObject({ code: 1, stdout: '', stderr: `maft: ${file}:3: field "response": missing\n` });
    expect(maft(['--input', '-'], '{"task": "nope", "reference": "1", "response": "x"}\n')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^maft: \(stdin\):1: field "task": unknown task or checker "nope"/),
    });
    expect(maft(['--input', '-'], 'not json\n')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^maft: \(stdin\):1: invalid JSON/) });
  });
});
