/**
 * Equivalence of two MATH answers: both are normalized (latex-normalize.ts), read as shapes
 * (structure.ts) and compared shape by shape: tuples and intervals in order with the same
 * brackets, lists, sets and unions in any order, matrices cell by cell, equations up to a constant
 * factor, and single expressions by value (expression-compare.ts). "x = 3" states 3.
 */
import { expressionsEquivalent } from './expression-compare';
import { MAX_ANSWER_LENGTH, normalizeLatexAnswer } from './latex-normalize';
import { answerReadings, shapeOf, type AnswerShape } from './structure';

/** A single variable (with an optional subscript) naming the value an equation states: "x", "a_1". */
const NAMED_VALUE = /^[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?$/;

export function mathAnswersEquivalent(answer: string, reference: string): boolean {
  if (answer.length > MAX_ANSWER_LENGTH || reference.length > MAX_ANSWER_LENGTH) return answer.trim() === reference.trim();
  const left = normalizeLatexAnswer(answer);
  const right = normalizeLatexAnswer(reference);
  if (left === '' || right === '') return false;
  if (left === right) return true;
  const leftReadings = answerReadings(left);
  const rightReadings = answerReadings(right);
  return leftReadings.some((a) => rightReadings.some((b) => shapesEquivalent(a, b)));
}

function shapesEquivalent(a: AnswerShape, b: AnswerShape): boolean {
  if (a.kind === 'equation' && b.kind !== 'equation') return NAMED_VALUE.test(a.left) && shapesEquivalent(shapeOf(a.right), b);
  if (b.kind === 'equation' && a.kind !== 'equation') return shapesEquivalent(b, a);
  if (a.kind === 'matrix' && b.kind === 'tuple') return columnEquivalent(a, b);
  if (a.kind === 'tuple' && b.kind === 'matrix') return columnEquivalent(b, a);
  switch (a.kind) {
    case 'scalar':
      return b.kind === 'scalar' && scalarsEquivalent(a.text, b.text);
    case 'tuple':
      return b.kind === 'tuple' && a.open === b.open && a.close === b.close && inOrder(a.items, b.items);
    case 'collection':
      return b.kind === 'collection' && a.of === b.of && inAnyOrder(a.items, b.items);
    case 'matrix':
      return b.kind === 'matrix' && a.rows.length === b.rows.length && a.rows.every((row, index) => inOrder(row, b.rows[index]));
    case 'equation':
      return b.kind === 'equation' && equationsEquivalent(a, b);
  }
}

function scalarsEquivalent(a: string, b: string): boolean {
  if (a === b) return true;
  // Words ("Saturday", "even") are compared as words, not as products of variables.
  const words = /^[a-zA-Z]{3,}$/;
  if (words.test(a) && words.test(b)) return a.toLowerCase() === b.toLowerCase();
  return expressionsEquivalent(a, b);
}

function equationsEquivalent(a: { left: string; right: string }, b: { left: string; right: string }): boolean {
  if (scalarsEquivalent(a.left, b.left) && scalarsEquivalent(a.right, b.right)) return true;
  return expressionsEquivalent(`(${a.left})-(${a.right})`, `(${b.left})-(${b.right})`, 'proportional');
}

/** A column vector written as a matrix equals the same entries written as a tuple "(1,2,3)". */
function columnEquivalent(matrix: { rows: AnswerShape[][] }, tuple: { open: string; items: AnswerShape[] }): boolean {
  return (
    tuple.open === '(' &&
    matrix.rows.every((row) => row.length === 1) &&
    inOrder(
      matrix.rows.map((row) => row[0]),
      tuple.items,
    )
  );
}

function inOrder(a: AnswerShape[], b: AnswerShape[]): boolean {
  return a.length === b.length && a.every((item, index) => shapesEquivalent(item, b[index]));
}

/** Same length and a one-to-one pairing of equivalent items (greedy: equivalence is transitive). */
function inAnyOrder(a: AnswerShape[], b: AnswerShape[]): boolean {
  if (a.length !== b.length) return false;
  const unused = [...b];
  return a.every((item) => {
    const index = unused.findIndex((candidate) => shapesEquivalent(item, candidate));
    if (index < 0) return false;
    unused.splice(index, 1);
    return true;
  });
}
