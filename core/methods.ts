/**
 * Every method is a configuration of the same blocks (docs/methods.md): who debates (N agents or
 * one), for how many rounds, what the training data is, and which models are finetuned.
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
import type { MethodName } from './method-names';

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

export function methodPlan(config: Pick<RunConfig, 'method' | 'agents' | 'rounds' | 'critics'>): MethodPlan {
  const { agents: n, rounds: m } = config;
  const plans: Record<MethodName, MethodPlan> = {
    base: { agents: 1, trainingRounds: 1, evaluationAgents: 1, evaluationRounds: 1, finetune: 'none', data: 'debate', critics: false },
    majority: { agents: n, trainingRounds: 1, evaluationAgents: n, evaluationRounds: 1, finetune: 'none', data: 'debate', critics: false },
    debate: { agents: n, trainingRounds: m, evaluationAgents: n, evaluationRounds: m, finetune: 'none', data: 'debate', critics: false },
    star: { agents: 1, trainingRounds: 1, evaluationAgents: 1, evaluationRounds: 1, finetune: 'shared', data: 'star', critics: false },
    'majority-ft': { agents: n, trainingRounds: 1, evaluationAgents: n, evaluationRounds: 1, finetune: 'shared', data: 'debate', critics: false },
    'single-agent-ft': { agents: n, trainingRounds: m, evaluationAgents: n, evaluationRounds: m, finetune: 'shared', data: 'debate', critics: false },
    'single-agent-ft-no-debate': { agents: n, trainingRounds: 1, evaluationAgents: 1, evaluationRounds: 1, finetune: 'shared', data: 'debate', critics: false },
    'multiagent-ft': { agents: n, trainingRounds: m, evaluationAgents: n, evaluationRounds: m, finetune: 'society', data: 'debate', critics: config.critics && m >= 2 },
  };
  return plans[config.method];
}

const labels: Record<MethodName, string> = {
  base: 'Base',
  majority: 'Majority',
  debate: 'Debate',
  star: 'STaR',
  'majority-ft': 'Majority FT',
  'single-agent-ft': 'Single-agent FT',
  'single-agent-ft-no-debate': 'Single-agent FT (w/o debate)',
  'multiagent-ft': 'Multiagent FT',
};

/** The row of the paper's tables a run belongs to, with its ablations, e.g. "Multiagent FT (w/o summary)". */
export function methodLabel(config: Pick<RunConfig, 'method' | 'summarize' | 'critics' | 'cooperative' | 'agentIds' | 'sampling' | 'society'>): string {
  const ablations: string[] = [];
  const debates = !['base', 'majority', 'star', 'majority-ft', 'single-agent-ft-no-debate'].includes(config.method);
  if (debates && !config.summarize) ablations.push('w/o summary');
  if (config.method === 'multiagent-ft' && !config.critics) ablations.push('w/o critic');
  if (debates && config.cooperative) ablations.push('cooperative');
  if (config.agentIds) ablations.push('agent ids');
  if (config.sampling.temperature !== 1) ablations.push(`temperature ${config.sampling.temperature}`);
  if (config.society) ablations.push('heterogeneous');
  return ablations.length ? `${labels[config.method]} (${ablations.join(', ')})` : labels[config.method];
}
