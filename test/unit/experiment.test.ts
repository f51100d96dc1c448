/** The experiment grid: cells, merged settings, shared split seed, clear errors. */
import { parseRunConfig } from '../../core/config';
import { experimentCells, mergeSettings, parseExperimentConfig } from '../../core/experiment';
import { methodLabel } from '../../core/methods';
import { buildReport } from '../../core/report/report';
import { evaluationRecord } from '../../core/run-records';

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

describe('heterogeneous societies of one experiment', () => {
  // The behaviour study's shape: two society variants of one method, one seed. Their labels (the
  // report's groups) must differ, or the report would refuse two runs of one cell with one seed.
  const cells = experimentCells(
    parseExperimentConfig({
      experimentId: 'study',
      base: { baseModel: 'm', agents: 2, sampling: { temperature: 0.2 } },
      methods: [{ name: 'plain' }, { name: 'recipe', society: [{ criticMix: 1 }, {}] }, { name: 'mixed', society: [{}, { baseModel: 'n' }] }],
      seeds: [0],
    }),
  );

  it('names each society by its variant, so the report keeps them apart', () => {
    expect(cells.map((c) => methodLabel(c.config))).toEqual([
      'Multiagent FT (temperature 0.2)',
      'Multiagent FT (temperature 0.2, society recipe)',
      'Multiagent FT (temperature 0.2, society mixed)',
    ]);
    const records = cells.map((c) => evaluationRecord(c.config, 0, { accuracy: 0.5, standardError: 0.1, correct: 1, total: 2 }, null));
    expect(() => buildReport('study', records)).not.toThrow();
  });

  it('a society outside an experiment is labelled heterogeneous', () => {
    expect(methodLabel(parseRunConfig({ runId: 'r', baseModel: 'm', agents: 2, society: [{}, { baseModel: 'n' }] }))).toBe('Multiagent FT (heterogeneous)');
  });
});
