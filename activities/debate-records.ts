/**
 * Light activities around the debates: task splits, questions, transcripts, finetuning data and
 * evaluation scores, all kept in the artifact store so workflow histories carry only references
 * and small records.
 */
import type { AgentTable } from '../core/agents';
import { artifactPaths, type Split } from '../core/artifact-paths';
import { majorityVote, tieBreakSeed } from '../core/majority';
import { accuracyWithStandardError, type Accuracy } from '../core/stats';
import { generatedSplits, taskByName } from '../core/tasks';
import type { Rationalization } from '../core/star';
import type { Conversation, DebateOutcome, DebateTranscript } from '../core/transcript';
import { heartbeating } from './heartbeat';
import type { RunArtifacts } from './run-artifacts';

export interface PrepareTaskInput {
  runId: string;
  task: string;
  seed: number;
  trainSize: number;
  testSize: number;
}

export interface QuestionRef {
  runId: string;
  iteration: number;
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
  rationalization: Rationalization | null;
}

export interface ScoreInput {
  runId: string;
  iteration: number;
  task: string;
}

export function createDebateRecordActivities(artifacts: RunArtifacts) {
  const { store, readSplit, readTranscripts } = artifacts;

  return {
    /** Writes the run's seeded train and test splits once; later calls keep the stored ones. */
    async prepareTask(input: PrepareTaskInput): Promise<{ train: number; test: number }> {
      return heartbeating(() => prepare(input));
    },

    /** The question x, without its reference answer (debates never see ground truth), and the
     * outcome of its debate if an earlier attempt of this iteration already recorded one. */
    async loadQuestion(ref: QuestionRef): Promise<{ id: string; prompt: string; recorded: DebateOutcome | null }> {
      const questions = await readSplit(ref.runId, ref.split);
      const question = questions[ref.index];
      if (!question) throw new Error(`${ref.split} split of run ${ref.runId} has no question ${ref.index}`);
      const path = artifactPaths.debate(ref.runId, ref.iteration, ref.split, question.id);
      const recorded = (await store.exists(path)) ? outcomeOf(await store.readJson<DebateTranscript>(path)) : null;
      return { id: question.id, prompt: question.prompt, recorded };
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
        rationalization: input.rationalization,
      };
      await store.writeJson(artifactPaths.debate(input.runId, input.iteration, input.split, input.questionId), transcript);
      return outcomeOf(transcript);
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

/** The small record a debate hands back to its parent (no text). */
function outcomeOf(t: DebateTranscript): DebateOutcome {
  return { questionId: t.questionId, majority: t.majority, answers: t.answers };
}
