/** The workflows a maft worker registers. */
export { multiagentFinetuning, progressQuery } from './multiagent-finetuning';
export { debate } from './debate';
export { experiment, experimentProgressQuery } from './experiment';
export { report } from './report';
