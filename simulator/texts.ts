/**
 * The wording of the simulated agents' responses. Every response ends with "The answer is N." so
 * the last number stated is the agent's answer (what core's parseArithmeticAnswer reads).
 */
import { randomInt } from '../core/random';
import type { ArithmeticExpression } from './topics';

/** How an answer was worked out: the two products used (maybe miscomputed), or a left-to-right slip. */
export type Working = { kind: 'products'; p1: number; p2: number; result: number } | { kind: 'left-to-right'; steps: number[]; result: number };

/** Number of phrasings of a worked solution; a model prefers one of them (its "reasoning style"). */
export const STYLE_COUNT = 3;

export function expressionText(x: ArithmeticExpression): string {
  return `${x.a}+${x.b}*${x.c}+${x.d}-${x.e}*${x.f}`;
}

/** The correct working of an expression. */
export function correctWorking(x: ArithmeticExpression): Working {
  const p1 = x.b * x.c;
  const p2 = x.e * x.f;
  return { kind: 'products', p1, p2, result: x.a + p1 + x.d - p2 };
}

/**
 * A plausible wrong working, chosen by `rng`: one product off by one factor, one product off by
 * ten, or ignoring operator precedence. Always differs from the true value.
 */
export function wrongWorking(x: ArithmeticExpression, rng: () => number): Working {
  const truth = correctWorking(x).result;
  const kind = randomInt(rng, 0, 3);
  const which = randomInt(rng, 0, 1);
  const [left, right] = which === 0 ? [x.b, x.c] : [x.e, x.f];
  let product = left * right;
  if (kind === 0) product = left * (right + 1);
  else if (kind === 1) product = left * Math.max(0, right - 1);
  else if (kind === 2) product = left * right + (rng() < 0.5 ? 10 : -10);
  else {
    const steps = [x.a + x.b];
    steps.push(steps[0] * x.c, steps[0] * x.c + x.d, steps[0] * x.c + x.d - x.e);
    const result = (steps[0] * x.c + x.d - x.e) * x.f;
    steps.push(result);
    if (result !== truth) return { kind: 'left-to-right', steps, result };
    product = left * right + 10;
  }
  if (product === left * right) product = left * right + 10;
  const p1 = which === 0 ? product : x.b * x.c;
  const p2 = which === 1 ? product : x.e * x.f;
  return { kind: 'products', p1, p2, result: x.a + p1 + x.d - p2 };
}

/** A worked solution in one of STYLE_COUNT phrasings. */
export function solutionText(x: ArithmeticExpression, w: Working, style: number): string {
  const expr = expressionText(x);
  if (w.kind === 'left-to-right') {
    const [s1, s2, s3, s4, r] = w.steps;
    return (
      `Working through ${expr} from left to right: ${x.a}+${x.b} = ${s1}, times ${x.c} is ${s2}, ` +
      `plus ${x.d} is ${s3}, minus ${x.e} is ${s4}, times ${x.f} is ${r}. The answer is ${r}.`
    );
  }
  const { p1, p2, result } = w;
  switch (style % STYLE_COUNT) {
    case 0:
      return (
        `To compute ${expr}, I do the multiplications first: ${x.b}*${x.c} = ${p1} and ${x.e}*${x.f} = ${p2}. ` +
        `Then ${x.a} + ${p1} + ${x.d} - ${p2} = ${result}. The answer is ${result}.`
      );
    case 1: {
      const s1 = x.a + p1;
      const s2 = s1 + x.d;
      return (
        `Following the order of operations, ${x.b}*${x.c} is ${p1} and ${x.e}*${x.f} is ${p2}. ` +
        `Adding and subtracting from left to right: ${x.a} + ${p1} = ${s1}, ${s1} + ${x.d} = ${s2}, ` +
        `${s2} - ${p2} = ${result}. The answer is ${result}.`
      );
    }
    default:
      return (
        `Let me break ${expr} into parts. The products are ${p1} (${x.b} times ${x.c}) and ${p2} ` +
        `(${x.e} times ${x.f}). So the result is ${x.a} + ${p1} + ${x.d} - ${p2} = ${result}. The answer is ${result}.`
      );
  }
}

/** A critic that re-derived the answer itself. */
export function recheckText(solution: string, own: number | undefined, result: number): string {
  const verdict =
    own === undefined
      ? 'I did not state a clear answer before, so I worked it out again.'
      : own === result
        ? 'My earlier solution holds up after checking it against the other solutions.'
        : 'My earlier solution contained a mistake, which the other solutions helped me find.';
  return `${verdict} ${solution}`;
}

/** A critic that followed what the other agents said. */
export function followText(own: number | undefined, others: number[], chosen: number): string {
  const listed = others.length > 0 ? `The other agents answered ${others.join(', ')}` : 'No other agent stated an answer';
  const mine = own === undefined ? 'I had no clear answer of my own' : `my earlier answer was ${own}`;
  const decision = own === chosen ? 'After reviewing them, I keep my answer.' : 'Most of the reasoning points the same way, so I update my answer.';
  return `${listed}, and ${mine}. ${decision} The answer is ${chosen}.`;
}

/** An agent asked something that is not an arithmetic question. */
export function unknownQuestionText(guess: number): string {
  return `I am not certain how to solve this question, so this is my best estimate. The answer is ${guess}.`;
}

/** A reply that states no answer at all (the unparseableRate fault): no digit in it. */
export const UNPARSEABLE_TEXT = 'I could not work this one out, so I will not state a final result.';

/** The summary of other agents' opinions: one sentence per opinion, stating its final answer. */
export function summaryText(answers: Array<number | undefined>): string {
  if (answers.length === 0) return 'There are no opinions from other agents to summarize.';
  const sentences = answers.map((answer, i) => {
    const who = i === 0 ? 'One agent' : 'Another agent';
    return answer === undefined ? `${who} does not state a clear final answer.` : `${who} says the answer is ${answer}.`;
  });
  return `Here is a summary of the other agents' responses. ${sentences.join(' ')}`;
}
