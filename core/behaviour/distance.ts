/**
 * The behavioural distance between two agents of one role at one iteration (docs/behaviour.md):
 *   D(i, j) = ½ JSD(c_i, c_j) + ½ Δ(i, j)   when both have answer-change distributions c (critics),
 *   D(i, j) = Δ(i, j)                       otherwise (generation agents: one round, no changes),
 * where JSD is the Jensen-Shannon divergence in bits (in [0, 1]) and Δ the mean absolute
 * difference of the profile components both agents define: the rates right, unparseable, hedging,
 * overlap, conformity and holdOutRight, and the length difference |w_i - w_j| / max(w_i, w_j).
 * So D is in [0, 1]; null when no component is defined for both.
 */
import { behaviourRates, changeDistribution, type BehaviourRates } from './rates';
import type { AgentBehaviour } from './types';

const PROFILE_RATES: ReadonlyArray<keyof BehaviourRates> = ['right', 'unparseable', 'hedging', 'overlap', 'conformity', 'holdOutRight'];

function klBits(p: readonly number[], m: readonly number[]): number {
  return p.reduce((sum, pk, k) => (pk === 0 ? sum : sum + pk * Math.log2(pk / m[k])), 0);
}

/** JSD(p, q) = ½ KL(p || m) + ½ KL(q || m), m = (p + q) / 2, in bits. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw new Error(`jensenShannon: distributions of ${p.length} and ${q.length} outcomes`);
  const m = p.map((pk, k) => (pk + q[k]) / 2);
  return klBits(p, m) / 2 + klBits(q, m) / 2;
}

/** Δ(i, j): the mean absolute difference of the components both define; null when none is. */
export function profileDifference(a: AgentBehaviour, b: AgentBehaviour): number | null {
  const [ra, rb] = [behaviourRates(a), behaviourRates(b)];
  const differences = PROFILE_RATES.flatMap((key) => {
    const [x, y] = [ra[key], rb[key]];
    return x === null || y === null ? [] : [Math.abs(x - y)];
  });
  if (a.replies > 0 && b.replies > 0) {
    const longer = Math.max(a.meanWords, b.meanWords);
    differences.push(longer === 0 ? 0 : Math.abs(a.meanWords - b.meanWords) / longer);
  }
  return differences.length === 0 ? null : differences.reduce((s, d) => s + d, 0) / differences.length;
}

export function behaviouralDistance(a: AgentBehaviour, b: AgentBehaviour): number | null {
  const delta = profileDifference(a, b);
  const [ca, cb] = [changeDistribution(a), changeDistribution(b)];
  if (ca === null || cb === null) return delta;
  const jsd = jensenShannon(ca, cb);
  return delta === null ? jsd : (jsd + delta) / 2;
}

/** matrix[i][j] = D(i, j) over the agents of one role (0 on the diagonal); null for fewer than two agents. */
export function distanceMatrix(agents: readonly AgentBehaviour[]): Array<Array<number | null>> | null {
  if (agents.length < 2) return null;
  return agents.map((a, i) => agents.map((b, j) => (i === j ? 0 : behaviouralDistance(a, b))));
}
