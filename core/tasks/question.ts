/** One question of a task. `reference` is the ground truth: used only to score evaluations. */
export interface Question {
  id: string;
  /** x: the round-1 prompt every generation agent receives. */
  prompt: string;
  /** The question as its source states it; critic prompts that restate the question use it. */
  text: string;
  reference: string;
  /** Where a loaded question comes from (generated questions have none). */
  source?: QuestionSource;
}

export interface QuestionSource {
  /** The data file, as resolved when the run was prepared. */
  file: string;
  /** 1-based line of the record (of its first line, for a CSV record spanning several). */
  line: number;
  /** The record's own id where the data set has one (MATH's unique_id). */
  id?: string;
}
