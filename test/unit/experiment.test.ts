/** The experiment grid: cells, merged settings, shared split seed, clear errors. */
import { experimentCells, mergeSettings, parseExperimentConfig } from '../../core/experiment';

describe('mergeSettings', () => {
  it('merges nested objects key by key and replaces values and arrays', () => {
    expect(mergeSettings({ a: 1, s: { t: 1, m: 96 }, l: [1, 2] }, { s: { t: 0 }, l: [3], b: 2 })).toEqual({ a: 1, s: { t: 0, m: 96 }, l: [3], b: 2 });
  });
});

describe('experimentCells', () => {
  const experiment = parseExperimentConfig({
    experimentId: 'e',
    base: { baseModel: 'm', sampling: { maxTokens: 96 } },
    methods: [{ name: 'ours' }, { name: 'hot', sampling: { temperature: 1.5 } }],
    tasks: [{ name: 'arithmetic', trainSize: 4, testSize: 2 }],
    seeds: [1, 2],
    splitSeed: 7,
  });
  const cells = experimentCells(experiment);

  it('has one run per method variant, task and seed, with readable run ids', () => {
    expect(cells.map((c) => c.runId)).toEqual(['e-ours-arithmetic-s1', 'e-ours-arithmetic-s2', 'e-hot-arithmetic-s1', 'e-hot-arithmetic-s2']);
  });
  it('gives every run the shared split seed, the experiment and the merged settings', () => {
    expect(cells.every((c) => c.config.splitSeed === 7 && c.config.experiment === 'e' && c.config.sampling.maxTokens === 96)).toBe(true);
    expect(cells.map((c) => c.config.sampling.temperature)).toEqual([1, 1, 1.5, 1.5]);
    expect(cells.map((c) => c.config.seed)).toEqual([1, 2, 1, 2]);
  });
  it('numbers two configs of one task so their run ids differ', () => {
    const twoConfigs = parseExperimentConfig({
      experimentId: 'e',
      base: { baseModel: 'm' },
      tasks: [{ name: 'arithmetic' }, { name: 'arithmetic', trainSize: 5 }],
    });
    expect(experimentCells(twoConfigs).map((c) => c.runId)).toEqual(['e-multiagent-ft-arithmetic1-s0', 'e-multiagent-ft-arithmetic2-s0']);
  });

  it('rejects duplicate variant names and names the cell of a bad setting', () => {
    expect(() => experimentCells(parseExperimentConfig({ experimentId: 'e', base: { baseModel: 'm' }, methods: [{ name: 'a' }, { name: 'a' }] }))).toThrow(
      'methods: the name "a" is used twice',
    );
    expect(() => experimentCells(parseExperimentConfig({ experimentId: 'e', methods: [{ name: 'a', agents: 0 }] }))).toThrow(
      /methods\[0\].*\n.*baseModel: Required\n.*agents: Number must be greater than 0/,
    );
  });
});
