/** Validation of a stored behaviour profile (types.ts), for evaluation records read back (core/report/record-schema.ts). */
import { z } from 'zod';
import { ANSWER_CHANGES, type AgentBehaviour, type BehaviourProfile, type ChangeCounts } from './types';

const count = z.number().int().min(0);
const matrix = z.array(z.array(z.number().min(0).max(1))).nullable();

const changesSchema = z.object(Object.fromEntries(ANSWER_CHANGES.map((c) => [c, count]))) as unknown as z.ZodType<ChangeCounts>;

const agentSchema: z.ZodType<AgentBehaviour> = z.object({
  agent: count,
  model: z.string(),
  replies: count,
  right: count,
  unparseable: count,
  hedging: z.object({ hedged: count, noAnswer: count, phrase: count, candidates: count }),
  meanWords: z.number().min(0),
  overlap: z.number().min(0).max(1).nullable(),
  changes: changesSchema.nullable(),
  conformity: z.object({ opportunities: count, conformed: count, heldOut: count, heldOutRight: count }).nullable(),
});

export const behaviourProfileSchema: z.ZodType<BehaviourProfile> = z.object({
  questions: count,
  agents: z.number().int().min(1),
  rounds: z.number().int().min(1),
  generation: z.array(agentSchema),
  critics: z.array(agentSchema),
  disagreement: z.object({ generation: matrix, critics: matrix }),
});
