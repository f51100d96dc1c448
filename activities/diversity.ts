/**
 * measureDiversity: the diversity of a society at one iteration, from its stored evaluation debates
 * (docs/diversity.md): C.1 consensus from the recorded answers; Section 4's NLL (and maft's agentKl)
 * from the final-round models scoring each other's final-round replies; C.2 and C.3 from one fixed
 * scoring model, C.3 against the base model's replies of iteration 0; C.4 from an embeddings
 * endpoint. Returns numbers only, never text.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type OpenAI from 'openai';
import type { AgentTable } from '../core/agents';
import { artifactPaths, type Split } from '../core/artifact-paths';
import { sampleVote } from '../core/diversity/consensus';
import { debateView, InvalidTranscriptError, type DebateView } from '../core/diversity/debate-view';
import { meanPairDissimilarity } from '../core/diversity/embeddings';
import { diversityMetrics, type Measured } from '../core/diversity/metrics';
import type { DiversityMetrics } from '../core/diversity/types';
import { Semaphore } from '../core/semaphore';
import { roundModels } from '../core/society';
import type { ArtifactStore } from './artifact-store';
import type { EngineRouter } from './engines';
import { embed, metricCalls, settle, unavailableIfThrows } from './diversity-endpoints';
import { heldOutLikelihoods, scorerMeasure, type ScorerMeasure } from './diversity-scoring';
import { heartbeating } from './heartbeat';
import { createRunArtifacts } from './run-artifacts';

export interface EmbeddingsBackend {
  client: OpenAI;
  /** The embedding model to ask for. */
  model: string;
}

export interface DiversityDependencies {
  store: ArtifactStore;
  /** The engines of the agents' models and of the scoring model: they score replies (POST /v1/completions,
   * echo + logprobs), each call through its engine's semaphore. */
  engines: EngineRouter;
  /** An embeddings endpoint; null: embedding dissimilarity is reported unavailable. */
  embeddings: EmbeddingsBackend | null;
  /** Embeddings calls in flight at once from this worker's diversity measurements. */
  maxConcurrentCalls: number;
}

export interface MeasureDiversityInput {
  runId: string;
  iteration: number;
  split: Split;
  /** The agents that debated: the final round's models score each other's replies (NLL). */
  agents: AgentTable;
  /** Agent n's base model, whose engine serves its models (absent: each model's own name). */
  baseModels?: string[];
  /** Critic agents answer rounds 2..M (core/methods.ts, plan.critics); false: the generation agents answer every round. */
  critics: boolean;
  /** One model plays every agent (Single-agent FT and the other shared-model methods): measured as the paper
   * measures Single-agent FT, with M = 1 (round 1's independent samples, voted). */
  singleModel: boolean;
  /** The fixed scoring model of C.2 and C.3 (config diversity.scoringModel). */
  scoringModel: string;
  /** The questions to measure; default the split's questions in order. */
  questionIds?: string[];
  /** At most this many of them (the first ones). */
  limit?: number;
}

const invalid = (message: string) => ApplicationFailure.nonRetryable(message, 'InvalidDiversityInput');

export function createDiversityActivities(deps: DiversityDependencies) {
  const calls = new Semaphore(deps.maxConcurrentCalls);
  const artifacts = createRunArtifacts(deps.store);

  async function questionIds(input: MeasureDiversityInput): Promise<string[]> {
    if (input.limit !== undefined && !(Number.isInteger(input.limit) && input.limit >= 1))
      throw invalid(`limit must be a positive integer, got ${input.limit}`);
    const ids = input.questionIds ?? (await artifacts.readSplit(input.runId, input.split)).map((q) => q.id);
    const chosen = ids.slice(0, input.limit ?? ids.length);
    if (chosen.length === 0) throw invalid(`no ${input.split} questions to measure for run ${input.runId}`);
    return chosen;
  }

  async function readView(input: MeasureDiversityInput, iteration: number, questionId: string): Promise<DebateView> {
    const path = artifactPaths.debate(input.runId, iteration, input.split, questionId);
    const file = deps.store.locate(path);
    if (!(await deps.store.exists(path))) throw invalid(`${file}: no debate transcript for question ${questionId}`);
    let raw: unknown;
    try {
      raw = JSON.parse(await deps.store.readText(path));
    } catch (error) {
      throw invalid(`${file}: invalid JSON (${(error as Error).message})`);
    }
    try {
      return debateView(raw, input.agents.generation.length, file);
    } catch (error) {
      if (error instanceof InvalidTranscriptError) throw invalid(error.message);
      throw error;
    }
  }

  /** The base model's debates of the same questions (iteration 0), or why C.3 has none. */
  async function baseViews(input: MeasureDiversityInput, ids: string[], views: DebateView[]): Promise<Measured<DebateView[]>> {
    if (input.iteration === 0) return { ok: true, value: views };
    for (const id of ids) {
      const path = artifactPaths.debate(input.runId, 0, input.split, id);
      if (!(await deps.store.exists(path)))
        return { ok: false, reason: `no base-model replies: ${deps.store.locate(path)} is missing (the base is evaluated when evaluateBase is true)` };
    }
    const base = await Promise.all(ids.map((id) => readView(input, 0, id)));
    const rounds = views[0].rounds.length;
    const other = base.find((b) => b.rounds.length !== rounds);
    return other
      ? { ok: false, reason: `the base debate of ${other.questionId} has ${other.rounds.length} rounds, these have ${rounds}` }
      : { ok: true, value: base };
  }

  /** C.4 per question with at least two final-round replies matching the reference (one embeddings call each). */
  async function embeddingDissimilarity(views: DebateView[], round: number, references: Array<string | null>): Promise<Measured<number[]>> {
    const backend = deps.embeddings;
    if (!backend) return { ok: false, reason: 'no embeddings endpoint is configured' };
    const call = metricCalls();
    const measured = await settle(
      views.map(async (view, q) => {
        const matching = view.rounds[round - 1].replies.filter((_, n) => references[q] !== null && view.answers[round - 1][n] === references[q]);
        if (matching.length < 2) return null;
        const vectors = await call(`POST /embeddings with ${backend.model}`, calls, () => embed(backend.client, backend.model, matching));
        return unavailableIfThrows(`embeddings of question ${view.questionId}`, () => meanPairDissimilarity(vectors));
      }),
    );
    return measured.ok ? { ok: true, value: measured.value.flatMap((v) => (v === null ? [] : [v])) } : measured;
  }

  async function measure(input: MeasureDiversityInput): Promise<DiversityMetrics> {
    const { generation, critic } = input.agents;
    if (generation.length === 0 || critic.length !== generation.length) {
      throw invalid(`agents: ${generation.length} generation and ${critic.length} critic agents; need as many of each, at least one`);
    }
    const ids = await questionIds(input);
    const views = await Promise.all(ids.map((id) => readView(input, input.iteration, id)));
    const last = views[0].rounds.length;
    const uneven = views.find((v) => v.rounds.length !== last);
    if (uneven) throw invalid(`question ${uneven.questionId} was debated for ${uneven.rounds.length} rounds, question ${views[0].questionId} for ${last}`);
    const round = input.singleModel ? 1 : last;
    const references = views.map((v) => (input.singleModel ? sampleVote(v.answers[0]) : v.majority));
    const models = roundModels(input.agents, round, input.critics);
    const base = await baseViews(input, ids, views);
    const scorerCalls = metricCalls();
    const heldOutCalls = metricCalls();
    const [likelihoods, scored, embedded] = await Promise.all([
      settle(views.map((view) => heldOutLikelihoods(deps.engines, heldOutCalls, view, round, models, input.baseModels))),
      settle(views.map((view, q) => scorerMeasure(deps.engines, scorerCalls, input.scoringModel, view, round, base.ok ? base.value[q] : null))),
      embeddingDissimilarity(views, round, references),
    ]);
    return diversityMetrics({
      round,
      scoringModel: input.scoringModel,
      finals: views.map((v, q) => ({ answers: v.answers[round - 1], reference: references[q] })),
      likelihoods,
      klPairwise: scored.ok ? { ok: true, value: scored.value.map((s) => s.klPairwise) } : scored,
      klFromBase: fromBase(scored, base, last),
      embeddingDissimilarity: embedded,
    });
  }

  return {
    async measureDiversity(input: MeasureDiversityInput): Promise<DiversityMetrics> {
      return heartbeating(() => measure(input));
    },
  };
}

/** C.3 of each role: unavailable when the scoring failed, the base has no replies, or (critics) there is one round. */
function fromBase(scored: Measured<ScorerMeasure[]>, base: Measured<unknown>, rounds: number): { generation: Measured<number[]>; critic: Measured<number[]> } {
  if (!scored.ok) return { generation: scored, critic: scored };
  if (!base.ok) return { generation: base, critic: base };
  const values = scored.value.map((s) => s.fromBase!);
  return {
    generation: { ok: true, value: values.map((v) => v.generation) },
    critic: rounds >= 2 ? { ok: true, value: values.map((v) => v.critic!) } : { ok: false, reason: 'one round: no critic replies' },
  };
}
