/** The methods of the paper's Table 1 (baselines and Multiagent FT) and Table 2 (single-agent variants). */
export const methodNames = [
  'base',
  'majority',
  'debate',
  'star',
  'majority-ft',
  'single-agent-ft',
  'single-agent-ft-no-debate',
  'multiagent-ft',
] as const;

export type MethodName = (typeof methodNames)[number];
