/**
 * Topics of the simulated agents' skill: Appendix G's three topics A, B and C. An arithmetic
 * question a+b*c+d-e*f belongs to topic TOPICS[(a+b+c+d+e+f) mod 3], so the three are about equally
 * frequent (Appendix G's premise: a model's share of correct answers on a topic is its share of skill).
 * The topic is a label, not a difficulty: every topic's questions are alike.
 */
export const TOPICS = ['A', 'B', 'C'] as const;
export type Topic = (typeof TOPICS)[number];

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
  return TOPICS[(x.a + x.b + x.c + x.d + x.e + x.f) % TOPICS.length];
}
