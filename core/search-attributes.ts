/**
 * Custom search attributes, so runs can be filtered in the Temporal UI and CLI, e.g.
 * `temporal workflow list --query 'MaftRunId="r1" AND MaftPhase="finetune"'`. The dev server and
 * docker-compose register these names and types; workflows keep them current.
 */
export const searchAttributes = {
  runId: { name: 'MaftRunId', type: 'Keyword' },
  method: { name: 'MaftMethod', type: 'Keyword' },
  task: { name: 'MaftTask', type: 'Keyword' },
  iteration: { name: 'MaftIteration', type: 'Int' },
  phase: { name: 'MaftPhase', type: 'Keyword' },
  experiment: { name: 'MaftExperiment', type: 'Keyword' },
} as const;
