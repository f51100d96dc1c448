/**
 * measureDiversity: the diversity of a society at one iteration, from its stored evaluation debates
 * (docs/diversity.md). Consensus comes from the recorded answers; embedding dissimilarity from an
 * embeddings endpoint; the likelihood metrics (NLL under a held-out agent, KL between agents) from
 * every agent's model scoring every agent's round-r response. Returns numbers only, never text.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type OpenAI from 'openai';
import type { AgentTable } from '../core/agents';
import { artifactPaths, type Split } from '../core/artifact-paths';
import { debateView, InvalidTranscriptError, type DebateView } from '../core/diversity/debate-view';
import { dissimilarityMatrix } from '../core/diversity/embeddings';
import { klMatrix, nllMatrix, spanLogprobs } from '../core/diversity/likelihood';
import { diversityMetrics, type Measured } from '../core/diversity/metrics';
import { scoringPrompt } from '../core/diversity/scoring-prompt';
import type { DiversityMetrics } from '../core/diversity/types';
import { Semaphore } from '../core/semaphore';
import { roundModels } from '../core/society';
import type { ArtifactStore } from './artifact-store';
import { echoLogprobs, embed, metricCalls, MetricUnavailable } from './diversity-endpoints';
import { heartbeating } from './heartbeat';
import { createRunArtifacts } from './run-artifacts';

export interface EmbeddingsBackend {
  client: OpenAI;
  /** The embedding model to ask for. */
  model: string;
}

export interface DiversityDependencies {
  store: ArtifactStore;
  /** The server of the agents' models: it scores responses (POST /v1/completions, echo + logprobs). */
  scoring: OpenAI;
  /** An embeddings endpoint; null: embedding dissimilarity is reported unavailable. */
  embeddings: EmbeddingsBackend | null;
  /** Model calls in flight at once from this worker's diversity measurements. */
  maxConcurrentCalls: number;
}

export interface MeasureDiversityInput {
  runId: string;
  iteration: number;
  split: Split;
  /** The agents that debated: their models score the responses. */
  agents: AgentTable;
  /** The questions to measure; default the split's questions in order. */
  questionIds?: string[];
  /** At most this many of them (the first ones). */
  limit?: number;
  /** Critic agents answer rounds 2..M (core/methods.ts, plan.critics); false: the generation agents answer every round. */
  critics?: boolean;
  /** The round whose responses the text metrics read: 1 (default) the generation agents', later ones the critics'. */
  round?: number;
}

const invalid = (message: string) => ApplicationFailure.nonRetryable(message, 'InvalidDiversityInput');

export function createDiversityActivities(deps: DiversityDependencies) {
  const calls = new Semaphore(deps.maxConcurrentCalls);
  const artifacts = createRunArtifacts(deps.store);

  async function questionIds(input: MeasureDiversityInput): Promise<string[]> {
    if (input.limit !== undefined && !(Number.isInteger(input.limit) && input.limit >= 1)) throw invalid(`limit must be a positive integer, got ${input.limit}`);
    const ids = input.questionIds ?? (await artifacts.readSplit(input.runId, input.split)).map((q) => q.id);
    const chosen = ids.slice(0, input.limit ?? ids.length);
    if (chosen.length === 0) throw invalid(`no ${input.split} questions to measure for run ${input.runId}`);
    return chosen;
  }

  async function readView(input: MeasureDiversityInput, questionId: string, round: number): Promise<DebateView> {
    const path = artifactPaths.debate(input.runId, input.iteration, input.split, questionId);
    const file = deps.store.absolute(path);
    if (!(await deps.store.exists(path))) throw invalid(`${file}: no debate transcript for question ${questionId}`);
    let raw: unknown;
    try {
      raw = JSON.parse(await deps.store.readText(path));
    } catch (error) {
      throw invalid(`${file}: invalid JSON (${(error as Error).message})`);
    }
    try {
      return debateView(raw, round, input.agents.generation.length, file);
    } catch (error) {
      if (error instanceof InvalidTranscriptError) throw invalid(error.message);
      throw error;
    }
  }

  /** Per question, 1 - cos between the agents' responses (one embeddings call per question). */
  async function dissimilarities(views: DebateView[]): Promise<Measured<number[][][]>> {
    const backend = deps.embeddings;
    if (!backend) return { ok: false, reason: 'no embeddings endpoint is configured' };
    const call = metricCalls(calls);
    return settle(
      views.map(async (view) => {
        const vectors = await call(`POST /embeddings with ${backend.model}`, () => embed(backend.client, backend.model, view.responses));
        return unavailableIfThrows(`embeddings of question ${view.questionId}`, () => dissimilarityMatrix(vectors));
      }),
    );
  }

  /** Per question, the NLL and KL matrices from log p_j(y_i | context_i); a model scores a given text once. */
  async function likelihoods(views: DebateView[], models: string[]): Promise<Measured<Array<{ nll: number[][]; kl: number[][] }>>> {
    const call = metricCalls(calls);
    return settle(
      views.map(async (view) => {
        const prompts = view.contexts.map((context, i) => scoringPrompt(context, view.responses[i]));
        const memo = new Map<string, Promise<number[]>>();
        const score = (model: string, i: number): Promise<number[]> => {
          const { prompt, responseStart } = prompts[i];
          const key = `${model}\u0000${prompt}`;
          if (!memo.has(key)) {
            memo.set(
              key,
              call(`POST /completions with ${model}`, () => echoLogprobs(deps.scoring, model, prompt)).then((echoed) =>
                unavailableIfThrows(`log-probabilities of ${model} for question ${view.questionId}`, () => spanLogprobs(echoed, responseStart, prompt.length)),
              ),
            );
          }
          return memo.get(key)!;
        };
        const scores = await Promise.all(models.map((model) => Promise.all(prompts.map((_, i) => score(model, i)))));
        return unavailableIfThrows(`likelihoods of question ${view.questionId}`, () => ({ nll: nllMatrix(scores), kl: klMatrix(scores) }));
      }),
    );
  }

  async function measure(input: MeasureDiversityInput): Promise<DiversityMetrics> {
    const round = input.round ?? 1;
    if (!(Number.isInteger(round) && round >= 1)) throw invalid(`round must be a positive integer, got ${input.round}`);
    const { generation, critic } = input.agents;
    if (generation.length === 0 || critic.length !== generation.length) {
      throw invalid(`agents: ${generation.length} generation and ${critic.length} critic agents; need as many of each, at least one`);
    }
    const ids = await questionIds(input);
    const views = await Promise.all(ids.map((id) => readView(input, id, round)));
    const models = roundModels(input.agents, round, input.critics ?? true);
    const [embedded, scored] = await Promise.all([dissimilarities(views), likelihoods(views, models)]);
    return diversityMetrics({ round, debates: views, dissimilarities: embedded, likelihoods: scored });
  }

  return {
    async measureDiversity(input: MeasureDiversityInput): Promise<DiversityMetrics> {
      return heartbeating(() => measure(input));
    },
  };
}

function unavailableIfThrows<T>(what: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    throw new MetricUnavailable(`${what}: ${(error as Error).message}`);
  }
}

/** Waits for every question; a failure fails the activity, else the first unavailability is the metric's reason. */
async function settle<T>(work: Array<Promise<T>>): Promise<Measured<T[]>> {
  const results = await Promise.allSettled(work);
  const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const failure = rejected.find((reason) => !(reason instanceof MetricUnavailable));
  if (failure !== undefined) throw failure;
  if (rejected.length > 0) return { ok: false, reason: (rejected[0] as MetricUnavailable).message };
  return { ok: true, value: results.map((r) => (r as PromiseFulfilledResult<T>).value) };
}
