/** The engine map (core/engines.ts, MAFT_ENGINES), routing a call to its engine, and the run's check before it starts. */
import { ApplicationFailure } from '@temporalio/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { EngineRouter } from '../../activities/engines';
import { parseRunConfig } from '../../core/config';
import { engineIndexFor, parseEngineMap, unservedModels, type ServedModels } from '../../core/engines';
import { methodPlan } from '../../core/methods';
import { Semaphore } from '../../core/semaphore';
import { agentBaseModels } from '../../core/society';
import { workerSettingsFromEnv } from '../../workers/settings';

const TWO = {
  engines: [
    { name: 'smollm2', url: 'http://127.0.0.1:8101/v1', models: ['SmolLM2-135M-Instruct'], apiKeyEnv: 'KEY_SMOLLM2', capacity: 8 },
    { name: 'gemma', url: 'http://127.0.0.1:8102/v1', models: ['gemma-3-270m-it', 'gemma-3-1b-it'], trainingUrl: 'http://127.0.0.1:8202/v1' },
  ],
};
const served: ServedModels[] = [
  { name: 'smollm2', models: ['SmolLM2-135M-Instruct'] },
  { name: 'gemma', models: ['gemma-3-270m-it'] },
];

const thrown = (work: () => unknown): Error => {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
};

describe('the engine map', () => {
  it('names every bad field and its source', () => {
    const bad = {
      engines: [
        { name: 'a', url: 'not a url', models: [] },
        { name: 'b', url: 'http://h/v1', models: ['m'], apiKey: 'secret' },
      ],
    };
    expect(thrown(() => parseEngineMap(bad, '/etc/maft/engines.json')).message).toBe(
      [
        'invalid engine map /etc/maft/engines.json:',
        '  engines.0.url: Invalid url',
        '  engines.0.models: Array must contain at least 1 element(s)',
        "  engines.1: Unrecognized key(s) in object: 'apiKey'",
      ].join('\n'),
    );
    const twice = {
      engines: [
        { name: 'a', url: 'http://h/v1', models: ['m'] },
        { name: 'a', url: 'http://g/v1', models: ['n', 'm'] },
      ],
    };
    expect(thrown(() => parseEngineMap(twice, 'f.json')).message).toBe(
      ['invalid engine map f.json:', '  engines.1.name: "a" names two engines', '  engines.1.models.1: "m" is already served by engine a'].join('\n'),
    );
    expect(thrown(() => parseEngineMap({}, 'f.json')).message).toBe('invalid engine map f.json:\n  engines: Required');
  });

  it('MAFT_ENGINES as a file or inline JSON; keys only from the environment; absent: one engine serving every model', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'maft-engines-')), 'engines.json');
    writeFileSync(file, JSON.stringify(TWO));
    const env = { MAFT_ENGINES: file, KEY_SMOLLM2: 'sk-1', MAFT_INFERENCE_CONCURRENCY: '5', MAFT_TRAINING_URL: 'http://trainer/v1' };
    expect(workerSettingsFromEnv(env, { temporal: {} as never }).engines).toEqual([
      { name: 'smollm2', url: 'http://127.0.0.1:8101/v1', apiKey: 'sk-1', models: ['SmolLM2-135M-Instruct'], training: null, capacity: 8 },
      {
        name: 'gemma',
        url: 'http://127.0.0.1:8102/v1',
        apiKey: 'EMPTY',
        models: ['gemma-3-270m-it', 'gemma-3-1b-it'],
        training: { url: 'http://127.0.0.1:8202/v1', apiKey: 'EMPTY' },
        capacity: 5,
      },
    ]);
    const inline = workerSettingsFromEnv({ ...env, MAFT_ENGINES: JSON.stringify(TWO) }, { temporal: {} as never });
    expect(inline.engines.map((e) => e.name)).toEqual(['smollm2', 'gemma']);

    expect(thrown(() => workerSettingsFromEnv({ MAFT_ENGINES: file }, { temporal: {} as never })).message).toBe(
      `invalid engine map ${file} (MAFT_ENGINES):\n  engines.0.apiKeyEnv: environment variable KEY_SMOLLM2 is not set`,
    );
    writeFileSync(file, '{"engines": [');
    expect(thrown(() => workerSettingsFromEnv({ MAFT_ENGINES: file }, { temporal: {} as never })).message).toMatch(
      new RegExp(`^invalid engine map ${file} \\(MAFT_ENGINES\\):\\n  \\(root\\): .*JSON`),
    );
    expect(thrown(() => workerSettingsFromEnv({ MAFT_ENGINES: '{"engines": 3}' }, { temporal: {} as never })).message).toBe(
      'invalid engine map in MAFT_ENGINES (inline JSON):\n  engines: Expected array, received number',
    );

    const none = workerSettingsFromEnv(
      { MAFT_INFERENCE_URL: 'http://one/v1', MAFT_INFERENCE_API_KEY: 'k', MAFT_INFERENCE_CONCURRENCY: '7' },
      { temporal: {} as never },
    );
    expect(none.engines).toEqual([{ name: 'default', url: 'http://one/v1', apiKey: 'k', models: null, training: null, capacity: 7 }]);
  });
});

describe('routing a call to its engine', () => {
  it('a base model by its own name, an adapter by its base, else the engine serving every model', () => {
    expect(engineIndexFor(served, 'gemma-3-270m-it')).toBe(1);
    expect(engineIndexFor(served, 'run-l1-gen2', 'gemma-3-270m-it')).toBe(1);
    expect(engineIndexFor(served, 'run-l1-gen1', 'SmolLM2-135M-Instruct')).toBe(0);
    // A base model's own name wins over a stated base (the shared method's agents before training).
    expect(engineIndexFor(served, 'SmolLM2-135M-Instruct', 'gemma-3-270m-it')).toBe(0);
    expect(engineIndexFor(served, 'run-l1-gen1', 'phi-3')).toBeUndefined();
    expect(engineIndexFor([...served, { name: 'default', models: null }], 'run-l1-gen1', 'phi-3')).toBe(2);
  });

  it("each agent's calls carry its own base; a method finetuning one shared model carries that model's base for every agent", () => {
    const society = [{}, { baseModel: 'gemma-3-270m-it' }, {}];
    const mixed = parseRunConfig({ runId: 'r', baseModel: 'SmolLM2-135M-Instruct', society });
    expect(agentBaseModels(mixed, methodPlan(mixed))).toEqual(['SmolLM2-135M-Instruct', 'gemma-3-270m-it', 'SmolLM2-135M-Instruct']);
    const shared = parseRunConfig({
      runId: 'r',
      baseModel: 'gemma-3-270m-it',
      method: 'single-agent-ft',
      society: [{ baseModel: 'SmolLM2-135M-Instruct' }, {}, {}],
    });
    expect(agentBaseModels(shared, methodPlan(shared))).toEqual(['SmolLM2-135M-Instruct', 'SmolLM2-135M-Instruct', 'SmolLM2-135M-Instruct']);
  });

  it('the router hands out each engine with its own semaphore, and refuses a model no engine serves for good', () => {
    const engine = (name: string, models: string[], capacity: number) => ({
      name,
      models,
      client: new OpenAI({ apiKey: 'k', baseURL: `http://${name}/v1` }),
      calls: new Semaphore(capacity),
    });
    const router = new EngineRouter([engine('smollm2', ['SmolLM2-135M-Instruct'], 2), engine('gemma', ['gemma-3-270m-it'], 3)]);
    expect(router.for('run-l1-critic3', 'gemma-3-270m-it').calls.capacity).toBe(3);
    expect(router.for('SmolLM2-135M-Instruct').client.baseURL).toBe('http://smollm2/v1');
    expect(router.trainerFor('run-l1-gen1', 'gemma-3-270m-it')).toBeUndefined();
    const refused = thrown(() => router.for('run-l1-gen1', 'phi-3'));
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ nonRetryable: true, type: 'ModelNotServed' });
    expect(refused.message).toBe(
      '"run-l1-gen1" (base model "phi-3") is served by no engine (engines: smollm2 serves SmolLM2-135M-Instruct; gemma serves gemma-3-270m-it)',
    );
    expect(router.served()).toEqual(served);
  });
});

describe('the check before a run starts', () => {
  const society = (second: string) => [{}, { baseModel: second }, { baseModel: 'gemma-3-270m-it' }];

  it('names each agent whose base model no engine serves, and the model', () => {
    const config = parseRunConfig({ runId: 'r', baseModel: 'SmolLM2-135M-Instruct', society: society('gemma-3-1b-it') });
    expect(unservedModels(config, 3, served)).toEqual([
      'society[1].baseModel (agent 2): "gemma-3-1b-it" is served by no engine (engines: smollm2 serves SmolLM2-135M-Instruct; gemma serves gemma-3-270m-it)',
    ]);
    expect(unservedModels(parseRunConfig({ runId: 'r', baseModel: 'SmolLM2-135M-Instruct', society: society('SmolLM2-135M-Instruct') }), 3, served)).toEqual(
      [],
    );
  });

  it("checks the run's baseModel where agents or summaries use it, and the diversity scoring model", () => {
    const config = parseRunConfig({ runId: 'r', baseModel: 'phi-3', diversity: { scoringModel: 'gemma-2-2b' } });
    const engines = ' is served by no engine (engines: smollm2 serves SmolLM2-135M-Instruct; gemma serves gemma-3-270m-it)';
    expect(unservedModels(config, 3, served)).toEqual([
      `baseModel (agents 1, 2, 3, summaries): "phi-3"${engines}`,
      `diversity.scoringModel: "gemma-2-2b"${engines}`,
    ]);
    // Every agent has its own base and nothing summarizes or scores: the run's baseModel is not called.
    const own = parseRunConfig({
      runId: 'r',
      baseModel: 'phi-3',
      summarize: false,
      diversity: { measure: false },
      society: [{ baseModel: 'gemma-3-270m-it' }, { baseModel: 'gemma-3-270m-it' }, { baseModel: 'SmolLM2-135M-Instruct' }],
    });
    expect(unservedModels(own, 3, served)).toEqual([]);
    expect(unservedModels(config, 3, [{ name: 'default', models: null }])).toEqual([]);
  });
});
