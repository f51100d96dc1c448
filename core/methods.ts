/**
 * Every method is one entry of `methods` (docs/methods.md): its label in the paper's tables, its
 * report rows, whether its agents debate, its training data, which models it finetunes, and who
 * debates for how many rounds given N, M and the config's critics. The method names, the labels and
 * the report's tables all derive from it; nothing lists methods a second time.
 *   base            one agent answers once (Table 1, "Base")
 *   majority        N agents answer once; ŷ is their majority ("Majority")
 *   debate          N agents debate M rounds, no finetuning ("Debate", Du et al.)
 *   star            one agent; its correct answers, and for wrong ones a rationalization written with
 *                   the ground truth as a hint, train it (STaR, Zelikman et al.)
 *   majority-ft     N samples voted; the round-1 answers that match ŷ train one model ("Majority FT")
 *   single-agent-ft the debates' D^G and D^C of every agent, pooled, train one model that plays every
 *                   agent (Table 2, "Single-agent FT")
 *   single-agent-ft-no-debate  as single-agent-ft, but the training data comes from round 1 alone, and
 *                   the finetuned model answers directly at evaluation (no debate; Table 2)
 *   multiagent-ft   Algorithm 1: each agent trains on its own slice (Table 1, "Multiagent FT (Ours)")
 */
import type { RunConfig } from './config';

export interface MethodPlan {
  /** Agents in each debate: N, or 1 for single-agent methods. */
  agents: number;
  /** Rounds of the debates on the training split (the data) and on the test split (Algorithm 2). */
  trainingRounds: number;
  /** Agents in each evaluation debate: `agents`, or 1 where the model answers alone. */
  evaluationAgents: number;
  evaluationRounds: number;
  /** 'society': each agent its own model (2N, or N without critics); 'shared': one model for all. */
  finetune: 'none' | 'society' | 'shared';
  /** 'debate': only ŷ decides membership; 'star': ground truth and hint rationalizations. */
  data: 'debate' | 'star';
  /** Critic agents are finetuned separately; false: generation agents answer every round. */
  critics: boolean;
}

type Debaters = Pick<MethodPlan, 'agents' | 'trainingRounds' | 'evaluationAgents' | 'evaluationRounds' | 'critics'>;
/** RunConfig's fields that name ablations, spelled out: the config's method enum derives from this file. */
interface LabelConfig {
  summarize: boolean;
  critics: boolean;
  cooperative: boolean;
  agentIds: boolean;
  sampling: { temperature: number };
  society?: unknown;
  /** The experiment variant of the run: it names a heterogeneous society. */
  variant?: string;
}

/** The config fields that add to a label, e.g. "Multiagent FT (w/o summary)", and the methods they apply to. */
const ablations = {
  summary: { suffix: 'w/o summary', applies: (c: LabelConfig, m: MethodEntry) => m.debates && !c.summarize },
  critic: { suffix: 'w/o critic', applies: (c: LabelConfig, m: MethodEntry) => m.finetune === 'society' && !c.critics },
  cooperative: { suffix: 'cooperative', applies: (c: LabelConfig, m: MethodEntry) => m.debates && c.cooperative },
  agentIds: { suffix: 'agent ids', applies: (c: LabelConfig) => c.agentIds },
  temperature: { suffix: (c: LabelConfig) => `temperature ${c.sampling.temperature}`, applies: (c: LabelConfig) => c.sampling.temperature !== 1 },
  society: { suffix: (c: LabelConfig) => (c.variant ? `society ${c.variant}` : 'heterogeneous'), applies: (c: LabelConfig) => Boolean(c.society) },
} as const;
type Ablations = typeof ablations;
/** The ablations with a fixed suffix, which can name a row of the report. */
type RowAblation = { [K in keyof Ablations]: Ablations[K]['suffix'] extends string ? K : never }[keyof Ablations];

/** A row of the report: Table 1 or 2, its place there (paper order), and the ablation it shows. */
interface TableRow {
  table: 1 | 2;
  rank: number;
  ablation?: RowAblation;
}

interface MethodEntry {
  label: string;
  rows: readonly TableRow[];
  /** Its agents debate (rounds 2..M), so the summary and cooperative ablations apply. */
  debates: boolean;
  data: MethodPlan['data'];
  finetune: MethodPlan['finetune'];
  /** Who debates for how many rounds, given N, M and the config's `critics`. */
  debaters: (n: number, m: number, critics: boolean) => Debaters;
}

const alone = (): Debaters => ({ agents: 1, trainingRounds: 1, evaluationAgents: 1, evaluationRounds: 1, critics: false });
const voting = (n: number): Debaters => ({ agents: n, trainingRounds: 1, evaluationAgents: n, evaluationRounds: 1, critics: false });
const debating = (n: number, m: number): Debaters => ({ agents: n, trainingRounds: m, evaluationAgents: n, evaluationRounds: m, critics: false });

export const methods = {
  base: { label: 'Base', rows: [{ table: 1, rank: 1 }], debates: false, data: 'debate', finetune: 'none', debaters: alone },
  majority: { label: 'Majority', rows: [{ table: 1, rank: 2 }], debates: false, data: 'debate', finetune: 'none', debaters: voting },
  debate: { label: 'Debate', rows: [{ table: 1, rank: 3 }], debates: true, data: 'debate', finetune: 'none', debaters: debating },
  star: { label: 'STaR', rows: [{ table: 1, rank: 4 }], debates: false, data: 'star', finetune: 'shared', debaters: alone },
  'majority-ft': { label: 'Majority FT', rows: [{ table: 1, rank: 5 }], debates: false, data: 'debate', finetune: 'shared', debaters: voting },
  'single-agent-ft': {
    label: 'Single-agent FT',
    rows: [
      { table: 1, rank: 6 },
      { table: 2, rank: 4 },
    ],
    debates: true,
    data: 'debate',
    finetune: 'shared',
    debaters: debating,
  },
  'single-agent-ft-no-debate': {
    label: 'Single-agent FT (w/o debate)',
    rows: [{ table: 2, rank: 5 }],
    debates: false,
    data: 'debate',
    finetune: 'shared',
    debaters: (n) => ({ agents: n, trainingRounds: 1, evaluationAgents: 1, evaluationRounds: 1, critics: false }),
  },
  'multiagent-ft': {
    label: 'Multiagent FT',
    rows: [
      { table: 1, rank: 7 },
      { table: 2, rank: 1 },
      { table: 2, rank: 2, ablation: 'summary' },
      { table: 2, rank: 3, ablation: 'critic' },
      { table: 2, rank: 6, ablation: 'cooperative' },
      { table: 2, rank: 7, ablation: 'agentIds' },
    ],
    debates: true,
    data: 'debate',
    finetune: 'society',
    debaters: (n, m, critics) => ({ ...debating(n, m), critics: critics && m >= 2 }),
  },
} as const satisfies Record<string, MethodEntry>;

export type MethodName = keyof typeof methods;
/** The config's `method` values, in the table's order. */
export const methodNames = Object.keys(methods) as [MethodName, ...MethodName[]];
/** A report row: a method's label, with its ablations in parentheses. */
export type MethodLabel = (typeof methods)[MethodName]['label'] | `${(typeof methods)[MethodName]['label']} (${string})`;

export function methodPlan(config: Pick<RunConfig, 'method' | 'agents' | 'rounds' | 'critics'>): MethodPlan {
  const method: MethodEntry = methods[config.method];
  const { critics, ...debaters } = method.debaters(config.agents, config.rounds, config.critics);
  return { ...debaters, finetune: method.finetune, data: method.data, critics };
}

const rowLabel = (label: string, suffixes: readonly string[]) => (suffixes.length ? `${label} (${suffixes.join(', ')})` : label) as MethodLabel;

/** The row of the paper's tables a run belongs to, with its ablations, e.g. "Multiagent FT (w/o summary)". */
export function methodLabel(config: Pick<RunConfig, 'method'> & LabelConfig): MethodLabel {
  const method: MethodEntry = methods[config.method];
  const applying = Object.values(ablations).filter((a) => a.applies(config, method));
  return rowLabel(
    method.label,
    applying.map((a) => (typeof a.suffix === 'string' ? a.suffix : a.suffix(config))),
  );
}

/** The labels of a report table's rows, in the paper's order. */
export function tableLabels(table: 1 | 2): MethodLabel[] {
  const rows = Object.values(methods).flatMap((m: MethodEntry) =>
    m.rows.filter((r) => r.table === table).map((r) => ({ rank: r.rank, label: rowLabel(m.label, r.ablation ? [ablations[r.ablation].suffix] : []) })),
  );
  return rows.sort((a, b) => a.rank - b.rank).map((r) => r.label);
}
