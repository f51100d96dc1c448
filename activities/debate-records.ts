/**
 * Light activities around the debates: task splits, questions, transcripts, finetuning data and
 * evaluation scores, all kept in the artifact store so workflow histories carry only references
 * and small records.
 */
import type { AgentTable } from '../core/agents';
import { artifactPaths, type Split } from '../core/artifact-paths';
import { mixCriticData, partitionDebates, toFinetuningRecord, type DatasetSizes } from '../core/datasets';
import { majorityVote, tieBreakSeed } from '../core/majority';
import { seedFrom } from '../core/random';
import { accuracyWithStandardError, type Accuracy } from '../core/stats';
import { generatedSplits, taskByName, type Question } from '../core/tasks';
import type { Conversation, DebateOutcome, DebateTranscript } from '../core/transcript';
import type { ArtifactStore } from './artifact-store';
import { heartbeating } from './heartbeat';

export interface PrepareTaskInput {
  runId: string;
  task: string;
  seed: number;
  trainSize: number;
  testSize: number;
}

export interface QuestionRef {
  runId: string;
  split: Split;
  index: number;
}

export interface RecordDebateInput {
  runId: string;
  iteration: number;
  split: Split;
  questionId: string;
  task: string;
  seed: number;
  agents: AgentTable;
  conversations: Conversation[];
  summaries: string[][];
}

export interface BuildDatasetsInput {
  runId: string;
  iteration: number;
  agents: number;
  criticMix: number;
  criticTurns: 'all' | 'final';
  seed: number;
}

export interface ScoreInput {
  runId: string;
  iteration: number;
  task: string;
}

export function createDebateRecordActivities(store: ArtifactStore) {
  const splitCache = new Map<string, Question[]>();

  async function readSplit(runId: string, split: Split): Promise<Question[]> {
    const path = artifactPaths.split(runId, split);
    let questions = splitCache.get(path);
    if (!questions) {
      questions = await store.readJsonl<Question>(path);
      splitCache.set(path, questions);
    }
    return questions;
  }

  async function readTranscripts(runId: string, iteration: number, split: Split): Promise<DebateTranscript[]> {
    const questions = await readSplit(runId, split);
    return Promise.all(questions.map((q) => store.readJson<DebateTranscript>(artifactPaths.debate(runId, iteration, split, q.id))));
  }

  return {
    /** Writes the run's seeded train and test splits once; later calls keep the stored ones. */
    async prepareTask(input: PrepareTaskInput): Promise<{ train: number; test: number }> {
      return heartbeating(() => prepare(input));
    },

    /** The question x, without its reference answer: debates never see ground truth. */
    async loadQuestion(ref: QuestionRef): Promise<{ id: string; prompt: string }> {
      const questions = await readSplit(ref.runId, ref.split);
      const question = questions[ref.index];
      if (!question) throw new Error(`${ref.split} split of run ${ref.runId} has no question ${ref.index}`);
      return { id: question.id, prompt: question.prompt };
    },

    /** Parses every agent's answers, takes the majority ŷ (line 14) and stores the transcript. */
    async recordDebate(input: RecordDebateInput): Promise<DebateOutcome> {
      const task = taskByName(input.task);
      const rounds = input.conversations[0].filter((m) => m.role === 'assistant').length;
      const answers = Array.from({ length: rounds }, (_, m) =>
        input.conversations.map((c) => task.answerKey(c.filter((msg) => msg.role === 'assistant')[m].content)),
      );
      const majority = majorityVote(answers[rounds - 1], tieBreakSeed(input.seed, input.runId, input.iteration, input.questionId));
      const transcript: DebateTranscript = {
        runId: input.runId,
        iteration: input.iteration,
        split: input.split,
        questionId: input.questionId,
        agents: input.agents,
        conversations: input.conversations,
        summaries: input.summaries,
        answers,
        majority,
      };
      await store.writeJson(artifactPaths.debate(input.runId, input.iteration, input.split, input.questionId), transcript);
      return { questionId: input.questionId, majority, answers };
    },

    /** D^G_n and D^C_n for every agent n from the stored training debates (lines 18-26). */
    async buildFinetuningData(input: BuildDatasetsInput): Promise<DatasetSizes> {
      return heartbeating(() => buildDatasets(input));
    },

    /** Algorithm 2's score: the debate's majority against the reference, accuracy ± SE. */
    async scoreEvaluation(input: ScoreInput): Promise<Accuracy> {
      return heartbeating(() => score(input));
    },
  };

  async function prepare(input: PrepareTaskInput): Promise<{ train: number; test: number }> {
    taskByName(input.task);
    const paths = { train: artifactPaths.split(input.runId, 'train'), test: artifactPaths.split(input.runId, 'test') };
    if (!(await store.exists(paths.train)) || !(await store.exists(paths.test))) {
      const splits = generatedSplits(input.seed, input.trainSize, input.testSize);
      await store.writeJsonl(paths.train, splits.train);
      await store.writeJsonl(paths.test, splits.test);
    }
    const [train, test] = await Promise.all([readSplit(input.runId, 'train'), readSplit(input.runId, 'test')]);
    return { train: train.length, test: test.length };
  }

  async function buildDatasets(input: BuildDatasetsInput): Promise<DatasetSizes> {
    const transcripts = await readTranscripts(input.runId, input.iteration, 'train');
    const data = partitionDebates(transcripts, input.agents);
    const sizes: DatasetSizes = {
      generation: [],
      criticMinus: [],
      criticPlus: [],
      critic: [],
      withoutMajority: transcripts.filter((t) => t.majority === null).length,
    };
    for (const [n, agent] of data.entries()) {
      const critic = mixCriticData(agent.criticMinus, agent.criticPlus, input.criticMix, seedFrom(input.seed, input.runId, input.iteration, 'critic-mix', n));
      await store.writeJsonl(artifactPaths.dataset(input.runId, input.iteration, 'generation', n), agent.generation.map((c) => toFinetuningRecord(c)));
      await store.writeJsonl(artifactPaths.dataset(input.runId, input.iteration, 'critic', n), critic.map((c) => toFinetuningRecord(c, input.criticTurns)));
      sizes.generation.push(agent.generation.length);
      sizes.criticMinus.push(agent.criticMinus.length);
      sizes.criticPlus.push(agent.criticPlus.length);
      sizes.critic.push(critic.length);
    }
    await store.writeJson(artifactPaths.datasetSummary(input.runId, input.iteration), sizes);
    return sizes;
  }

  async function score(input: ScoreInput): Promise<Accuracy> {
    const task = taskByName(input.task);
    const questions = await readSplit(input.runId, 'test');
    const transcripts = await readTranscripts(input.runId, input.iteration, 'test');
    const records = transcripts.map((t, i) => {
      const reference = task.referenceKey(questions[i].reference);
      return { questionId: t.questionId, majority: t.majority, reference, correct: t.majority === reference };
    });
    await store.writeJsonl(artifactPaths.evaluation(input.runId, input.iteration), records);
    return accuracyWithStandardError(records.map((r) => r.correct));
  }
}
