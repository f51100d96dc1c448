/**
 * The inference worker's engines (core/engines.ts): each model call goes to the engine serving the
 * base model it routes by, through that engine's own semaphore, so that a slow engine never holds
 * another's slots.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type OpenAI from 'openai';
import { describeEngines, engineIndexFor, type ServedModels } from '../core/engines';
import { Semaphore } from '../core/semaphore';

export interface Engine extends ServedModels {
  client: OpenAI;
  /** Model calls in flight to this engine, at most its capacity. */
  calls: Semaphore;
  /** The trainer of its bases when it has its own (the simulator's shares its state); else undefined. */
  trainer?: OpenAI;
}

export class EngineRouter {
  constructor(readonly engines: Engine[]) {
    if (engines.length === 0) throw new Error('an engine router needs at least one engine');
  }

  /** The engine serving `model` (an adapter: by its `baseModel`); a model no engine serves fails for
   * good (the run's check names it before the run starts). */
  for(model: string, baseModel = model): Engine {
    const i = engineIndexFor(this.engines, model, baseModel);
    if (i === undefined) {
      const which = baseModel === model ? `"${model}"` : `"${model}" (base model "${baseModel}")`;
      throw ApplicationFailure.nonRetryable(`${which} is served by no engine (engines: ${describeEngines(this.engines)})`, 'ModelNotServed');
    }
    return this.engines[i];
  }

  /** The trainer of the engine serving `model` (by its `baseModel`), where that engine has its own. */
  trainerFor(model: string, baseModel = model): OpenAI | undefined {
    const i = engineIndexFor(this.engines, model, baseModel);
    return i === undefined ? undefined : this.engines[i].trainer;
  }

  /** What each engine serves, for the run's check before it starts. */
  served(): ServedModels[] {
    return this.engines.map(({ name, models }) => ({ name, models: models && [...models] }));
  }
}

/** One engine serving every model: a worker without MAFT_ENGINES, and the tests of one server. */
export function singleEngine(client: OpenAI, maxConcurrentCalls: number): EngineRouter {
  return new EngineRouter([{ name: 'default', models: null, client, calls: new Semaphore(maxConcurrentCalls) }]);
}
