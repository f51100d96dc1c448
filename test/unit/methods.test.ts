/** Methods as plans of shared blocks, their table labels, per-agent recipes and training targets. */
import { parseRunConfig } from '../../core/config';
import { methodLabel, methodNames, methodPlan, methods, tableLabels } from '../../core/methods';
import { agentRecipes, initialSociety, roundModels } from '../../core/society';
import { starExamples } from '../../core/star';
import { trainingTargets } from '../../core/training-targets';
import type { DatasetSizes } from '../../core/datasets';

const config = (extra: object = {}) => parseRunConfig({ runId: 'r', baseModel: 'base', ...extra });
const sizes = (generation: number[], critic: number[], shared?: number): DatasetSizes => ({
  generation,
  criticMinus: critic,
  criticPlus: critic.map(() => 0),
  critic,
  withoutMajority: 0,
  shared,
});

describe('methodPlan', () => {
  it("the paper's method is the default: N agents, M rounds, each agent its own model, critics", () => {
    expect(methodPlan(config())).toEqual({
      agents: 3,
      trainingRounds: 2,
      evaluationAgents: 3,
      evaluationRounds: 2,
      finetune: 'society',
      data: 'debate',
      critics: true,
    });
  });
  it.each([
    ['base', 1, 1, 1, 1, 'none'],
    ['majority', 5, 1, 5, 1, 'none'],
    ['debate', 5, 3, 5, 3, 'none'],
    ['star', 1, 1, 1, 1, 'shared'],
    ['majority-ft', 5, 1, 5, 1, 'shared'],
    ['single-agent-ft', 5, 3, 5, 3, 'shared'],
    ['single-agent-ft-no-debate', 5, 1, 1, 1, 'shared'], // the finetuned model answers directly (Table 2)
  ])(
    '%s with N=5, M=3: %i agents for %i rounds in training, %i agents for %i rounds in evaluation, finetunes %s',
    (method, agents, trainingRounds, evaluationAgents, evaluationRounds, finetune) => {
      expect(methodPlan(config({ method, agents: 5, rounds: 3 }))).toMatchObject({ agents, trainingRounds, evaluationAgents, evaluationRounds, finetune });
    },
  );
  it('has no critics without critic rounds or with critics: false', () => {
    expect(methodPlan(config({ rounds: 1 })).critics).toBe(false);
    expect(methodPlan(config({ critics: false })).critics).toBe(false);
  });
});

describe('methodLabel', () => {
  it.each([
    [{}, 'Multiagent FT'],
    [{ summarize: false }, 'Multiagent FT (w/o summary)'],
    [{ critics: false }, 'Multiagent FT (w/o critic)'],
    [{ cooperative: true, agentIds: true }, 'Multiagent FT (cooperative, agent ids)'],
    [{ sampling: { temperature: 1.5 } }, 'Multiagent FT (temperature 1.5)'],
    [{ method: 'majority-ft', summarize: false }, 'Majority FT'],
    [{ method: 'single-agent-ft-no-debate' }, 'Single-agent FT (w/o debate)'],
  ])('%j is "%s"', (extra, label) => {
    expect(methodLabel(config(extra))).toBe(label);
  });
});

describe('the method entries', () => {
  it("name the config's methods in the table's order", () => {
    expect(methodNames).toEqual(['base', 'majority', 'debate', 'star', 'majority-ft', 'single-agent-ft', 'single-agent-ft-no-debate', 'multiagent-ft']);
    expect(() => config({ method: 'multiagent' })).toThrow(/method/);
  });
  it("give STaR the rationalization data stage, every other method the debates' data", () => {
    expect(methodNames.filter((method) => methodPlan(config({ method })).data === 'star')).toEqual(['star']);
  });
  it("place Table 1's rows in the paper's order", () => {
    expect(tableLabels(1)).toEqual(['Base', 'Majority', 'Debate', 'STaR', 'Majority FT', 'Single-agent FT', 'Multiagent FT']);
  });
  it("place Table 2's rows in the paper's order, the ablations labelled as a run with that field is", () => {
    expect(tableLabels(2)).toEqual([
      'Multiagent FT',
      'Multiagent FT (w/o summary)',
      'Multiagent FT (w/o critic)',
      'Single-agent FT',
      'Single-agent FT (w/o debate)',
      'Multiagent FT (cooperative)',
      'Multiagent FT (agent ids)',
    ]);
    for (const extra of [{ summarize: false }, { critics: false }, { cooperative: true }, { agentIds: true }])
      expect(tableLabels(2)).toContain(methodLabel(config(extra)));
  });
  it('give each table rank once', () => {
    for (const table of [1, 2]) {
      const ranks = Object.values(methods).flatMap((m) => m.rows.filter((r) => r.table === table).map((r) => r.rank));
      expect([...ranks].sort((a, b) => a - b)).toEqual(ranks.map((_, i) => i + 1));
    }
  });
});

describe('a heterogeneous society', () => {
  const c = config({ society: [{}, { baseModel: 'other', temperature: 0.5, criticMix: 1, generation: { epochs: 4 }, loraRank: 64 }, {}] });
  it("gives agent n its own entries over the run's settings", () => {
    const [first, second] = agentRecipes(c, 3);
    expect(first).toMatchObject({ baseModel: 'base', criticMix: 2 / 3, generation: { learningRate: 5e-5, laterLearningRate: 5e-6, epochs: 2 } });
    expect(second).toMatchObject({
      baseModel: 'other',
      criticMix: 1,
      generation: { learningRate: 5e-5, laterLearningRate: 5e-6, epochs: 4 },
      critic: { learningRate: 5e-6, epochs: 1 },
    });
    expect(second.sampling).toEqual({ temperature: 0.5, topP: 0.9, maxTokens: 2048 });
    expect(second.lora).toEqual({ rank: 64, alpha: 32, dropout: 0.05 });
    expect(initialSociety(c, methodPlan(c))).toEqual({ generation: ['base', 'other', 'base'], critic: ['base', 'other', 'base'] });
  });
  it('must have one entry per agent', () => {
    expect(() => config({ society: [{}] })).toThrow('society: has 1 entries but agents is 3');
  });
});

describe('roundModels', () => {
  const agents = { generation: ['g1', 'g2'], critic: ['c1', 'c2'] };
  it('round 1 is the generation agents; later rounds the critics, or the generation agents without critics', () => {
    expect(roundModels(agents, 1, true)).toEqual(['g1', 'g2']);
    expect(roundModels(agents, 2, true)).toEqual(['c1', 'c2']);
    expect(roundModels(agents, 2, false)).toEqual(['g1', 'g2']);
  });
});

describe('trainingTargets', () => {
  const current = { generation: ['g1', 'g2', 'g3'], critic: ['c1', 'c2', 'c3'] };
  it("Multiagent FT: one job per non-empty dataset, each from the agent's own model (2N at most)", () => {
    const c = config();
    const { targets, skipped } = trainingTargets(c, methodPlan(c), 1, current, sizes([4, 0, 2], [1, 3, 0]));
    expect(targets.map((t) => [t.label, t.jobKey, t.model, t.trainingFile, t.suffix, t.learningRate, t.epochs, t.weightDecay])).toEqual([
      ['generation 1', 'r/l1/generation/1', 'g1', 'runs/r/iteration-1/datasets/generation-1.jsonl', 'r-l1-gen1', 5e-5, 2, 1e-3],
      ['generation 3', 'r/l1/generation/3', 'g3', 'runs/r/iteration-1/datasets/generation-3.jsonl', 'r-l1-gen3', 5e-5, 2, 1e-3],
      ['critic 1', 'r/l1/critic/1', 'c1', 'runs/r/iteration-1/datasets/critic-1.jsonl', 'r-l1-critic1', 5e-6, 1, 1e-3],
      ['critic 2', 'r/l1/critic/2', 'c2', 'runs/r/iteration-1/datasets/critic-2.jsonl', 'r-l1-critic2', 5e-6, 1, 1e-3],
    ]);
    expect(skipped).toEqual(['generation 2', 'critic 3']);
  });
  it('iterations after the first train both roles at the later learning rate (Appendix B.3)', () => {
    const c = config({ training: { weightDecay: 0.01, critic: { laterLearningRate: 2e-6 } } });
    const { targets } = trainingTargets(c, methodPlan(c), 2, current, sizes([1, 0, 0], [1, 0, 0]));
    expect(targets.map((t) => [t.jobKey, t.learningRate, t.epochs, t.weightDecay])).toEqual([
      ['r/l2/generation/1', 5e-6, 2, 0.01],
      ['r/l2/critic/1', 2e-6, 1, 0.01],
    ]);
    const shared = config({ method: 'single-agent-ft' });
    expect(trainingTargets(shared, methodPlan(shared), 3, current, sizes([1, 1, 1], [1, 1, 1], 6)).targets[0].learningRate).toBe(5e-6);
  });
  it('w/o critic trains the generation agents only', () => {
    const c = config({ critics: false });
    expect(trainingTargets(c, methodPlan(c), 1, current, sizes([1, 1, 1], [1, 1, 1])).targets.map((t) => t.label)).toEqual([
      'generation 1',
      'generation 2',
      'generation 3',
    ]);
  });
  it('single-model methods: one job on the pooled data whose model fills every slot', () => {
    const c = config({ method: 'single-agent-ft' });
    const { targets } = trainingTargets(c, methodPlan(c), 1, current, sizes([1, 1, 1], [1, 1, 1], 6));
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ jobKey: 'r/l1/shared', suffix: 'r-l1-shared', trainingFile: 'runs/r/iteration-1/datasets/shared.jsonl', model: 'g1' });
    expect(targets[0].slots).toHaveLength(6);
    expect(trainingTargets(c, methodPlan(c), 1, current, sizes([0, 0, 0], [0, 0, 0], 0))).toEqual({ targets: [], skipped: ['shared'] });
  });
  it('methods without finetuning have no targets', () => {
    const c = config({ method: 'debate' });
    expect(trainingTargets(c, methodPlan(c), 1, current, sizes([5, 5, 5], [5, 5, 5]))).toEqual({ targets: [], skipped: [] });
  });
});

describe('starExamples', () => {
  const x = { role: 'user' as const, content: 'x?' };
  const reply = (content: string) => ({ role: 'assistant' as const, content });
  it('keeps correct answers and correct rationalizations (without the hint), drops the rest', () => {
    const { examples, rationalized } = starExamples([
      { conversation: [x, reply('right')], firstCorrect: true, rationalization: null },
      { conversation: [x, reply('wrong')], firstCorrect: false, rationalization: { prompt: 'x? (Hint: 4)', reply: 'fixed', correct: true } },
      { conversation: [x, reply('wrong')], firstCorrect: false, rationalization: { prompt: 'x? (Hint: 4)', reply: 'still wrong', correct: false } },
    ]);
    expect(examples).toEqual([
      [x, reply('right')],
      [x, reply('fixed')],
    ]);
    expect(rationalized).toBe(1);
  });
});
