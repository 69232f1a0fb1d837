import type { Conversation } from '../domain/conversation.js';
import { NotFoundError } from '../errors.js';
import type { Stored } from '../ports.js';
import type { CoreDeps } from './deps.js';

/** A conversation's stored record, or a NotFoundError naming it. */
export async function requireConversation(deps: CoreDeps, id: string): Promise<Stored<Conversation>> {
  const stored = await deps.store.getConversation(id);
  if (!stored) throw new NotFoundError(`conversation ${id} does not exist`);
  return stored;
}
