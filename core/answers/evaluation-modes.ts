/**
 * The three arithmetics an expression is evaluated in, most exact first (mathjs): rationals
 * (fraction.js: "0.5" = "1/2" exactly, "2010012/2010013" != "2010013/2010014"), 64-digit decimals
 * (decimal.js: roots, pi, trig, 2^2005) and complex floats (i, roots of negatives). A mode accepts a
 * result only if it is finite and of its own type; otherwise the comparison moves to the next mode.
 */
import { all, create, type BigNumber, type Complex, type Fraction, type MathJsInstance } from 'mathjs';

export interface EvaluationMode {
  readonly name: 'rational' | 'decimal' | 'float';
  readonly math: MathJsInstance;
  /** The value bound to a variable at a sample point p/q. */
  sample(numerator: number, denominator: number): unknown;
  /** The result as a comparable value of this mode, or null (wrong type, not finite). */
  accept(value: unknown): unknown;
  /** Equal in this mode: exactly for rationals, to a relative tolerance otherwise. */
  close(a: unknown, b: unknown): boolean;
}

const rationalMath = create(all, { number: 'Fraction' });
// n! and C(n, k) of natural numbers, exactly (mathjs has no rational versions); callers cap n
// (expression-compare.ts).
function natural(value: Fraction): bigint {
  if (value.d !== 1n || value.s < 0n) throw new RangeError('not a natural number');
  return value.n;
}
function fallingProduct(from: bigint, count: bigint): bigint {
  let product = 1n;
  for (let k = 0n; k < count; k++) product *= from - k;
  return product;
}
rationalMath.import(
  {
    factorial: rationalMath.typed('factorial', {
      Fraction: (n: Fraction) => rationalMath.fraction(fallingProduct(natural(n), natural(n)).toString()),
    }),
    combinations: rationalMath.typed('combinations', {
      'Fraction, Fraction': (n: Fraction, k: Fraction) => {
        const [total, chosen] = [natural(n), natural(k)];
        if (chosen > total) return rationalMath.fraction(0);
        return rationalMath.fraction(`${fallingProduct(total, chosen)}/${fallingProduct(chosen, chosen)}`);
      },
    }),
  },
  { override: true },
);

const decimalMath = create(all, { number: 'BigNumber', precision: 64 });
const floatMath = create(all, { number: 'number' });

/** Relative tolerance of the decimal mode: far above its rounding error (1e-64), far below any real difference. */
const DECIMAL_TOLERANCE = decimalMath.bignumber('1e-40');
/** Below this, a decimal difference is rounding error around zero (e.g. sin(pi) = 0). */
const DECIMAL_ZERO = decimalMath.bignumber('1e-60');
/** Relative tolerance of the float mode (rounding error is about 1e-16). */
const FLOAT_TOLERANCE = 1e-9;

const rational: EvaluationMode = {
  name: 'rational',
  math: rationalMath,
  sample: (numerator, denominator) => rationalMath.fraction(numerator, denominator),
  accept: (value) => (rationalMath.isFraction(value) ? value : null),
  close: (a, b) => (a as Fraction).equals(b as Fraction),
};

const decimal: EvaluationMode = {
  name: 'decimal',
  math: decimalMath,
  sample: (numerator, denominator) => decimalMath.bignumber(numerator).div(denominator),
  accept: (value) => (decimalMath.isBigNumber(value) && value.isFinite() ? value : null),
  close: (a, b) => {
    const [x, y] = [a as BigNumber, b as BigNumber];
    const difference = x.minus(y).abs();
    return difference.lte(DECIMAL_ZERO) || difference.lte(decimalMath.max(x.abs(), y.abs()).times(DECIMAL_TOLERANCE));
  },
};

const float: EvaluationMode = {
  name: 'float',
  math: floatMath,
  sample: (numerator, denominator) => numerator / denominator,
  accept: (value) => {
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (floatMath.isComplex(value)) return Number.isFinite(value.re) && Number.isFinite(value.im) ? value : null;
    return null;
  },
  close: (a, b) => {
    const difference = floatMath.abs(floatMath.subtract(a as Complex, b as Complex)) as unknown as number;
    const scale = Math.max(1, floatMath.abs(a as Complex) as unknown as number, floatMath.abs(b as Complex) as unknown as number);
    return difference <= FLOAT_TOLERANCE * scale;
  },
};

export const evaluationModes: readonly EvaluationMode[] = [rational, decimal, float];
