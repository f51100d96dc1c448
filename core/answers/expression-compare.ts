/**
 * Whether two LaTeX expressions are equal (or, for equations, proportional): both are evaluated
 * at the same fixed rational sample points in the most exact arithmetic that can hold them
 * (evaluation-modes.ts). For expressions with variables this is the classic randomized identity
 * test (Schwartz-Zippel), made deterministic by fixed points. Work is bounded by construction, not by
 * a clock: expressions are at most 400 characters and 300 nodes, exact powers and factorials are
 * capped, so every comparison ends quickly and gives the same result on every machine.
 */
import type { EvalFunction, MathNode, OperatorNode } from 'mathjs';
import { evaluationModes, type EvaluationMode } from './evaluation-modes';
import { latexToMathjs } from './latex-to-mathjs';

const floatMode = evaluationModes[evaluationModes.length - 1];
const CONSTANTS = new Set(['i', 'e', 'pi', 'Infinity']);
const MAX_NODES = 300;
/** Rational mode only while the product of nested exponents stays below this (x^96 ok, 2^{10^6} not). */
const MAX_RATIONAL_POWER = 4096;
/** Larger factorial or binomial arguments are not evaluated (floats would overflow: 1/2004! = 0). */
const MAX_FACTORIAL_ARGUMENT = 5000;
const SAMPLE_COUNT = 6;
/** Float mode skips points where a side is not finite (a pole); this many must remain. */
const MIN_FLOAT_SAMPLES = 4;

interface CompiledExpression {
  variables: string[];
  byMode: Map<EvaluationMode, EvalFunction>;
}

/** a = b at every sample point ('equal'), or a = c * b for one constant c != 0 ('proportional'). */
export function expressionsEquivalent(a: string, b: string, relation: 'equal' | 'proportional' = 'equal'): boolean {
  const left = compileLatex(a);
  const right = compileLatex(b);
  if (!left || !right) return false;
  const variables = [...new Set([...left.variables, ...right.variables])].sort();
  const points = variables.length === 0 ? [[]] : samplePoints(variables.length);
  for (const mode of evaluationModes) {
    const pairs = evaluatePairs(mode, left, right, variables, points);
    if (pairs === null) continue;
    return relation === 'equal' ? pairs.every(([x, y]) => mode.close(x, y)) : proportional(mode, pairs);
  }
  return false;
}

/**
 * The fixed sample points: at sample k, variable j takes (2 + (13k + 29j) mod 41) / (3 + (7k + 5j) mod 11),
 * negated when (k + 2j) mod 3 = 1. Rational, mostly non-integer, of both signs.
 */
export function samplePoints(variableCount: number): Array<Array<[number, number]>> {
  return Array.from({ length: SAMPLE_COUNT }, (_, k) =>
    Array.from({ length: variableCount }, (_, j): [number, number] => {
      const numerator = 2 + ((13 * k + 29 * j) % 41);
      return [(k + 2 * j) % 3 === 1 ? -numerator : numerator, 3 + ((7 * k + 5 * j) % 11)];
    }),
  );
}

function evaluatePairs(
  mode: EvaluationMode,
  left: CompiledExpression,
  right: CompiledExpression,
  variables: string[],
  points: Array<Array<[number, number]>>,
): Array<[unknown, unknown]> | null {
  const leftFunction = left.byMode.get(mode);
  const rightFunction = right.byMode.get(mode);
  if (!leftFunction || !rightFunction) return null;
  const pairs: Array<[unknown, unknown]> = [];
  for (const point of points) {
    const scope = Object.fromEntries(variables.map((name, j) => [name, mode.sample(...point[j])]));
    const x = evaluateIn(mode, leftFunction, scope);
    const y = evaluateIn(mode, rightFunction, scope);
    if (x !== null && y !== null) pairs.push([x, y]);
    else if (mode.name !== 'float') return null;
  }
  return pairs.length >= Math.min(points.length, MIN_FLOAT_SAMPLES) ? pairs : null;
}

function evaluateIn(mode: EvaluationMode, compiled: EvalFunction, scope: Record<string, unknown>): unknown {
  try {
    return mode.accept(compiled.evaluate({ ...scope }));
  } catch {
    return null;
  }
}

function proportional(mode: EvaluationMode, pairs: Array<[unknown, unknown]>): boolean {
  const zero = mode.sample(0, 1);
  const reference = pairs.find(([, y]) => !mode.close(y, zero));
  if (!reference) return pairs.every(([x]) => mode.close(x, zero));
  const factor = mode.math.divide(reference[0] as number, reference[1] as number);
  if (mode.close(factor, zero)) return false;
  return pairs.every(([x, y]) => mode.close(x, mode.math.multiply(factor, y as number)));
}

/** The expression compiled in every mode its size allows, with its free variables; null if it cannot be read. */
function compileLatex(latex: string): CompiledExpression | null {
  let text: string;
  let tree: MathNode;
  try {
    text = latexToMathjs(latex);
    tree = floatMode.math.parse(text);
  } catch {
    return null;
  }
  let nodes = 0;
  const variables = new Set<string>();
  tree.traverse((node, path, parent) => {
    nodes++;
    if (node.type === 'SymbolNode' && !(parent?.type === 'FunctionNode' && path === 'fn')) {
      const name = (node as MathNode & { name: string }).name;
      if (!CONSTANTS.has(name)) variables.add(name);
    }
  });
  if (nodes > MAX_NODES || largestFactorialArgument(tree) > MAX_FACTORIAL_ARGUMENT) return null;
  const rationalAllowed = exponentProduct(tree) <= MAX_RATIONAL_POWER;
  const byMode = new Map<EvaluationMode, EvalFunction>();
  for (const mode of evaluationModes) {
    if (mode.name === 'rational' && !rationalAllowed) continue;
    try {
      byMode.set(mode, mode.math.parse(text).compile());
    } catch {
      // this mode cannot read it (e.g. a literal its number type rejects): the others still may
    }
  }
  return { variables: [...variables], byMode };
}

/** A subtree's value if it has no variables and is a real number, else null. */
function constantValue(node: MathNode): number | null {
  try {
    const value: unknown = node.evaluate({});
    return typeof value === 'number' ? value : null;
  } catch {
    return null;
  }
}

/** The largest product of exponents along nested powers; a non-constant exponent counts as 64. */
function exponentProduct(node: MathNode): number {
  let largest = 1;
  node.forEach((child) => {
    largest = Math.max(largest, exponentProduct(child));
  });
  if (node.type === 'OperatorNode' && (node as OperatorNode).fn === 'pow') {
    const [base, exponent] = (node as OperatorNode).args;
    const value = constantValue(exponent);
    const own = value === null ? 64 : Math.abs(value);
    largest = Math.max(largest, own * exponentProduct(base));
  }
  return Number.isNaN(largest) ? Infinity : largest;
}

/** The largest constant argument of a factorial or binomial (0 if none; Infinity if not finite). */
function largestFactorialArgument(node: MathNode): number {
  let largest = 0;
  node.traverse((child) => {
    const isFactorial = child.type === 'OperatorNode' && (child as OperatorNode).fn === 'factorial';
    const isBinomial = child.type === 'FunctionNode' && (child as MathNode & { fn: { name: string } }).fn.name === 'combinations';
    if (!isFactorial && !isBinomial) return;
    for (const argument of (child as OperatorNode).args) {
      const value = constantValue(argument);
      if (value !== null) largest = Math.max(largest, Number.isFinite(value) ? Math.abs(value) : Infinity);
    }
  });
  return largest;
}
