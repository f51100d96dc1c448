/**
 * Normalization of a MATH-style LaTeX answer to a compact canonical string before it is read as a
 * structure: delimiters, spacing, \left/\right, \dfrac/\tfrac, thousands separators, currency,
 * percent, degree marks, \text{...} units and trailing words are rewritten or dropped, in the
 * spirit of Hendrycks et al.'s MATH normalization (arXiv 2103.03874, `is_equiv`).
 */
import { balancedGroup } from './boxed';

/** Answers longer than this are compared as trimmed strings only (keeps every comparison bounded). */
export const MAX_ANSWER_LENGTH = 1000;

const TEXT_COMMAND = /\\(?:text|textbf|textit|textrm|textsf|texttt|mbox|mathrm|mathbf|mathit|mathsf|operatorname|boxed|fbox)\s*\{/;
/** Trailing words that are part of the answer, not a unit: names of functions and constants, times of day. */
const KEPT_WORDS = new Set(['pi', 'sqrt', 'sin', 'cos', 'tan', 'sec', 'csc', 'cot', 'ln', 'log', 'exp', 'am', 'pm']);

const REPLACEMENTS: ReadonlyArray<[RegExp, string]> = [
  [/\\[dtc]frac/g, '\\frac'],
  [/\\(?:displaystyle|textstyle|scriptstyle)/g, ''],
  [/\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])\.?/g, ''],
  // "1,\!000" and "10{,}000" are thousands separators: join the digits.
  [/(\d)\s*(?:,\s*\\!|\{,\})\s*(?=\d{3}(?!\d))/g, '$1'],
  [/(?<!\\)\\(?:[!,;: ]|quad|qquad)|~/g, ' '],
  [/\\?\$/g, ''],
  [/\\?%/g, ''],
  [/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree(?![a-zA-Z])/g, '^\\circ'],
  [/\\infinity|∞/g, '\\infty'],
  [/π/g, '\\pi'],
  [/[−–]/g, '-'],
  [/×/g, '\\times'],
  [/·/g, '\\cdot'],
  [/√/g, '\\sqrt'],
  [/\+\s*\\infty/g, '\\infty'],
  [/\\varnothing|\\\{\s*\\\}/g, '\\emptyset'],
];

/** The canonical compact form of a LaTeX answer (see the module comment); "" for an empty answer. */
export function normalizeLatexAnswer(raw: string): string {
  let text = raw.trim();
  if (text.length > MAX_ANSWER_LENGTH) return text;
  text = stripMathDelimiters(text);
  for (const [pattern, replacement] of REPLACEMENTS) text = text.replace(pattern, replacement);
  text = rewriteTextGroups(text);
  text = text.replace(/^[a-zA-Z]\s*\\in\s*/, ''); // "x \in [-2,7]" states the interval
  text = dropTrailingWords(text);
  text = text.replace(/[\s.]+$/, '');
  text = compactSpaces(text);
  return dropBaseSubscripts(text);
}

function stripMathDelimiters(text: string): string {
  const wrapped = /^(?:\\\(([\s\S]*)\\\)|\\\[([\s\S]*)\\\])$/.exec(text);
  return wrapped ? (wrapped[1] ?? wrapped[2]).trim() : text;
}

/**
 * \text{...}-like groups: "and"/"or" between answers becomes a comma ("12\text{ and }13"); words
 * after a value are units and are dropped with their power ("100\text{ cm}^2", "18\text{ ways}");
 * any other group is unwrapped ("\text{(B)}" -> "(B)", "\text{Saturday}" -> "Saturday").
 */
function rewriteTextGroups(text: string): string {
  let result = '';
  let rest = text;
  for (;;) {
    const match = TEXT_COMMAND.exec(rest);
    if (!match) return result + rest;
    const openIndex = match.index + match[0].length - 1;
    const content = balancedGroup(rest, openIndex);
    if (content === null) return result + rest;
    result += rest.slice(0, match.index);
    rest = rest.slice(openIndex + content.length + 2);
    const words = content.trim();
    if (/^(?:and|or)$/i.test(words)) {
      result += ',';
    } else if (/^[a-zA-Z][a-zA-Z .]*$/.test(words) && /(?:[\da-zA-Z})]|\\circ)\s*$/.test(result) && !/^\\(?:boxed|fbox)/.test(match[0])) {
      rest = rest.replace(/^\s*\^\s*(?:\{\s*\d\s*\}|\d)/, '');
    } else {
      result += content;
    }
  }
}

/** "18 ways.", "5 square feet": plain words after a value are units. */
function dropTrailingWords(text: string): string {
  const match = /([\d})]|\\circ)((?:\s+[a-zA-Z]{2,}\.?)+)\s*(?:\^\s*\d)?\s*$/.exec(text);
  if (!match) return text;
  const words = match[2]
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/\.$/, '').toLowerCase());
  if (words.some((word) => KEPT_WORDS.has(word))) return text;
  return text.slice(0, match.index + match[1].length);
}

/** Drops whitespace, except one space that keeps a command apart from a following letter ("\pi r"). */
function compactSpaces(text: string): string {
  return text.replace(/\s+/g, (space, offset: number) => {
    const before = /\\[a-zA-Z]+$/.test(text.slice(0, offset));
    const after = /^[a-zA-Z]/.test(text.slice(offset + space.length));
    return before && after ? ' ' : '';
  });
}

/** "1101_4", "152A_{11}": a numeral in base b is compared by its digits. */
function dropBaseSubscripts(text: string): string {
  return text.replace(/(?<![a-zA-Z\\])([0-9A-Z.]+)_(?:\{(\d+)\}|(\d))/g, (whole, numeral: string) => (/\d/.test(numeral) ? numeral : whole));
}
