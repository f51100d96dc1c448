/**
 * One question's multiagent debate: Algorithm 1, lines 6-16 (and Algorithm 2's debate).
 * Round 1: each generation agent A^G_n answers x. Rounds 2..M: each critic agent A^C_n sees its own
 * conversation plus the other agents' previous answers, summarized for it by the base model or
 * concatenated, and answers again. ŷ is the majority of the last round's answers.
 */
import type { AgentTable } from '../core/agents';
import type { Split } from '../core/artifact-paths';
import type { RunConfig } from '../core/config';
import { seedFrom } from '../core/random';
import { criticTurnWithOpinions, criticTurnWithSummary, othersThan, summaryRequest } from '../core/prompts';
import type { ChatMessage, Conversation, DebateOutcome } from '../core/transcript';
import { inferenceActivities, lightActivities } from './activity-proxies';

/** The parts of the run config a debate needs (kept small: it is stored in every child's history). */
export type DebateSettings = Pick<RunConfig, 'runId' | 'seed' | 'baseModel' | 'rounds' | 'summarize' | 'sampling' | 'queues'> & {
  task: string;
};

export interface DebateInput {
  settings: DebateSettings;
  iteration: number;
  split: Split;
  /** The question's position in its split. */
  index: number;
  agents: AgentTable;
}

export async function debate({ settings, iteration, split, index, agents }: DebateInput): Promise<DebateOutcome> {
  const light = lightActivities(settings.queues);
  const { chat } = inferenceActivities(settings.queues);
  const { temperature, topP, maxTokens } = settings.sampling;
  // Each call has its own sampling seed, so copies of one model still answer independently.
  const ask = (model: string, messages: ChatMessage[], ...call: Array<string | number>) =>
    chat({ model, messages, temperature, topP, maxTokens, seed: seedFrom(settings.seed, settings.runId, iteration, split, index, ...call) });

  const x = await light.loadQuestion({ runId: settings.runId, split, index });
  const N = agents.generation.length;
  const conversations: Conversation[] = Array.from({ length: N }, () => [{ role: 'user', content: x.prompt }]);
  const summaries: string[][] = [];

  // Line 8: y_{1,n} = A^G_n(x), the generation agents' first answers.
  await Promise.all(
    conversations.map(async (conversation, n) => {
      conversation.push({ role: 'assistant', content: await ask(agents.generation[n], conversation, 'agent', n, 'round', 1) });
    }),
  );

  // Lines 9-13: rounds m = 2..M, y_{m,n} = A^C_n(conversation_n + the others' y_{m-1}).
  for (let m = 2; m <= settings.rounds; m++) {
    const previous = conversations.map((conversation) => conversation[conversation.length - 1].content);
    const roundSummaries: string[] = Array(N).fill('');
    await Promise.all(
      conversations.map(async (conversation, n) => {
        const others = othersThan(previous, n);
        let feedback: ChatMessage;
        if (settings.summarize) {
          // A summary for each receiving agent n, of the other N-1 answers, by the base model.
          roundSummaries[n] = await ask(settings.baseModel, summaryRequest(others), 'summary', n, 'round', m);
          feedback = criticTurnWithSummary(roundSummaries[n]);
        } else {
          feedback = criticTurnWithOpinions(others);
        }
        conversation.push(feedback);
        conversation.push({ role: 'assistant', content: await ask(agents.critic[n], conversation, 'agent', n, 'round', m) });
      }),
    );
    if (settings.summarize) summaries.push(roundSummaries);
  }

  // Line 14: ŷ = Majority(y_{M,1..N}); the transcript goes to the artifact store.
  return light.recordDebate({
    runId: settings.runId,
    iteration,
    split,
    questionId: x.id,
    task: settings.task,
    seed: settings.seed,
    agents,
    conversations,
    summaries,
  });
}
