import { parseCsv } from '../../../core/tasks/csv';
import { mmluSubject, parseMmlu } from '../../../core/tasks/mmlu';

describe('CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and the line each record starts on', () => {
    const text = 'a,b,c\n"x, y","say ""hi""","two\nlines"\r\nlast,,\n\n';
    expect(parseCsv(text, 'f.csv')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 4, fields: ['last', '', ''] },
    ]);
  });

  it('reads a last record without a line break', () => {
    expect(parseCsv('a,b\nc,"d"', 'f.csv')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ]);
  });

  it('names the line of an unterminated quote or of text after a closing quote', () => {
    expect(() => parseCsv('a,b\nc,"d\ne,f\n', 'f.csv')).toThrow(/^f\.csv:2: unterminated quoted field/);
    expect(() => parseCsv('a,b\n"c"d,e\n', 'f.csv')).toThrow(/^f\.csv:2: unexpected "d" after a quoted field/);
  });
});

describe('MMLU loader', () => {
  it('names the subject from the file name', () => {
    expect(mmluSubject('high_school_physics_test.csv')).toBe('high_school_physics');
    expect(mmluSubject('anatomy_dev.csv')).toBe('anatomy');
    expect(mmluSubject('README.md')).toBeNull();
  });

  it("asks Du et al.'s prompt with the four choices and keeps the answer letter", () => {
    const text = 'What is 2+2?,3,4,"5, or 6",none,B\n"A ""dished face"" is",x,y,z,w,D\n';
    const [first, second] = parseMmlu(text, 'anatomy_test.csv', 'anatomy');
    expect(first).toEqual({
      id: 'mmlu-anatomy-1',
      prompt:
        'Can you answer the following question as accurately as possible? What is 2+2?: A) 3, B) 4, C) 5, or 6, D) none Explain your answer, putting the answer in the form (X) at the end of your response.',
      text: 'What is 2+2?: A) 3, B) 4, C) 5, or 6, D) none',
      reference: 'B',
      source: { file: 'anatomy_test.csv', line: 1 },
    });
    expect(second).toMatchObject({ id: 'mmlu-anatomy-2', text: 'A "dished face" is: A) x, B) y, C) z, D) w', reference: 'D' });
  });

  it.each([
    ['q,a,b,c,d,A\nq,a,b,c,E\n', /^s\.csv:2: expected 6 columns \(question, A, B, C, D, answer\), got 5/],
    ['q,a,b,c,d,A\nq,a,b,c,d,E\n', /^s\.csv:2: field "answer": expected one of A, B, C, D, got "E"/],
    ['"multi\nline",a,b,c,d,A\n,a,b,c,d,A\n', /^s\.csv:3: field "question": empty/],
  ])('rejects a bad row, naming file, line and field (%#)', (text, message) => {
    expect(() => parseMmlu(text, 's.csv', 's')).toThrow(message);
  });
});
