/**
 * Light activities around the debates (task splits, evaluation scores) and the debate activity's
 * question and transcript records, all kept in the artifact store so workflow histories carry only references and small records.
 */
import type { AgentTable } from '../core/agents';
import { artifactPaths, type Split } from '../core/artifact-paths';
import { gradeDebate } from '../core/behaviour/graded-debate';
import { behaviourProfile } from '../core/behaviour/profile';
import type { TaskConfig } from '../core/config';
import { equivalenceClasses, majorityVote, tieBreakSeed } from '../core/majority';
import type { CriticContext } from '../core/prompts';
import { accuracyWithStandardError, type Accuracy } from '../core/stats';
import { assistantTurns, type Conversation, type DebateOutcome, type DebateTranscript, type Rationalization } from '../core/transcript';
import { heartbeating } from './heartbeat';
import type { RunArtifacts } from './run-artifacts';
import { dataDirectory, loadTaskSplits } from './task-data';

export interface PrepareTaskInput {
  runId: string;
  /** The seed the splits are drawn with. */
  seed: number;
  task: TaskConfig;
}

/** The question ids of each split, in order: they name the debate workflows. */
export interface SplitIds {
  train: string[];
  test: string[];
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
  /** truncated[m][n]: y_{m+1,n} was cut at max_tokens (debateRound's flags); absent: none was. */
  truncated?: boolean[][];
}

export interface ScoreInput {
  runId: string;
  iteration: number;
  task: string;
}

/**
 * The debate activity's reads and writes around one question (activities/debate.ts): not activities
 * themselves, they run inside debateQuestion.
 */
export function createQuestionRecords({ store, readSplit, readTask, checkerOf }: RunArtifacts) {
  return {
    /**
     * The question x, without its reference answer (debates never see ground truth), what critics
     * are told of it, and the outcome of its debate if an earlier attempt of this iteration already
     * recorded one.
     */
    async loadQuestion(ref: QuestionRef): Promise<{ id: string; prompt: string; critic: CriticContext; recorded: DebateOutcome | null }> {
      const questions = await readSplit(ref.runId, ref.split);
      const question = questions[ref.index];
      if (!question) throw new Error(`${ref.split} split of run ${ref.runId} has no question ${ref.index}`);
      const task = await readTask(ref.runId);
      const path = artifactPaths.debate(ref.runId, ref.iteration, ref.split, question.id);
      const recorded = (await store.exists(path)) ? outcomeOf(await store.readJson<DebateTranscript>(path)) : null;
      return { id: question.id, prompt: question.prompt, critic: { style: task.spec.prompts, question: question.text }, recorded };
    },

    /**
     * Reads every agent's final answers with the task's checker, groups them into equivalence
     * classes, takes the majority ŷ (line 14) and stores the transcript. A reply cut at max_tokens
     * never reached its final answer (whatever it ends on is not one), so it counts as unparseable.
     */
    async recordDebate(input: RecordDebateInput): Promise<DebateOutcome> {
      const checker = await checkerOf(input.runId, input.task);
      const turns = input.conversations.map(assistantTurns);
      const extracted = turns[0].map((_, m) => turns.map((t, n) => (input.truncated?.[m]?.[n] ? null : checker.extract(t[m]))));
      const answers = equivalenceClasses(extracted, checker.equivalent);
      const majority = majorityVote(answers[answers.length - 1], tieBreakSeed(input.seed, input.runId, input.iteration, input.questionId));
      const transcript: DebateTranscript = {
        runId: input.runId,
        iteration: input.iteration,
        split: input.split,
        questionId: input.questionId,
        agents: input.agents,
        conversations: input.conversations,
        summaries: input.summaries,
        checker: checker.name,
        extracted,
        answers,
        majority,
        rationalization: input.rationalization,
      };
      await store.writeJson(artifactPaths.debate(input.runId, input.iteration, input.split, input.questionId), transcript);
      return outcomeOf(transcript);
    },
  };
}

/** `dataDir`: where relative data paths of task configs point (MAFT_DATA_DIR by default). */
export function createDebateRecordActivities({ store, readSplit, checkerOf, readTranscripts }: RunArtifacts, dataDir = dataDirectory()) {
  return {
    /** Writes the run's seeded train and test splits and its task record once; later calls keep the stored ones. */
    async prepareTask(input: PrepareTaskInput): Promise<SplitIds> {
      return heartbeating(() => prepare(input));
    },

    /**
     * Algorithm 2's score: the debate's majority against the reference, accuracy ± SE. Also stores
     * the debates' behaviour profile (docs/behaviour.md), which recordEvaluation adds to the record.
     */
    async scoreEvaluation(input: ScoreInput): Promise<Accuracy> {
      return heartbeating(() => score(input));
    },
  };

  async function prepare(input: PrepareTaskInput): Promise<SplitIds> {
    const paths = { train: artifactPaths.split(input.runId, 'train'), test: artifactPaths.split(input.runId, 'test'), task: artifactPaths.task(input.runId) };
    const stored = await Promise.all(Object.values(paths).map((p) => store.exists(p)));
    if (!stored.every(Boolean)) {
      const { splits, record } = await loadTaskSplits(input.task, input.seed, dataDir);
      await store.writeJsonl(paths.train, splits.train);
      await store.writeJsonl(paths.test, splits.test);
      await store.writeJson(paths.task, record); // last: its presence marks a complete preparation
    }
    const [train, test] = await Promise.all([readSplit(input.runId, 'train'), readSplit(input.runId, 'test')]);
    return { train: train.map((q) => q.id), test: test.map((q) => q.id) };
  }

  /** Algorithm 2's verdict: ŷ is correct when the task's checker finds it equivalent to the reference. */
  async function score(input: ScoreInput): Promise<Accuracy> {
    const checker = await checkerOf(input.runId, input.task);
    const questions = await readSplit(input.runId, 'test');
    const transcripts = await readTranscripts(input.runId, input.iteration, 'test');
    const records = transcripts.map((t, i) => {
      const reference = questions[i].reference;
      return { questionId: t.questionId, majority: t.majority, reference, correct: t.majority !== null && checker.equivalent(t.majority, reference) };
    });
    await store.writeJsonl(artifactPaths.evaluation(input.runId, input.iteration), records);
    const graded = transcripts.map((t, i) =>
      gradeDebate(t, questions[i].reference, checker, artifactPaths.debate(input.runId, input.iteration, 'test', t.questionId)),
    );
    await store.writeJson(artifactPaths.behaviour(input.runId, input.iteration), behaviourProfile(graded));
    return accuracyWithStandardError(records.map((r) => r.correct));
  }
}

/** The small record a debate hands back to its parent (no text). */
function outcomeOf(t: DebateTranscript): DebateOutcome {
  return { questionId: t.questionId, majority: t.majority, answers: t.answers };
}
