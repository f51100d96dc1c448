/**
 * The shape of a normalized MATH answer: a single expression, an ordered tuple or interval, an
 * unordered collection (a list of solutions, a set, a union of intervals, the two values of "\pm"),
 * a matrix, or an equation. Shapes are compared element-wise by math-equivalence.ts.
 */
export type AnswerShape =
  | { kind: 'scalar'; text: string }
  | { kind: 'tuple'; open: string; close: string; items: AnswerShape[] }
  | { kind: 'collection'; of: 'list' | 'union'; items: AnswerShape[] }
  | { kind: 'matrix'; rows: AnswerShape[][] }
  | { kind: 'equation'; left: string; right: string };

const MATRIX = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[lcr|]*\})?([\s\S]*)\\end\{\1\}$/;
/** "1,000" and "70,110": digits in groups of three read as one number or as a list of two. */
const AMBIGUOUS_THOUSANDS = /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** Every reading of a normalized answer: one, or two when commas may be thousands separators. */
export function answerReadings(normalized: string): AnswerShape[] {
  const readings = [shapeOf(normalized)];
  if (AMBIGUOUS_THOUSANDS.test(normalized)) readings.unshift({ kind: 'scalar', text: normalized.replace(/,/g, '') });
  return readings;
}

export function shapeOf(text: string): AnswerShape {
  const matrix = MATRIX.exec(text);
  if (matrix) {
    const rows = splitTopLevel(matrix[2], '\\\\').filter((row) => row.trim() !== '');
    return { kind: 'matrix', rows: rows.map((row) => splitTopLevel(row, '&').map((cell) => shapeOf(cell.trim()))) };
  }
  const unionParts = splitTopLevel(text, '\\cup');
  if (unionParts.length > 1) return { kind: 'collection', of: 'union', items: unionParts.map(shapeOf) };
  const commaParts = splitTopLevel(text, ',');
  if (commaParts.length > 1) return listOf(commaParts);
  if (text.startsWith('\\{') && text.endsWith('\\}') && closingIndex(text, 0) === text.length - 2) {
    return listOf(splitTopLevel(text.slice(2, -2), ','));
  }
  if (/^[([]/.test(text) && /[)\]]$/.test(text) && closingIndex(text, 0) === text.length - 1) {
    const items = splitTopLevel(text.slice(1, -1), ',');
    if (items.length > 1) return { kind: 'tuple', open: text[0], close: text[text.length - 1], items: items.map(shapeOf) };
    if (text[0] === '(') return shapeOf(text.slice(1, -1));
  }
  const plusMinus = splitTopLevel(text, '\\pm');
  if (plusMinus.length === 2) {
    const [before, after] = plusMinus;
    return { kind: 'collection', of: 'list', items: [shapeOf(`${before}+${after}`), shapeOf(`${before}-${after}`)] };
  }
  const sides = splitTopLevel(text, '=');
  if (sides.length === 2) return sides[0] === '' ? shapeOf(sides[1]) : { kind: 'equation', left: sides[0], right: sides[1] };
  // "30^\circ" states 30; inside "\cos 13^\circ" the degrees are part of the value.
  const hasFunction = /\\(?:sin|cos|tan|sec|csc|cot)/.test(text);
  return { kind: 'scalar', text: hasFunction ? text : text.replace(/\^\\circ$/, '') };
}

/** An unordered list; a "\pm" item contributes its two values to it ("\{1\pm\sqrt5,-2\}" has three). */
function listOf(parts: string[]): AnswerShape {
  const items = parts.map(shapeOf).flatMap((item) => (item.kind === 'collection' && item.of === 'list' ? item.items : [item]));
  return { kind: 'collection', of: 'list', items };
}

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/** Splits at `separator` where no bracket or brace is open ("\{", "\}" count as braces). */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  const isCommand = /^\\[a-zA-Z]+$/.test(separator); // "\pm" must not split "\pmatrix"
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (depth === 0 && text.startsWith(separator, i) && !(isCommand && /[a-zA-Z]/.test(text[i + separator.length] ?? ''))) {
      parts.push(text.slice(start, i));
      i += separator.length - 1;
      start = i + 1;
    } else if (char === '\\') {
      if (text[i + 1] === '{' || text[i + 1] === '}') depth += text[i + 1] === '{' ? 1 : -1;
      i++;
    } else if (OPENERS.has(char)) {
      depth++;
    } else if (CLOSERS.has(char)) {
      depth--;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Where the bracket (or "\{") opening at `openIndex` closes, counting every kind alike ("[0,1)" closes). */
function closingIndex(text: string, openIndex: number): number {
  let depth = 0;
  for (let i = openIndex; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') {
      if (text[i + 1] === '{' || text[i + 1] === '}') {
        depth += text[i + 1] === '{' ? 1 : -1;
        if (depth === 0) return i;
      }
      i++;
    } else if (OPENERS.has(char)) {
      depth++;
    } else if (CLOSERS.has(char)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
