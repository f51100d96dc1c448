/**
 * `node dist/simulator/skill-table.js STATE.json`: the skill shares (Appendix G) of the finetuned
 * agents in a GET /admin/state snapshot, per run group (a run id without its `-s<seed>`) and
 * iteration, as a markdown table: how far the agents' shares are apart (the society's skill
 * diversity) and how specialized each model is. Ground truth only a simulator has; the experiment
 * report of docs/experiments/simulated-specialization/ shows it beside the measured metrics.
 */
import { readFileSync } from 'node:fs';
import { acrossSeeds, type Estimate } from '../core/report/aggregate';
import { ROLES, type Role, type SkillShares } from './skills';
import { TOPICS } from './topics';

interface StateModel {
  name: string;
  skills: Record<Role, SkillShares>;
}

const NAME = /^(.+)-s(\d+)-l(\d+)-(?:gen(\d+)|critic(\d+)|shared)$/;

const mean = (values: number[]) => acrossSeeds(values).mean;
const l1 = (a: SkillShares, b: SkillShares) => TOPICS.reduce((sum, t) => sum + Math.abs(a[t] - b[t]), 0);
const largest = (s: SkillShares) => Math.max(...TOPICS.map((t) => s[t]));

/** Mean L1 distance between the shares of every pair of agents (0 for one model playing every agent). */
function spread(shares: SkillShares[]): number {
  const pairs: number[] = [];
  for (let i = 0; i < shares.length; i++) for (let j = i + 1; j < shares.length; j++) pairs.push(l1(shares[i], shares[j]));
  return pairs.length ? mean(pairs) : 0;
}

export interface SkillRow {
  group: string;
  iteration: number;
  seeds: number;
  /** Per role, across the seeds with models of that role (null: none): the agents' mean pairwise L1 distance, and each model's largest share (mean over models). */
  spread: Record<Role, Estimate | null>;
  largest: Record<Role, Estimate | null>;
}

export function skillRows(models: StateModel[]): SkillRow[] {
  const cells = new Map<string, Map<number, Record<Role, SkillShares[]>>>();
  for (const m of models) {
    const match = NAME.exec(m.name);
    if (!match) continue;
    const [, group, seed, iteration, gen, critic] = match;
    const key = `${group}\u0000${iteration}`;
    const bySeed = cells.get(key) ?? new Map<number, Record<Role, SkillShares[]>>();
    cells.set(key, bySeed);
    const entry = bySeed.get(Number(seed)) ?? { generation: [], critic: [] };
    bySeed.set(Number(seed), entry);
    const shared = gen === undefined && critic === undefined; // one model plays every agent, in both roles
    if (gen !== undefined || shared) entry.generation.push(m.skills.generation);
    if (critic !== undefined || shared) entry.critic.push(m.skills.critic);
  }
  const rows: SkillRow[] = [];
  for (const [key, bySeed] of cells) {
    const [group, iteration] = key.split('\u0000');
    const runs = [...bySeed.values()];
    const per = (f: (s: SkillShares[]) => number) =>
      Object.fromEntries(
        ROLES.map((role) => {
          const values = runs.filter((r) => r[role].length > 0).map((r) => f(r[role]));
          return [role, values.length ? acrossSeeds(values) : null];
        }),
      ) as Record<Role, Estimate | null>;
    rows.push({ group, iteration: Number(iteration), seeds: runs.length, spread: per(spread), largest: per((s) => mean(s.map(largest))) });
  }
  return rows.sort((a, b) => a.group.localeCompare(b.group) || a.iteration - b.iteration);
}

export function skillTable(rows: SkillRow[]): string {
  const f = (x: Estimate | null) => (x === null ? '—' : x.standardError === null ? x.mean.toFixed(3) : `${x.mean.toFixed(3)} ± ${x.standardError.toFixed(3)}`);
  const lines = [
    '| Runs | Iteration | Seeds | Generation: agents apart (L1) | Critic: agents apart (L1) | Generation: largest share | Critic: largest share |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.group} | ${r.iteration} | ${r.seeds} | ${f(r.spread.generation)} | ${f(r.spread.critic)} | ${f(r.largest.generation)} | ${f(r.largest.critic)} |`,
    ),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/simulator/skill-table.js STATE.json   (a saved GET /admin/state)\n');
    process.exit(2);
  }
  const state = JSON.parse(readFileSync(file, 'utf8')) as { models?: StateModel[] };
  if (!Array.isArray(state.models)) throw new Error(`${file}: no "models" list; expected a saved GET /admin/state`);
  process.stdout.write(`${skillTable(skillRows(state.models))}\n`);
}
