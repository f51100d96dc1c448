/**
 * A society's behaviour profile over its graded evaluation debates (docs/behaviour.md): per agent
 * and role, counts of right, unparseable and hedged replies, length, repetition of what it was
 * shown, answer changes and conformity; and the answer disagreement between every two agents.
 */
import { answerDisagreementMatrix } from '../diversity/consensus';
import { answerChange, conformityMove } from './changes';
import type { GradedDebate, GradedReply } from './graded-debate';
import { ngramOverlap, words } from './text';
import { ANSWER_CHANGES, type AgentBehaviour, type BehaviourProfile, type ChangeCounts, type ConformityCounts } from './types';

/** Agent n's move from round m-1 to round m of one debate. */
interface Step {
  before: GradedReply;
  after: GradedReply;
  /** Every agent's answer in round m-1. */
  previous: Array<string | null>;
}

const mean = (values: readonly number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
const count = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length;

function changeCounts(steps: readonly Step[]): ChangeCounts {
  const counts = Object.fromEntries(ANSWER_CHANGES.map((c) => [c, 0])) as ChangeCounts;
  for (const s of steps) counts[answerChange(s.before, s.after)]++;
  return counts;
}

function conformityCounts(steps: readonly Step[], n: number): ConformityCounts {
  const moves = steps.map((s) => conformityMove(s.previous, n, s.after));
  const heldOutRight = count(moves, (m) => m === 'heldOutRight');
  const heldOut = count(moves, (m) => m === 'heldOut') + heldOutRight;
  const conformed = count(moves, (m) => m === 'conformed');
  return { opportunities: conformed + heldOut, conformed, heldOut, heldOutRight };
}

function agentBehaviour(n: number, model: string, replies: readonly GradedReply[], steps: readonly Step[] | null, agents: number): AgentBehaviour {
  const overlaps = replies.flatMap((r) => ngramOverlap(r.text, r.shown) ?? []);
  return {
    agent: n,
    model,
    replies: replies.length,
    right: count(replies, (r) => r.right),
    unparseable: count(replies, (r) => r.answer === null),
    hedging: {
      hedged: count(replies, (r) => r.hedge.noAnswer || r.hedge.phrase || r.hedge.candidates),
      noAnswer: count(replies, (r) => r.hedge.noAnswer),
      phrase: count(replies, (r) => r.hedge.phrase),
      candidates: count(replies, (r) => r.hedge.candidates),
    },
    meanWords: mean(replies.map((r) => words(r.text).length)) ?? 0,
    overlap: mean(overlaps),
    changes: steps ? changeCounts(steps) : null,
    conformity: steps && agents >= 2 ? conformityCounts(steps, n) : null,
  };
}

function checkShape(debates: readonly GradedDebate[]): { agents: number; rounds: number } {
  const [first] = debates;
  const agents = first.rounds[0].length;
  const rounds = first.rounds.length;
  for (const d of debates) {
    if (d.rounds.length !== rounds || d.rounds.some((r) => r.length !== agents)) {
      throw new Error(
        `debate ${d.questionId}: ${d.rounds.length} rounds of ${d.rounds.map((r) => r.length).join('/')} agents, but debate ${first.questionId} has ${rounds} rounds of ${agents}`,
      );
    }
  }
  return { agents, rounds };
}

/** The profile of the society that held these debates; null when there are none. */
export function behaviourProfile(debates: readonly GradedDebate[]): BehaviourProfile | null {
  if (debates.length === 0) return null;
  const { agents, rounds } = checkShape(debates);
  const models = debates[0].agents;
  const agentIds = Array.from({ length: agents }, (_, n) => n);
  const generation = agentIds.map((n) =>
    agentBehaviour(
      n,
      models.generation[n],
      debates.map((d) => d.rounds[0][n]),
      null,
      agents,
    ),
  );
  const critics =
    rounds < 2
      ? []
      : agentIds.map((n) => {
          const steps = debates.flatMap((d) =>
            d.rounds.slice(1).map((round, k) => ({ before: d.rounds[k][n], after: round[n], previous: d.rounds[k].map((r) => r.answer) })),
          );
          return agentBehaviour(
            n,
            models.critic[n] ?? models.generation[n],
            steps.map((s) => s.after),
            steps,
            agents,
          );
        });
  const disagreement = (m: number) => (agents < 2 ? null : answerDisagreementMatrix(debates.map((d) => d.rounds[m].map((r) => r.answer))));
  return {
    questions: debates.length,
    agents,
    rounds,
    generation,
    critics,
    disagreement: { generation: disagreement(0), critics: rounds < 2 ? null : disagreement(rounds - 1) },
  };
}
