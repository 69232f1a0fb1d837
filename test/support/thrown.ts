import { ValidationError } from '../../shared/errors.js';

/** The ValidationError an act throws, for its message and issues; anything else fails the test. */
export function thrownValidation(act: () => unknown): ValidationError {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** What an async act is refused with; an act that succeeds fails the test. */
export async function refusal(act: () => unknown): Promise<Error> {
  try {
    await act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be refused');
}
