/** Readers of a run's stored splits and debate transcripts, shared by the activities that need them. */
import { artifactPaths, type Split } from '../core/artifact-paths';
import type { Question } from '../core/tasks';
import type { DebateTranscript } from '../core/transcript';
import type { ArtifactStore } from './artifact-store';

export type RunArtifacts = ReturnType<typeof createRunArtifacts>;

export function createRunArtifacts(store: ArtifactStore) {
  const splitCache = new Map<string, Question[]>();

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

  return { store, readSplit, readTranscripts };
}
