/**
 * The report's "Behavioural divergence" section (docs/behaviour.md), from the records' behaviour
 * profiles: for every run and iteration the agents' profiles (generation agents and critics
 * apart) and the agent-by-agent matrices as heatmaps (answer disagreement in round 1 and round M,
 * the diversity metrics' cross-score matrix when measured, the behavioural distance per role),
 * then each run's behavioural distance per pair across iterations.
 */
import { distanceMatrix } from '../behaviour/distance';
import type { BehaviourProfile } from '../behaviour/types';
import type { MethodRuns } from './aggregate';
import { behaviourProfileTable, distanceAcrossIterationsTable, societiesComparedTable } from './behaviour-tables';
import { heatmapSvg, type Heatmap } from './heatmap-svg';
import { slug, uniquePaths } from './plots';
import type { EvaluationRecord } from './records';
import { orderGroups } from './tables';

export interface BuiltHeatmap {
  /** Path without extension, relative to the report folder, e.g. "plots/behaviour/run-1--iteration-0--disagreement-generation". */
  path: string;
  svg: string;
}

interface MatrixSpec {
  name: string;
  title: string;
  prefix: 'G' | 'C';
  matrix: Array<Array<number | null>> | null;
  /** Fractions and distances are drawn on [0, 1]; cross-scores on their own range. */
  unitRange: boolean;
}

/** The diversity metrics' pairwise matrices (core/diversity/types.ts PairwiseMetric), as titled here. */
const CROSS_SCORE_TITLES: Record<string, string> = {
  agentKl: "maft's k3 KL(p_i || p_j) between the agents' models",
  klPairwise: 'C.2 KL between agents i and j',
};

const INTRO =
  'How each agent behaved in the evaluation debates, computed from the stored transcripts graded against the references ' +
  '(definitions: docs/behaviour.md). G1..GN: generation agents (round 1); C1..CN: critic agents (rounds 2..M; their answer ' +
  'changes are from round m − 1 to round m; Model is the critic slot of the agent table, and methods without separate critics ' +
  'have their generation agents answer those rounds). Hedging: no parseable answer, a phrase of uncertainty, or several candidate answers. ' +
  'Conformity: moving to the answer a strict majority of the other agents held in the previous round, when the agent did not hold it. ' +
  "Behavioural distance D in [0, 1]: ½ Jensen-Shannon divergence of two critics' answer changes + ½ the mean absolute difference " +
  'of their profile rates (generation agents: the profile difference alone). "—": not defined.';

function matrices(profile: BehaviourProfile | null, record: EvaluationRecord): MatrixSpec[] {
  const specs: MatrixSpec[] = [];
  if (profile) {
    specs.push({
      name: 'disagreement-generation',
      title: 'Answer disagreement, round 1',
      prefix: 'G',
      matrix: profile.disagreement.generation,
      unitRange: true,
    });
    specs.push({
      name: 'disagreement-critics',
      title: `Answer disagreement, round ${profile.rounds}`,
      prefix: 'C',
      matrix: profile.disagreement.critics,
      unitRange: true,
    });
  }
  const pairwise = record.diversity?.pairwise;
  if (pairwise && pairwise.metric !== 'answerDisagreement') {
    const { round } = record.diversity!;
    specs.push({
      name: `cross-${slug(pairwise.metric)}`,
      title: `${CROSS_SCORE_TITLES[pairwise.metric] ?? pairwise.metric}, round ${round}`,
      prefix: round >= 2 ? 'C' : 'G',
      matrix: pairwise.matrix,
      unitRange: false,
    });
  }
  if (profile) {
    specs.push({
      name: 'distance-generation',
      title: 'Behavioural distance, generation agents',
      prefix: 'G',
      matrix: distanceMatrix(profile.generation),
      unitRange: true,
    });
    specs.push({ name: 'distance-critics', title: 'Behavioural distance, critics', prefix: 'C', matrix: distanceMatrix(profile.critics), unitRange: true });
  }
  return specs.filter((s) => s.matrix !== null);
}

function heatmapOf(spec: MatrixSpec, record: EvaluationRecord): Heatmap {
  const labels = spec.matrix!.map((_, k) => `${spec.prefix}${k + 1}`);
  return {
    title: `${spec.title}: ${record.runId}, iteration ${record.iteration}`,
    labels,
    rowTitle: 'agent i',
    columnTitle: 'agent j',
    matrix: spec.matrix!,
    ...(spec.unitRange ? { domain: [0, 1] as [number, number] } : {}),
  };
}

function iterationLines(record: EvaluationRecord, path: (name: string) => string, heatmaps: BuiltHeatmap[]): string[] {
  const profile = record.behaviour ?? null;
  const lines = [`#### Iteration ${record.iteration}`, ''];
  if (profile) {
    lines.push(
      `${profile.questions} questions, N = ${profile.agents} agents, M = ${profile.rounds} rounds.`,
      '',
      behaviourProfileTable(profile, 'generation'),
      '',
    );
    lines.push(profile.critics.length > 0 ? behaviourProfileTable(profile, 'critics') : 'No critic rounds (M = 1).', '');
  } else {
    lines.push('No behaviour profile in this record (written before behaviour metrics were recorded).', '');
  }
  for (const spec of matrices(profile, record)) {
    const built = { path: path(spec.name), svg: heatmapSvg(heatmapOf(spec, record)) };
    heatmaps.push(built);
    lines.push(`![${spec.title}](${built.path}.png) ([SVG](${built.path}.svg))`, '');
  }
  return lines;
}

export function behaviourSection(groups: readonly MethodRuns[]): { lines: string[]; heatmaps: BuiltHeatmap[] } {
  const unique = uniquePaths();
  const heatmaps: BuiltHeatmap[] = [];
  const lines = ['## Behavioural divergence', '', INTRO, ''];
  const runs = orderGroups(groups).flatMap((group) => group.runs);
  const compared = societiesComparedTable(runs);
  if (compared) {
    lines.push(
      '### Societies compared',
      '',
      'Per run and role, the mean over pairs i < j of the behavioural distance D and of the answer disagreement (round 1 for generation agents, round M for critics), at the first and the last iteration with a profile: before and after finetuning.',
      '',
      compared,
      '',
    );
  }
  for (const group of orderGroups(groups)) {
    for (const run of group.runs) {
      const { runId, method, task, baseModel, seed } = run[0];
      lines.push(`### ${runId} (${method}, ${task}, ${baseModel}, seed ${seed})`, '');
      for (const record of run) {
        const prefix = unique(`plots/behaviour/${slug(runId)}--iteration-${record.iteration}`);
        lines.push(...iterationLines(record, (name) => `${prefix}--${name}`, heatmaps));
      }
      const distances = distanceAcrossIterationsTable(run);
      lines.push('#### Behavioural distance per pair across iterations', '', distances ?? 'Not defined: no role has two agents with a profile.', '');
    }
  }
  return { lines, heatmaps };
}
