import { parseJsonlTask } from '../../../core/tasks/jsonl-task';

const TEMPLATE = 'Q: {question} Answer in \\boxed{}. ({question})';

describe('a JSONL task of your own', () => {
  it('fills the template with the question field and keeps the answer field (strings or numbers)', () => {
    const text = '{"q": "2+2?", "a": 4}\n{"q": "Capital of France?", "a": " Paris "}\n';
    expect(parseJsonlTask(text, 'mine.jsonl', { question: 'q', answer: 'a' }, TEMPLATE)).toEqual([
      { id: 'jsonl-1', prompt: 'Q: 2+2? Answer in \\boxed{}. (2+2?)', text: '2+2?', reference: '4', source: { file: 'mine.jsonl', line: 1 } },
      {
        id: 'jsonl-2',
        prompt: 'Q: Capital of France? Answer in \\boxed{}. (Capital of France?)',
        text: 'Capital of France?',
        reference: 'Paris',
        source: { file: 'mine.jsonl', line: 2 },
      },
    ]);
  });

  it('takes ids from a configured field, made safe for file names, and keeps the original in the source', () => {
    const [q] = parseJsonlTask(
      '{"question": "x", "answer": "y", "uid": "set/1 a"}',
      'f.jsonl',
      { question: 'question', answer: 'answer', id: 'uid' },
      '{question}',
    );
    expect(q.id).toBe('jsonl-set-1-a');
    expect(q.source).toEqual({ file: 'f.jsonl', line: 1, id: 'set/1 a' });
  });

  it('leaves a $ in a question as it is', () => {
    expect(parseJsonlTask('{"question": "Cost $& $1?", "answer": "1"}', 'f.jsonl', { question: 'question', answer: 'answer' }, '<{question}>')[0].prompt).toBe(
      '<Cost $& $1?>',
    );
  });

  it.each([
    ['{"question": "x"}', { question: 'question', answer: 'answer' }, /^f\.jsonl:1: field "answer": missing/],
    ['{"question": "x", "answer": "y"}', { question: 'prompt', answer: 'answer' }, /^f\.jsonl:1: field "prompt": missing/],
    ['{"question": "x", "answer": true}', { question: 'question', answer: 'answer' }, /^f\.jsonl:1: field "answer": expected a string, got true/],
    [
      '{"question": "x", "answer": "1", "id": 7}\n{"question": "y", "answer": "2", "id": "7"}',
      { question: 'question', answer: 'answer', id: 'id' },
      /^f\.jsonl:2: field "id": id "jsonl-7" already used on line 1/,
    ],
  ])('rejects a bad record, naming file, line and field (%#)', (text, fields, message) => {
    expect(() => parseJsonlTask(text, 'f.jsonl', fields, '{question}')).toThrow(message);
  });
});
