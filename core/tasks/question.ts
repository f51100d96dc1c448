/** One question of a task. `reference` is the ground truth: used only to score evaluations. */
export interface Question {
  id: string;
  prompt: string;
  reference: string;
}
