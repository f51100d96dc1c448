/**
 * The behaviour section's tables (docs/behaviour.md): each agent's profile at one iteration, one
 * table per role, and a run's behavioural distance per pair across iterations.
 */
import { distanceMatrix } from '../behaviour/distance';
import { behaviourRates } from '../behaviour/rates';
import { ANSWER_CHANGES, type AgentBehaviour, type AnswerChange, type BehaviourProfile } from '../behaviour/types';
import { markdownTable, MISSING } from './markdown';
import type { EvaluationRecord } from './records';

const percent = (value: number | null) => (value === null ? MISSING : (100 * value).toFixed(1));

const CHANGE_LABELS: Record<AnswerChange, string> = {
  keptRight: 'Kept right',
  corrected: 'Wrong → right',
  regressed: 'Right → wrong',
  keptWrong: 'Kept wrong',
  otherWrong: 'Wrong → other wrong',
  toUnparseable: '→ unparseable',
};

function commonCells(a: AgentBehaviour, role: 'G' | 'C'): string[] {
  const rates = behaviourRates(a);
  return [
    `${role}${a.agent + 1}`,
    a.model,
    String(a.replies),
    percent(rates.right),
    percent(rates.unparseable),
    percent(rates.hedging),
    a.meanWords.toFixed(1),
  ];
}

const COMMON_HEADER = ['Agent', 'Model', 'Replies', 'Right %', 'Unparseable %', 'Hedging %', 'Words'];

/**
 * One role's profiles: generation agents on round 1 (right, unparseable, hedged, mean length);
 * critics on rounds 2..M, with overlap, each answer change and conformity besides.
 */
export function behaviourProfileTable(profile: BehaviourProfile, role: 'generation' | 'critics'): string {
  if (role === 'generation')
    return markdownTable(
      COMMON_HEADER,
      profile.generation.map((a) => commonCells(a, 'G')),
      COMMON_HEADER.map((_, i) => i >= 2),
    );
  const header = [...COMMON_HEADER, '3-gram overlap %', ...ANSWER_CHANGES.map((c) => CHANGE_LABELS[c]), 'Conformity % (moved/chances)', 'Held out, right %'];
  const rows = profile.critics.map((a) => {
    const rates = behaviourRates(a);
    const c = a.conformity;
    return [
      ...commonCells(a, 'C'),
      percent(a.overlap),
      ...ANSWER_CHANGES.map((k) => (a.changes ? String(a.changes[k]) : MISSING)),
      c ? `${percent(rates.conformity)} (${c.conformed}/${c.opportunities})` : MISSING,
      c ? `${percent(rates.holdOutRight)} (${c.heldOutRight}/${c.heldOut})` : MISSING,
    ];
  });
  return markdownTable(
    header,
    rows,
    header.map((_, i) => i >= 2),
  );
}

/** One row per role and pair i < j of the run's agents, one column per iteration: D to 3 decimals. */
export function distanceAcrossIterationsTable(run: readonly EvaluationRecord[]): string | null {
  const roles = [
    { name: 'generation', label: 'G', agents: (p: BehaviourProfile) => p.generation },
    { name: 'critics', label: 'C', agents: (p: BehaviourProfile) => p.critics },
  ];
  const rows = roles.flatMap((role) => {
    const matrices = run.map((r) => (r.behaviour ? distanceMatrix(role.agents(r.behaviour)) : null));
    const n = Math.max(0, ...matrices.map((m) => m?.length ?? 0));
    const pairs = Array.from({ length: n }, (_, i) => Array.from({ length: n - i - 1 }, (_, k) => [i, i + k + 1])).flat();
    return pairs.map(([i, j]) => [role.name, `${role.label}${i + 1}–${role.label}${j + 1}`, ...matrices.map((m) => m?.[i]?.[j]?.toFixed(3) ?? MISSING)]);
  });
  if (rows.length === 0) return null;
  return markdownTable(['Role', 'Pair', ...run.map((r) => String(r.iteration))], rows, [false, false, ...run.map(() => true)]);
}

/** The mean of a matrix's defined entries above the diagonal (every pair i < j once); null when none is. */
export function meanOverPairs(matrix: ReadonlyArray<ReadonlyArray<number | null>> | null): number | null {
  const values = (matrix ?? []).flatMap((row, i) => row.filter((v, j): v is number => j > i && v !== null));
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * The societies side by side: for every run and role, the mean over pairs of the behavioural
 * distance and of the answer disagreement at the run's first and last iteration with a profile
 * (before and after finetuning), and the change.
 */
export function societiesComparedTable(runs: ReadonlyArray<readonly EvaluationRecord[]>): string | null {
  const fixed = (v: number | null) => (v === null ? MISSING : v.toFixed(3));
  const change = (a: number | null, b: number | null) => (a === null || b === null ? MISSING : `${b - a >= 0 ? '+' : '−'}${Math.abs(b - a).toFixed(3)}`);
  const rows = runs.flatMap((run) => {
    const profiled = run.filter((r) => r.behaviour);
    if (profiled.length === 0) return [];
    const [first, last] = [profiled[0], profiled[profiled.length - 1]];
    return (['generation', 'critics'] as const).map((role) => {
      const distance = (r: EvaluationRecord) => meanOverPairs(distanceMatrix(r.behaviour![role]));
      const disagreement = (r: EvaluationRecord) => meanOverPairs(r.behaviour!.disagreement[role]);
      const [d0, d1, a0, a1] = [distance(first), distance(last), disagreement(first), disagreement(last)];
      return [first.runId, role, `${first.iteration} → ${last.iteration}`, fixed(d0), fixed(d1), change(d0, d1), fixed(a0), fixed(a1), change(a0, a1)];
    });
  });
  if (rows.length === 0) return null;
  const header = ['Run', 'Role', 'Iterations', 'D before', 'D after', 'Δ D', 'Disagreement before', 'Disagreement after', 'Δ disagreement'];
  return markdownTable(
    header,
    rows,
    header.map((_, i) => i >= 3),
  );
}
