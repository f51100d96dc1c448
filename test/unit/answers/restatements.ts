/**
 * Answers built from a benchmark reference for the measurement test: restatements that are equal
 * to it by construction, and statements that differ from it by construction.
 */

export interface Statement {
  /** How the statement was built (names an exception in the measurement test). */
  form: string;
  text: string;
}

/** One reference expression with no list, interval, equation, text, unit or base: 2(E)/2 = E and 2(E)/2 + 1 != E. */
const SINGLE_EXPRESSION = /^(?![\s\S]*(?:[,=<>:_]|\\text|\\mbox|\\begin|\\cup|\\pm|\\infty|\\circ|%|\\\$|\\overline))[^([][\s\S]*$/;

function withThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** GSM8K: the value with or without separators, with decimals or a dollar sign. */
export function gsmRestatements(reference: string): Statement[] {
  const digits = reference.replace(/,/g, '');
  return [
    { form: 'as given', text: reference },
    { form: 'no separators', text: digits },
    { form: 'separators', text: withThousands(digits) },
    { form: 'decimals', text: `${digits}.00` },
    { form: 'dollars', text: `$${digits}` },
  ];
}

/** GSM8K: the value plus one, and its negation when it is not zero. */
export function gsmDifferent(reference: string): Statement[] {
  const value = BigInt(reference.replace(/,/g, ''));
  const statements = [{ form: 'plus one', text: String(value + 1n) }];
  if (value !== 0n) statements.push({ form: 'negated', text: String(-value) });
  return statements;
}

/** MATH: the reference restyled (\dfrac, no \left/\right), integers and simple fractions rewritten, 2(E)/2. */
export function mathRestatements(reference: string): Statement[] {
  const trimmed = reference.trim();
  const statements: Statement[] = [
    { form: 'as given', text: reference },
    {
      form: 'restyled',
      text: reference
        .replace(/\\[dtc]?frac/g, '\\dfrac')
        .replace(/\\left|\\right/g, '')
        .replace(/\s+/g, ' '),
    },
  ];
  const integer = /^(-?)(\d+)$/.exec(trimmed);
  if (integer) {
    statements.push({ form: 'x = n', text: `x = ${trimmed}` });
    statements.push({ form: 'separators', text: integer[1] + withThousands(integer[2]) });
    statements.push({ form: 'decimals', text: `${trimmed}.0` });
  }
  const fraction = /^(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}$/.exec(trimmed);
  if (fraction) statements.push({ form: 'a/b', text: `${fraction[1]}${fraction[2]}/${fraction[3]}` });
  const expression = trimmed.replace(/\.$/, ''); // a sentence's full stop is not part of E
  if (SINGLE_EXPRESSION.test(expression)) statements.push({ form: '2(E)/2', text: `\\frac{2\\left(${expression}\\right)}{2}` });
  return statements;
}

/**
 * MATH: the last numeral raised by one (outside subscripts and unit powers); with no numeral,
 * "\text{not }T" for a text answer T and "E+1" for an expression E; the negation of a non-zero
 * integer; 2(E)/2 + 1 for a single expression.
 */
export function mathDifferent(reference: string): Statement[] {
  const trimmed = reference.trim();
  const numerals = [...reference.matchAll(/\d+/g)].filter(({ index }) => {
    const before = reference.slice(0, index);
    return !/_\{?$/.test(before) && !/\\(?:text|mbox)\s*\{[^}]*\}\s*\^\{?$/.test(before);
  });
  const last = numerals[numerals.length - 1];
  const statements: Statement[] = [];
  if (last) {
    const raised = (BigInt(last[0]) + 1n).toString().padStart(last[0].length, '0');
    statements.push({ form: 'last numeral + 1', text: reference.slice(0, last.index) + raised + reference.slice(last.index + last[0].length) });
  } else if (/\\(?:text|mbox)/.test(reference)) {
    statements.push({ form: 'not T', text: `\\text{not }${reference}` });
  } else {
    statements.push({ form: 'E + 1', text: `${reference}+1` });
  }
  if (/^-?\d+$/.test(trimmed) && BigInt(trimmed) !== 0n) statements.push({ form: 'negated', text: String(-BigInt(trimmed)) });
  const expression = trimmed.replace(/\.$/, '');
  if (SINGLE_EXPRESSION.test(expression)) statements.push({ form: '2(E)/2 + 1', text: `\\frac{2\\left(${expression}\\right)}{2} + 1` });
  return statements;
}
