/**
 * Algorithm 1, lines 18-26, as an activity: the finetuning data of one iteration, built from the
 * stored training debates and written as chat JSONL. The method's plan decides the shape: each
 * agent's own D^G_n and D^C_n (Multiagent FT), one pooled dataset for one model (Majority FT,
 * Single-agent FT), or STaR's ground-truth examples.
 */
import { artifactPaths } from '../core/artifact-paths';
import { emptyCriticNote, mixCriticData, partitionDebates, releasedCriticMix, toFinetuningRecord, type DatasetSizes } from '../core/datasets';
import type { MethodPlan } from '../core/methods';
import { seedFrom } from '../core/random';
import { starExamples } from '../core/star';
import type { Conversation } from '../core/transcript';
import { heartbeating } from './heartbeat';
import type { RunArtifacts } from './run-artifacts';

export interface BuildDatasetsInput {
  runId: string;
  iteration: number;
  task: string;
  agents: number;
  plan: Pick<MethodPlan, 'finetune' | 'data' | 'critics'>;
  /** w per agent (a heterogeneous society may give each agent its own). */
  criticMix: number[];
  /** 'exact': the seeded w-mix; 'released': the authors' rule (config criticMixRule). */
  criticMixRule: 'exact' | 'released';
  criticTurns: 'all' | 'final';
  seed: number;
}

export function createFinetuningDataActivities({ store, readSplit, readTranscripts, checkerOf }: RunArtifacts) {
  const writeRecords = (path: string, conversations: Conversation[], turns: 'all' | 'final' = 'all') =>
    store.writeJsonl(
      path,
      conversations.map((c) => toFinetuningRecord(c, turns)),
    );

  async function build(input: BuildDatasetsInput): Promise<DatasetSizes> {
    const { runId, iteration } = input;
    const transcripts = await readTranscripts(runId, iteration, 'train');
    const sizes: DatasetSizes = {
      generation: [],
      criticMinus: [],
      criticPlus: [],
      critic: [],
      withoutMajority: transcripts.filter((t) => t.majority === null).length,
    };
    if (input.plan.data === 'star') {
      const checker = await checkerOf(runId, input.task);
      const questions = await readSplit(runId, 'train');
      const { examples, rationalized } = starExamples(
        transcripts.map((t, i) => ({
          conversation: t.conversations[0],
          firstCorrect: t.extracted[0][0] !== null && checker.equivalent(t.extracted[0][0], questions[i].reference),
          rationalization: t.rationalization ?? null,
        })),
      );
      await writeRecords(artifactPaths.sharedDataset(runId, iteration), examples);
      sizes.shared = examples.length;
      sizes.rationalized = rationalized;
      await store.writeJson(artifactPaths.datasetSummary(runId, iteration), sizes);
      return sizes;
    }

    // Lines 20-26: D^G_n, D^C-_n, D^C+_n and the w-mix D^C_n of every agent n.
    const data = partitionDebates(transcripts, input.agents);
    const mixes = input.plan.critics || input.plan.finetune === 'shared';
    const critic = data.map((agent, n) => {
      if (!mixes) return [];
      const seed = seedFrom(input.seed, runId, iteration, 'critic-mix', n);
      return input.criticMixRule === 'released'
        ? releasedCriticMix(agent.criticMinus, agent.criticPlus, seed)
        : mixCriticData(agent.criticMinus, agent.criticPlus, input.criticMix[n], seed);
    });
    const notes: string[] = [];
    for (const [n, agent] of data.entries()) {
      sizes.generation.push(agent.generation.length);
      sizes.criticMinus.push(agent.criticMinus.length);
      sizes.criticPlus.push(agent.criticPlus.length);
      sizes.critic.push(critic[n].length);
      const note =
        mixes && input.criticMixRule === 'exact' ? emptyCriticNote(n + 1, input.criticMix[n], agent.criticMinus.length, agent.criticPlus.length) : null;
      if (note) notes.push(note);
    }
    if (notes.length) sizes.notes = notes;
    if (input.plan.finetune === 'shared') {
      // One model learns every agent's slice: the single-agent baselines.
      const records = [
        ...data.flatMap((agent) => agent.generation.map((c) => toFinetuningRecord(c))),
        ...critic.flatMap((conversations) => conversations.map((c) => toFinetuningRecord(c, input.criticTurns))),
      ];
      await store.writeJsonl(artifactPaths.sharedDataset(runId, iteration), records);
      sizes.shared = records.length;
    } else {
      for (const [n, agent] of data.entries()) {
        await writeRecords(artifactPaths.dataset(runId, iteration, 'generation', n), agent.generation);
        if (input.plan.critics) await writeRecords(artifactPaths.dataset(runId, iteration, 'critic', n), critic[n], input.criticTurns);
      }
    }
    await store.writeJson(artifactPaths.datasetSummary(runId, iteration), sizes);
    return sizes;
  }

  return {
    /** The finetuning data of one iteration (lines 18-26), shaped by the method's plan. */
    async buildFinetuningData(input: BuildDatasetsInput): Promise<DatasetSizes> {
      return heartbeating(() => build(input));
    },
  };
}
