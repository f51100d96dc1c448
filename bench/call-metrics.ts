/**
 * What the simulator's call log says about a debate phase: makespan, engine occupancy and the
 * orchestration gaps between dependent model calls. Pure, so it is unit-tested on hand-made logs.
 */
export interface Call {
  requestId: string | null;
  arrivedMs: number;
  startedMs: number;
  finishedMs: number;
}

/** Percentile by nearest rank (p in [0, 100]). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Time-weighted mean of calls being processed (holding an engine slot) over [fromMs, toMs]. */
export function meanInFlight(calls: readonly Call[], fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const busy = calls.reduce((sum, c) => sum + Math.max(0, Math.min(c.finishedMs, toMs) - Math.max(c.startedMs, fromMs)), 0);
  return busy / (toMs - fromMs);
}

/**
 * Orchestration gaps: how long each model call arrived after the call it depends on finished.
 * A round-m summary or answer of question q depends on the last round-(m-1) answer of q (the
 * critic needs all of them); a critic's answer after a summary depends on that summary. Round-1
 * calls depend on the child workflow's start, which the engine cannot see, so they are left out.
 * Request ids look like `<run>/l<l>/<split>/q<i>/round<m>/<agentN|summaryN>`.
 */
export function dependencyGaps(calls: readonly Call[]): number[] {
  const byId = new Map<string, Call>();
  for (const c of calls) if (c.requestId) byId.set(c.requestId, c);
  const lastFinishOfRound = new Map<string, number>();
  for (const [id, c] of byId) {
    const m = /^(.*)\/round(\d+)\/agent\d+$/.exec(id);
    if (!m) continue;
    const key = `${m[1]}/round${m[2]}`;
    lastFinishOfRound.set(key, Math.max(lastFinishOfRound.get(key) ?? 0, c.finishedMs));
  }
  const gaps: number[] = [];
  for (const [id, c] of byId) {
    const m = /^(.*)\/round(\d+)\/(agent|summary)(\d+)$/.exec(id);
    if (!m || Number(m[2]) < 2) continue;
    const summary = byId.get(`${m[1]}/round${m[2]}/summary${m[4]}`);
    const dependsOn = m[3] === 'agent' && summary ? summary.finishedMs : lastFinishOfRound.get(`${m[1]}/round${Number(m[2]) - 1}`);
    if (dependsOn !== undefined) gaps.push(c.arrivedMs - dependsOn);
  }
  return gaps;
}
