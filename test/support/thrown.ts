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
