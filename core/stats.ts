/** Accuracy with its standard error, as the paper's tables report it (mean ± SE over questions). */
export interface Accuracy {
  correct: number;
  total: number;
  accuracy: number;
  /** sqrt(p (1 - p) / n): the standard error of a mean of n Bernoulli outcomes. */
  standardError: number;
}

export function accuracyWithStandardError(outcomes: readonly boolean[]): Accuracy {
  const total = outcomes.length;
  const correct = outcomes.filter(Boolean).length;
  if (total === 0) return { correct: 0, total: 0, accuracy: 0, standardError: 0 };
  const accuracy = correct / total;
  return { correct, total, accuracy, standardError: Math.sqrt((accuracy * (1 - accuracy)) / total) };
}

/** "71.4 ± 2.0" (percent). */
export function formatAccuracy(a: Pick<Accuracy, 'accuracy' | 'standardError'>): string {
  return `${(100 * a.accuracy).toFixed(1)} ± ${(100 * a.standardError).toFixed(1)}`;
}
