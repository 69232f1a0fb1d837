import { ValidationError } from '../errors.js';
import type { CoreDeps } from './deps.js';

/**
 * Provider events that could not be processed, newest first, a page at a time: what was lost and
 * why, without the text and with numbers masked. `next` is the cursor for the page after.
 */
export async function listPoisonEvents(
  deps: Pick<CoreDeps, 'store'>,
  query: { before?: string | undefined; limit?: number | undefined },
) {
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError('limit is a whole number from 1 to 1000', [
      { path: 'limit', message: 'out of range' },
    ]);
  }
  const events = await deps.store.listPoisonEvents({
    ...(query.before ? { before: query.before } : {}),
    limit,
  });
  return { events, next: events.length === limit ? events.at(-1)?.id : undefined };
}
