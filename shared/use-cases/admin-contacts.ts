import { type Contact, contactSchema } from '../domain/contact.js';
import { parsePhoneNumber } from '../domain/phone.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { parsePart } from './admin-configuration.js';
import { conversationsOf } from './customer-data.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

export async function getContact(deps: CoreDeps, number: string): Promise<Contact> {
  const stored = await deps.store.getContact(parsePhoneNumber(number, 'number'));
  if (!stored) throw new NotFoundError(`no contact has the number ${number}`);
  return stored.value;
}

/** Contacts a page at a time, in number order: pass the last number seen as `after`. */
export async function listContacts(
  deps: CoreDeps,
  query: { after?: string | undefined; limit?: number | undefined },
) {
  const limit = query.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError('limit is a whole number from 1 to 1000', [
      { path: 'limit', message: 'out of range' },
    ]);
  }
  const contacts = await deps.store.listContacts({ ...(query.after ? { after: query.after } : {}), limit });
  return { contacts, next: contacts.length === limit ? contacts.at(-1)?.number : undefined };
}

/** Creates or replaces the contact with this mobile number. */
export async function putContact(deps: CoreDeps, number: string, input: unknown): Promise<Contact> {
  const address = parsePhoneNumber(number, 'number');
  const body = typeof input === 'object' && input !== null ? { number: address, ...input } : input;
  const parsed = parsePart(contactSchema, body, 'the contact');
  if (parsed.number !== address) {
    throw new ValidationError(`the body's number is not ${address}, the number in the address`, [
      { path: 'number', message: `must be ${address} or absent` },
    ]);
  }
  const now = deps.clock.now().toISOString();
  return retryOnConflict(async () => {
    const stored = await deps.store.getContact(address);
    const contact: Contact = { ...parsed, createdAt: stored?.value.createdAt ?? now, updatedAt: now };
    return (await deps.store.putContact(contact, stored?.etag ?? null)).value;
  });
}

/**
 * Deletes the contact, and the name it gave the customer's conversations with it: no copy of the
 * name outlives the contact. The conversations and their transcripts stay (the center's record of
 * what was said); erasing the customer (customer-data.ts) removes those too.
 */
export async function deleteContact(deps: CoreDeps, number: string): Promise<void> {
  const address = parsePhoneNumber(number, 'number');
  await retryOnConflict(async () => {
    const stored = await deps.store.getContact(address);
    if (!stored) throw new NotFoundError(`no contact has the number ${number}`);
    await deps.store.deleteContact(address, stored.etag);
  });
  for (const state of await deps.store.listCustomerStates(address)) {
    for (const found of await conversationsOf(deps, state.value.channelId, address)) {
      if (found.value.customerName === undefined) continue;
      await retryOnConflict(async () => {
        const current = await deps.store.getConversation(found.value.id);
        if (!current || current.value.customerName === undefined) return;
        const { customerName: _name, ...rest } = current.value;
        await deps.store.replaceConversation(rest, current.etag);
      });
    }
  }
}
