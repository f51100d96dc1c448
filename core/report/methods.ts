/**
 * Row and column order of the report's tables: the paper's (arXiv 2501.05707) Table 1 methods and
 * Table 2 ablations, in the paper's order, as core/methods.ts's entries place them. Records name
 * their row by a method label; a label outside both tables is reported as an ablation, sorted after
 * the known ones.
 */
import { tableLabels } from '../methods';

/** Table 1: the baselines, then the two finetuning methods. */
export const TABLE1_METHODS: readonly string[] = tableLabels(1);

/** Table 2: the method, its ablations and variants. */
export const TABLE2_METHODS: readonly string[] = tableLabels(2);

/** Sorts labels: those in `known` in its order, then the rest alphabetically. */
export function orderLabels(labels: Iterable<string>, known: readonly string[]): string[] {
  const rank = (label: string) => {
    const i = known.indexOf(label);
    return i === -1 ? known.length : i;
  };
  return [...new Set(labels)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Whether a method is a row of Table 1. */
export function isTable1Method(method: string): boolean {
  return TABLE1_METHODS.includes(method);
}

/** Table 2's rows: every known ablation, and every label neither table knows. */
export function isTable2Method(method: string): boolean {
  return TABLE2_METHODS.includes(method) || !isTable1Method(method);
}

/** Every method present, in report order: Table 1's, then Table 2's, then unknown labels. */
export function orderMethods(methods: Iterable<string>): string[] {
  return orderLabels(methods, [...TABLE1_METHODS, ...TABLE2_METHODS.filter((m) => !isTable1Method(m))]);
}
