/**
 * Topics of the simulated agents' skill. An arithmetic question a+b*c+d-e*f falls into one of three
 * difficulty classes by how many of its two products are large (>= 150): easy (none, about 22% of
 * questions), medium (one, about 50%) and hard (both, about 28%).
 */
export const TOPICS = ['arithmetic-easy', 'arithmetic-medium', 'arithmetic-hard'] as const;
export type Topic = (typeof TOPICS)[number];

/** A product at least this large makes a question harder. */
export const LARGE_PRODUCT = 150;

/** The operands of an arithmetic question, as written in the authors' prompt. */
export interface ArithmeticExpression {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

const EXPRESSION = /What is the result of (\d+)\+(\d+)\*(\d+)\+(\d+)-(\d+)\*(\d+)\?/;

/** The expression in a prompt, or undefined when the text holds no arithmetic question. */
export function findExpression(text: string): ArithmeticExpression | undefined {
  const match = EXPRESSION.exec(text);
  if (!match) return undefined;
  const [a, b, c, d, e, f] = match.slice(1).map(Number);
  return { a, b, c, d, e, f };
}

export function topicOf(x: ArithmeticExpression): Topic {
  const large = Number(x.b * x.c >= LARGE_PRODUCT) + Number(x.e * x.f >= LARGE_PRODUCT);
  return TOPICS[large];
}
