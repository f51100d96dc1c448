import type { ApplicationFailure } from '@temporalio/common';

/** The failure an activity's promise rejects with; fails the test when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    return error as ApplicationFailure;
  }
  throw new Error('expected a failure');
}
