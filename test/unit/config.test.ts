import { ConfigError, parseRunConfig } from '../../core/config';

describe('run config', () => {
  it("fills the paper's defaults", () => {
    const config = parseRunConfig({ runId: 'r1', baseModel: 'base' });
    expect(config.agents).toBe(3); // N
    expect(config.rounds).toBe(2); // M
    expect(config.summarize).toBe(true);
    expect(config.criticMix).toBeCloseTo(2 / 3, 12); // w
    expect(config.criticMixRule).toBe('exact');
    expect(config.sampling).toEqual({ temperature: 1, topP: 0.9, maxTokens: 2048 }); // the authors' 2048 new tokens
    expect(config.task).toEqual({ name: 'arithmetic', trainSize: 500, testSize: 500 });
    // Phi-3 (Appendix B.3) at LoRA's 10x: 5e-6 / 5e-7 in iteration 1, 5e-7 for both roles later.
    expect(config.training.generation).toEqual({ learningRate: 5e-5, laterLearningRate: 5e-6, epochs: 2 });
    expect(config.training.critic).toEqual({ learningRate: 5e-6, laterLearningRate: 5e-6, epochs: 1 });
    expect(config.training.weightDecay).toBe(1e-3);
    expect(config.training.batchSize).toBe(1);
    expect(config.queues).toEqual({ workflow: 'maft', inference: 'maft-inference', training: 'maft-training' });
    // C.2 and C.3's fixed scoring model: the base model unless given (the paper's Gemma-2 2B is not available here)
    expect(config.diversity).toEqual({ measure: true, scoringModel: 'base' });
    expect(parseRunConfig({ runId: 'r1', baseModel: 'base', diversity: { scoringModel: 'gemma-2-2b' } }).diversity.scoringModel).toBe('gemma-2-2b');
    expect(() => parseRunConfig({ runId: 'r1', baseModel: 'base', diversity: { scoringModel: '' } })).toThrow(
      /diversity\.scoringModel: String must contain at least 1 character/,
    );
  });

  it('names every bad field by its path', () => {
    let error: unknown;
    try {
      parseRunConfig({ runId: 'bad id!', baseModel: 'b', task: { trainSize: 'ten' }, criticMix: 2, agentz: 3 }, 'run.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^runId: /m);
    expect(problems).toMatch(/^task\.trainSize: Expected number, received string/m);
    expect(problems).toMatch(/^criticMix: Number must be less than or equal to 1/m);
    expect(problems).toMatch(/Unrecognized key\(s\) in object: 'agentz'/);
    expect((error as Error).message).toContain('run.json');
  });

  it('requires the base model', () => {
    expect(() => parseRunConfig({ runId: 'r' })).toThrow(/baseModel: Required/);
  });
});
