/** Readers of a run's stored splits, task record and debate transcripts, shared by the activities that need them. */
import { answerChecker, type AnswerChecker } from '../core/answers';
import { artifactPaths, type Split } from '../core/artifact-paths';
import type { Question, TaskRecord } from '../core/tasks';
import type { DebateTranscript } from '../core/transcript';
import type { ArtifactStore } from './artifact-store';

export type RunArtifacts = ReturnType<typeof createRunArtifacts>;

export function createRunArtifacts(store: ArtifactStore) {
  const splitCache = new Map<string, Question[]>();
  const taskCache = new Map<string, TaskRecord>();

  /** A run's split, cached: splits are written once and never change. */
  async function readSplit(runId: string, split: Split): Promise<Question[]> {
    const path = artifactPaths.split(runId, split);
    let questions = splitCache.get(path);
    if (!questions) {
      questions = await store.readJsonl<Question>(path);
      splitCache.set(path, questions);
    }
    return questions;
  }

  /** Every debate of one iteration and split, in question order. */
  async function readTranscripts(runId: string, iteration: number, split: Split): Promise<DebateTranscript[]> {
    const questions = await readSplit(runId, split);
    return Promise.all(questions.map((q) => store.readJson<DebateTranscript>(artifactPaths.debate(runId, iteration, split, q.id))));
  }

  /** The run's task record (written by prepareTask with the splits), cached. */
  async function readTask(runId: string): Promise<TaskRecord> {
    let task = taskCache.get(runId);
    if (!task) {
      task = await store.readJson<TaskRecord>(artifactPaths.task(runId));
      taskCache.set(runId, task);
    }
    return task;
  }

  /** The answer checker of the run's task; `name` must be the task the run was prepared for. */
  async function checkerOf(runId: string, name: string): Promise<AnswerChecker> {
    const task = await readTask(runId);
    if (task.spec.name !== name) throw new Error(`run ${runId} was prepared for task ${task.spec.name}, not ${name}`);
    return answerChecker(task.spec.checker);
  }

  return { store, readSplit, readTask, checkerOf, readTranscripts };
}
