/**
 * What the simulator's logs say about a run: engine and trainer occupancy (intervals of calls
 * holding an engine slot, of jobs holding a training slot) and the orchestration gaps between
 * dependent model calls. Pure, so it is unit-tested on hand-made logs.
 */

/** Something that held a slot from startedMs to finishedMs (epoch ms). */
export interface Interval {
  startedMs: number;
  finishedMs: number;
}

export interface Call extends Interval {
  requestId: string | null;
  arrivedMs: number;
}

/** Percentile by nearest rank (p in [0, 100]). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const overlap = (i: Interval, fromMs: number, toMs: number) => Math.max(0, Math.min(i.finishedMs, toMs) - Math.max(i.startedMs, fromMs));

/** Time-weighted mean of intervals in progress (calls holding an engine slot, jobs running) over [fromMs, toMs]. */
export function meanInFlight(intervals: readonly Interval[], fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  return intervals.reduce((sum, i) => sum + overlap(i, fromMs, toMs), 0) / (toMs - fromMs);
}

/** The union of the intervals clipped to [fromMs, toMs]: disjoint [start, end] spans in time order. */
export function busySpans(intervals: readonly Interval[], fromMs: number, toMs: number): [number, number][] {
  const clipped = intervals
    .map((i): [number, number] => [Math.max(i.startedMs, fromMs), Math.min(i.finishedMs, toMs)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const spans: [number, number][] = [];
  for (const [a, b] of clipped) {
    const last = spans.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else spans.push([a, b]);
  }
  return spans;
}

const spanLength = (spans: readonly [number, number][]) => spans.reduce((sum, [a, b]) => sum + b - a, 0);

/** The fraction of [fromMs, toMs] during which at least one interval is in progress. */
export function busyFraction(intervals: readonly Interval[], fromMs: number, toMs: number): number {
  return toMs > fromMs ? spanLength(busySpans(intervals, fromMs, toMs)) / (toMs - fromMs) : 0;
}

/** The fraction of [fromMs, toMs] during which both sets have an interval in progress (engine and trainer at once). */
export function bothBusyFraction(a: readonly Interval[], b: readonly Interval[], fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const other = busySpans(b, fromMs, toMs);
  let both = 0;
  for (const [s, e] of busySpans(a, fromMs, toMs)) for (const [t, f] of other) both += Math.max(0, Math.min(e, f) - Math.max(s, t));
  return both / (toMs - fromMs);
}

/** meanInFlight over each of `bins` equal slices of [fromMs, toMs]: an occupancy timeline to plot. */
export function inFlightProfile(intervals: readonly Interval[], fromMs: number, toMs: number, bins: number): number[] {
  const width = (toMs - fromMs) / bins;
  const profile: number[] = Array(bins).fill(0);
  if (!(width > 0)) return profile;
  for (const i of intervals) {
    const first = Math.max(0, Math.floor((i.startedMs - fromMs) / width));
    const last = Math.min(bins - 1, Math.floor((i.finishedMs - fromMs) / width));
    for (let k = first; k <= last; k++) profile[k] += overlap(i, fromMs + k * width, fromMs + (k + 1) * width) / width;
  }
  return profile;
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
