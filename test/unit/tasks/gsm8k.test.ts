import { gsm8kFinalAnswer, parseGsm8k } from '../../../core/tasks/gsm8k';

const line = (question: unknown, answer: unknown) => JSON.stringify({ question, answer });

describe('GSM8K loader', () => {
  it("asks Du et al.'s prompt with the question and keeps the number after ####", () => {
    const text = `${line('Tom has 3 apples and buys 4. How many?', 'He has 3+4=<<3+4=7>>7.\n#### 7')}\n\n${line('A debt of $1,500 is halved?', '#### 1,500')}\n`;
    const [first, second] = parseGsm8k(text, 'gsm.jsonl');
    expect(first).toEqual({
      id: 'gsm8k-1',
      prompt:
        'Can you solve the following math problem? Tom has 3 apples and buys 4. How many? Explain your reasoning. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response. ',
      text: 'Tom has 3 apples and buys 4. How many?',
      reference: '7',
      source: { file: 'gsm.jsonl', line: 1 },
    });
    expect(second).toMatchObject({ id: 'gsm8k-3', reference: '1500', source: { line: 3 } });
  });

  it.each([
    ['... #### 18', '18'],
    ['#### -3', '-3'],
    ['#### 2.5', '2.5'],
    ['#### 1,234,567', '1234567'],
    ['no marker 18', null],
    ['#### eighteen', null],
  ])('reads the final answer of %j', (solution, expected) => {
    expect(gsm8kFinalAnswer(solution)).toBe(expected);
  });

  it.each([
    [`${line('q', '#### 1')}\n{"question": "q2", "answer": `, /^gsm\.jsonl:2: invalid JSON/],
    [`${line('q', '#### 1')}\n[1, 2]`, /^gsm\.jsonl:2: expected a JSON object/],
    [JSON.stringify({ answer: '#### 1' }), /^gsm\.jsonl:1: field "question": missing/],
    [line(12, '#### 1'), /^gsm\.jsonl:1: field "question": expected a string, got 12/],
    [line('  ', '#### 1'), /^gsm\.jsonl:1: field "question": empty/],
    [`\n${line('q', 'the answer is 4')}`, /^gsm\.jsonl:2: field "answer": no number after a final "####"/],
  ])('rejects a bad record, naming file, line and field (%#)', (text, message) => {
    expect(() => parseGsm8k(text, 'gsm.jsonl')).toThrow(message);
  });
});
