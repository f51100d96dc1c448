/** An agent's behaviour counts (types.ts) as rates in [0, 1]; null where the denominator is zero. */
import { ANSWER_CHANGES, type AgentBehaviour } from './types';

export interface BehaviourRates {
  /** right / replies. */
  right: number | null;
  unparseable: number | null;
  /** hedged / replies. */
  hedging: number | null;
  /** The mean 3-gram overlap with what the agent was shown. */
  overlap: number | null;
  /** conformed / opportunities. */
  conformity: number | null;
  /** heldOut / opportunities (1 - conformity). */
  holdOut: number | null;
  /** heldOutRight / heldOut: how often holding out against the others' majority ended right. */
  holdOutRight: number | null;
}

export const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

export function behaviourRates(a: AgentBehaviour): BehaviourRates {
  const c = a.conformity;
  return {
    right: ratio(a.right, a.replies),
    unparseable: ratio(a.unparseable, a.replies),
    hedging: ratio(a.hedging.hedged, a.replies),
    overlap: a.overlap,
    conformity: c ? ratio(c.conformed, c.opportunities) : null,
    holdOut: c ? ratio(c.heldOut, c.opportunities) : null,
    holdOutRight: c ? ratio(c.heldOutRight, c.heldOut) : null,
  };
}

/** The distribution of the agent's answer changes over ANSWER_CHANGES; null for none (a generation agent, or no steps). */
export function changeDistribution(a: AgentBehaviour): number[] | null {
  if (!a.changes) return null;
  const counts = ANSWER_CHANGES.map((c) => a.changes![c]);
  const total = counts.reduce((x, y) => x + y, 0);
  return total === 0 ? null : counts.map((k) => k / total);
}
