import { currentDetails, societyAfter, stepDetails } from '../../core/run-details';

describe("a run page's current details", () => {
  it('names the society an evaluation runs on', () => {
    expect(societyAfter(0)).toBe('the base society');
    expect(societyAfter(2)).toBe('the society after iteration 2');
  });

  it('says each step of Algorithm 1 with its lines', () => {
    expect(stepDetails.debate(40)).toBe('lines 6-16, debating 40 training questions');
    expect(stepDetails.datasets()).toBe('lines 18-26, building the finetuning datasets');
    expect(stepDetails.finetune(['generation 1', 'critic 2'])).toBe('lines 27-28, finetuning generation 1, critic 2');
    expect(stepDetails.finetune([])).toBe('lines 27-28, finetuning no agent (every dataset is empty)');
  });

  it('says which society Algorithm 2 runs on when the run waits on it alone', () => {
    expect(stepDetails.evaluate(null, 25)).toBe('Algorithm 2 on 25 test questions');
    expect(stepDetails.evaluate(0, 25)).toBe('Algorithm 2 on the base society: 25 test questions');
    expect(stepDetails.evaluate(3, 25)).toBe('Algorithm 2 on the society after iteration 3: 25 test questions');
  });

  it('names the evaluation running beside the step, if any', () => {
    expect(currentDetails('iteration 2 of 3', 'starting', null)).toBe('iteration 2 of 3: starting');
    expect(currentDetails('iteration 2 of 3', 'lines 18-26, building the finetuning datasets', 1)).toBe(
      'iteration 2 of 3: lines 18-26, building the finetuning datasets; beside it, Algorithm 2 on the society after iteration 1',
    );
    expect(currentDetails('iteration 1 of 3', 'lines 6-16, debating 4 training questions', 0)).toBe(
      'iteration 1 of 3: lines 6-16, debating 4 training questions; beside it, Algorithm 2 on the base society',
    );
  });
});
