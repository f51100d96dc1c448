/**
 * The likelihood parts of measureDiversity (docs/diversity.md), each question's replies scored with
 * POST /v1/completions (echo + logprobs): Section 4's NLL and maft's agentKl from every final-round
 * model scoring every final-round reply in its own context, and C.2 / C.3 from the one fixed scoring
 * model scoring each reply after the question alone.
 */
import { agentKlMatrix, nllMatrix, spanLogprobs } from '../core/diversity/likelihood';
import { scoringPrompt } from '../core/diversity/scoring-prompt';
import { klPairwiseMatrix, questionKlFromBase } from '../core/diversity/scorer-kl';
import type { DebateView } from '../core/diversity/debate-view';
import type { ChatMessage } from '../core/transcript';
import type { EngineRouter } from './engines';
import { echoLogprobs, type metricCalls, unavailableIfThrows } from './diversity-endpoints';

type Calls = ReturnType<typeof metricCalls>;

/** The token log-probabilities of a reply after its context, one call per (model, text) of a question,
 * on the engine of `baseModel` (the model's own name when omitted). */
function replyScorer(engines: EngineRouter, call: Calls, questionId: string) {
  const memo = new Map<string, Promise<number[]>>();
  return (model: string, context: ReadonlyArray<ChatMessage>, reply: string, baseModel?: string): Promise<number[]> => {
    const { prompt, responseStart } = scoringPrompt(context, reply);
    const key = `${model}\u0000${prompt}`;
    if (!memo.has(key)) {
      const engine = engines.for(model, baseModel);
      memo.set(
        key,
        call(`POST /completions with ${model}`, engine.calls, () => echoLogprobs(engine.client, model, prompt)).then((echoed) =>
          unavailableIfThrows(`log-probabilities of ${model} for question ${questionId}`, () => spanLogprobs(echoed, responseStart, prompt.length)),
        ),
      );
    }
    return memo.get(key)!;
  };
}

/** One question's NLL and agentKl matrices: log p_j(y_i | context_i) for the models answering `round`
 * (model j on the engine of baseModels[j]). */
export async function heldOutLikelihoods(
  engines: EngineRouter,
  call: Calls,
  view: DebateView,
  round: number,
  models: string[],
  baseModels?: string[],
): Promise<{ nll: number[][]; kl: number[][] }> {
  const score = replyScorer(engines, call, view.questionId);
  const { contexts, replies } = view.rounds[round - 1];
  const scores = await Promise.all(models.map((model, j) => Promise.all(replies.map((reply, i) => score(model, contexts[i], reply, baseModels?.[j])))));
  return unavailableIfThrows(`likelihoods of question ${view.questionId}`, () => ({ nll: nllMatrix(scores), kl: agentKlMatrix(scores) }));
}

export interface ScorerMeasure {
  /** C.2 matrix of the replies of `round`. */
  klPairwise: number[][];
  /** C.3: round 1 against the base's round 1, and the last round against the base's last round (null: one round). */
  fromBase: { generation: number; critic: number | null } | null;
}

/** One question's C.2 and C.3 under the scoring model, each reply scored after the question x alone. */
export async function scorerMeasure(
  engines: EngineRouter,
  call: Calls,
  scoringModel: string,
  view: DebateView,
  round: number,
  base: DebateView | null,
): Promise<ScorerMeasure> {
  const score = replyScorer(engines, call, view.questionId);
  const question: ChatMessage[] = [{ role: 'user', content: view.question }];
  const scoreRound = (v: DebateView, m: number) => Promise.all(v.rounds[m - 1].replies.map((reply) => score(scoringModel, question, reply)));
  const last = view.rounds.length;
  const [finals, fromBase] = await Promise.all([
    scoreRound(view, round),
    base ? Promise.all([scoreRound(view, 1), scoreRound(base, 1), ...(last >= 2 ? [scoreRound(view, last), scoreRound(base, last)] : [])]) : null,
  ]);
  return unavailableIfThrows(`scoring-model KL of question ${view.questionId}`, () => ({
    klPairwise: klPairwiseMatrix(finals),
    fromBase: fromBase && {
      generation: questionKlFromBase(fromBase[0], fromBase[1]),
      critic: fromBase.length === 4 ? questionKlFromBase(fromBase[2], fromBase[3]) : null,
    },
  }));
}
