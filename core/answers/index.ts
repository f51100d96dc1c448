/** Answer checking: extraction of a response's final answer and equivalence with a reference. */
export { answerChecker } from './checkers';
export { lastBoxed } from './boxed';
export { checkerNames } from './types';
export type { AnswerChecker, CheckerName } from './types';
