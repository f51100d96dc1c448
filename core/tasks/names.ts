/** Names the config schema validates against (kept free of imports so the schema stays light). */

export const taskNames = ['arithmetic', 'gsm8k', 'math', 'mmlu', 'jsonl'] as const;
export type TaskName = (typeof taskNames)[number];

/** MATH's subjects, as its `type` field writes them. */
export const MATH_SUBJECTS = [
  'Algebra',
  'Counting & Probability',
  'Geometry',
  'Intermediate Algebra',
  'Number Theory',
  'Prealgebra',
  'Precalculus',
] as const;
export type MathSubject = (typeof MATH_SUBJECTS)[number];
