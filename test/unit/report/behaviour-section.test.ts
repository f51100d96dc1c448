/** The report's "Behavioural divergence" section, on the hand-made society (test/unit/behaviour/transcripts.ts). */
import { answerChecker } from '../../../core/answers';
import { gradeDebate } from '../../../core/behaviour/graded-debate';
import { behaviourProfile } from '../../../core/behaviour/profile';
import { buildReport } from '../../../core/report/report';
import { transcript } from '../behaviour/transcripts';
import { behaviour, diversity, record, section, tableRows } from './fixtures';

const society = behaviour();
// Iteration 1: critic 1 now keeps every answer right (3 kept right), the rest unchanged.
const after = {
  ...society,
  critics: society.critics.map((c, k) => (k === 0 ? { ...c, right: 3, changes: { ...c.changes!, keptRight: 3, keptWrong: 0 } } : c)),
};
const alone = behaviourProfile([gradeDebate(transcript('a', [['\\boxed{10}']]), '10', answerChecker('number'), 'a')]);
const agentKl = {
  metric: 'agentKl',
  matrix: [
    [0, 0.5, 1.25],
    [0.4, 0, 0.2],
    [2, 1, 0],
  ],
};
const records = [
  record({ runId: 'maft-1', method: 'Multiagent FT', iteration: 0, behaviour: society }),
  record({ runId: 'maft-1', method: 'Multiagent FT', iteration: 1, behaviour: after, diversity: diversity({ pairwise: agentKl }) }),
  record({ runId: 'base-1', method: 'Base', iteration: 0, behaviour: alone }),
  record({ runId: 'old-1', method: 'Debate', iteration: 0 }), // written before behaviour metrics
];
const report = buildReport('t', records);
const text = section(report.markdown, 'Behavioural divergence');
/** The text from `heading` to the next heading of its level or above. */
const part = (within: string, heading: string) => {
  const start = within.indexOf(heading);
  if (start < 0) throw new Error(`no ${heading}`);
  const level = heading.split(' ')[0];
  const next = within.slice(start + heading.length).search(new RegExp(`\\n#{1,${level.length}} `));
  return within.slice(start, next < 0 ? undefined : start + heading.length + next);
};
const maft = part(text, '### maft-1');

describe('behavioural divergence section', () => {
  it('comes last, with a part per run in table order and an iteration heading per record', () => {
    expect(report.markdown.trimEnd().endsWith(text.trimEnd())).toBe(true);
    expect([...text.matchAll(/^### (\S+)/gm)].map((m) => m[1])).toEqual(['Societies', 'base-1', 'old-1', 'maft-1']); // Base, Debate, Multiagent FT
    expect([...maft.matchAll(/^#### Iteration (\d+)/gm)].map((m) => m[1])).toEqual(['0', '1']);
  });

  it("tabulates each generation agent's round-1 profile", () => {
    expect(tableRows(part(maft, '#### Iteration 0'))).toEqual([
      ['Agent', 'Model', 'Replies', 'Right %', 'Unparseable %', 'Hedging %', 'Words'],
      ['G1', 'gen1', '3', '33.3', '0.0', '33.3', '3.3'],
      ['G2', 'gen2', '3', '0.0', '0.0', '0.0', '2.0'],
      ['G3', 'gen3', '3', '66.7', '33.3', '33.3', '2.3'],
    ]);
  });

  it("tabulates each critic's profile with its answer changes and conformity", () => {
    const iteration0 = part(maft, '#### Iteration 0');
    const critics = tableRows(iteration0.slice(iteration0.indexOf('| Agent', iteration0.indexOf('| G3'))));
    expect(critics[0].slice(7)).toEqual([
      '3-gram overlap %',
      'Kept right',
      'Wrong → right',
      'Right → wrong',
      'Kept wrong',
      'Wrong → other wrong',
      '→ unparseable',
      'Conformity % (moved/chances)',
      'Held out, right %',
    ]);
    expect(critics[1]).toEqual(['C1', 'critic1', '3', '33.3', '0.0', '0.0', '1.3', '—', '1', '0', '0', '2', '0', '0', '— (0/0)', '— (0/0)']);
    expect(critics[3]).toEqual(['C3', 'critic3', '3', '33.3', '33.3', '33.3', '1.7', '0.0', '1', '0', '1', '0', '0', '1', '50.0 (1/2)', '100.0 (1/1)']);
  });

  it('links a heatmap per matrix: disagreement in rounds 1 and M, the cross-scores when measured, the distances', () => {
    const prefix = 'plots/behaviour/maft-1--iteration-';
    const names = ['disagreement-generation', 'disagreement-critics', 'distance-generation', 'distance-critics'];
    expect(report.heatmaps.map((h) => h.path)).toEqual([
      ...names.map((n) => `${prefix}0--${n}`),
      ...[...names.slice(0, 2), 'cross-agentkl', ...names.slice(2)].map((n) => `${prefix}1--${n}`),
    ]);
    for (const { path } of report.heatmaps) expect(text).toContain(`](${path}.png) ([SVG](${path}.svg))`);
    const distance = report.heatmaps.find((h) => h.path === `${prefix}0--distance-critics`)!.svg;
    expect([...distance.matchAll(/class="value"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      '0.00',
      '0.60',
      '0.44',
      '0.60',
      '0.00',
      '0.73',
      '0.44',
      '0.73',
      '0.00',
    ]);
    expect(report.heatmaps.find((h) => h.path === `${prefix}1--cross-agentkl`)!.svg).toContain(
      'maft&apos;s k3 KL(p_i || p_j) between the agents&apos; models, round 2: maft-1, iteration 1',
    );
  });

  it('shows the behavioural distance per pair across iterations', () => {
    const rows = tableRows(part(maft, '#### Behavioural distance per pair across iterations'));
    expect(rows[0]).toEqual(['Role', 'Pair', '0', '1']);
    expect(rows.find((r) => r[1] === 'G1–G2')).toEqual(['generation', 'G1–G2', '0.267', '0.267']); // 4/15
    // C1 (1, 0, 0, 2, 0, 0) -> (3, 0, 0, 0, 0, 0) changes; C2 (0, 2, 0, 0, 1, 0): disjoint either way, and
    // C1's right rate moves from 1/3 below C2's to 1/3 above it: 25/42 both times (distance.test.ts)
    expect(rows.find((r) => r[1] === 'C1–C2')).toEqual(['critics', 'C1–C2', '0.595', '0.595']);
    // C3 (1, 0, 1, 0, 0, 1). Iteration 0: JSD 2/3, Δ = (0 + 1/3 + 1/3 + 1/5) / 4 = 13/60, D = 53/120.
    // Iteration 1: JSD = ½ log2(3/2) + ½ · 1/3 = 0.459148, Δ = (2/3 + 1/3 + 1/3 + 1/5) / 4 = 23/60, D = 0.421241.
    expect(rows.find((r) => r[1] === 'C1–C3')).toEqual(['critics', 'C1–C3', '0.442', '0.421']);
    expect(rows).toHaveLength(1 + 3 + 3);
  });

  it('compares the societies: mean distance and disagreement over pairs before and after finetuning', () => {
    const rows = tableRows(part(text, '### Societies compared'));
    expect(rows[0]).toEqual(['Run', 'Role', 'Iterations', 'D before', 'D after', 'Δ D', 'Disagreement before', 'Disagreement after', 'Δ disagreement']);
    // Generation agents unchanged: D = (4/15 + 29/120 + 31/84) / 3 = 0.292; disagreement (1/3 + 1 + 1) / 3.
    expect(rows.find((r) => r[0] === 'maft-1' && r[1] === 'generation')).toEqual([
      'maft-1',
      'generation',
      '0 → 1',
      '0.292',
      '0.292',
      '+0.000',
      '0.778',
      '0.778',
      '+0.000',
    ]);
    // Critics: C1–C2 25/42 and C2–C3 51/70 both times, C1–C3 53/120 -> 0.421241 (the test below).
    expect(rows.find((r) => r[0] === 'maft-1' && r[1] === 'critics')).toEqual([
      'maft-1',
      'critics',
      '0 → 1',
      '0.588',
      '0.582',
      '−0.007',
      '0.778',
      '0.778',
      '+0.000',
    ]);
    expect(rows.find((r) => r[0] === 'base-1' && r[1] === 'generation')).toEqual(['base-1', 'generation', '0 → 0', '—', '—', '—', '—', '—', '—']);
    expect(rows.some((r) => r[0] === 'old-1')).toBe(false);
  });

  it('says "not defined" for a lone agent and names records without a profile', () => {
    const base = part(text, '### base-1');
    expect(base).toContain('N = 1 agents, M = 1 rounds');
    expect(base).toContain('No critic rounds (M = 1).');
    expect(base).toContain('Not defined: no role has two agents with a profile.');
    expect(part(text, '### old-1')).toContain('No behaviour profile in this record');
  });
});
