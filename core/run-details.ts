/**
 * What a run's page in the Temporal UI says it is doing (its current details): the step of
 * Algorithm 1 (arXiv 2501.05707) the iteration is in, with its line numbers, and the Algorithm 2
 * evaluation running beside it when iterations are pipelined.
 */

/** "the base society" or "the society after iteration 2". */
export const societyAfter = (iteration: number) => (iteration === 0 ? 'the base society' : `the society after iteration ${iteration}`);

/** Each step's own words. */
export const stepDetails = {
  debate: (questions: number) => `lines 6-16, debating ${questions} training questions`,
  datasets: () => 'lines 18-26, building the finetuning datasets',
  finetune: (agents: string[]) => `lines 27-28, finetuning ${agents.join(', ') || 'no agent (every dataset is empty)'}`,
  /** Algorithm 2 alone; `iteration` null for a method that only evaluates its base agents. */
  evaluate: (iteration: number | null, questions: number) =>
    iteration === null ? `Algorithm 2 on ${questions} test questions` : `Algorithm 2 on ${societyAfter(iteration)}: ${questions} test questions`,
};

/**
 * The whole line: `run` (e.g. "iteration 2 of 3"), its step, and the evaluation beside it, named
 * unless the step is that evaluation itself.
 */
export function currentDetails(run: string, step: string, besideIteration: number | null): string {
  return besideIteration === null ? `${run}: ${step}` : `${run}: ${step}; beside it, Algorithm 2 on ${societyAfter(besideIteration)}`;
}
