import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/access.js';
import { openConversation, transition } from '../../shared/domain/conversation.js';
import type { PhoneNumber } from '../../shared/domain/phone.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { customerHistory } from '../../shared/use-cases/customer-history.js';
import { aMessage, CUSTOMER, OTHER_CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';
import { coreHarness, storeKinds } from '../support/core.js';

const supervisor: Principal = {
  kind: 'user',
  userId: 'sue',
  name: 'Sue',
  roles: ['supervisor'],
  agentId: null,
};
const carol: Principal = { kind: 'user', userId: 'carol', name: 'Carol', roles: ['agent'], agentId: 'carol' };

/** A closed conversation of a customer on a channel, created at minute `minute`, with one message. */
async function kept(
  h: ReturnType<typeof coreHarness>,
  id: string,
  minute: number,
  options: { customer?: PhoneNumber; channelId?: string; queueId?: string } = {},
) {
  const at = new Date(Date.UTC(2026, 10, 1, 9, minute)).toISOString();
  const customer = options.customer ?? CUSTOMER;
  const open = openConversation({
    id,
    channelId: options.channelId ?? 'support',
    channelNumber: SUPPORT_NUMBER,
    customer,
    queueId: options.queueId ?? 'general',
    at,
  });
  await h.store.createConversationWithMessage(
    { ...open, lastSeq: 1 },
    aMessage({ id: `local:${id}`, conversationId: id, from: customer, text: `text of ${id}`, createdAt: at }),
  );
  const stored = await h.store.getConversation(id);
  if (!stored) throw new Error('not stored');
  await h.store.replaceConversation(
    transition(stored.value, { type: 'close', reason: 'closed by agent' }, { kind: 'system' }, at),
    stored.etag,
  );
}

describe.each(storeKinds)("a customer's history: %s", (_name, makeStore) => {
  it('lists every conversation of the customer, newest first, with its transcript, a page at a time', async () => {
    const h = coreHarness(makeStore());
    for (const [id, minute] of [
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
    ] as const)
      await kept(h, id, minute);
    await kept(h, 'someone-else', 4, { customer: OTHER_CUSTOMER });

    const first = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 2 });
    expect(first.conversations.map((entry) => entry.conversation.id)).toEqual(['c3', 'c2']);
    expect(first.conversations[0]?.messages.map((m) => m.text)).toEqual(['text of c3']);
    expect(first.next).toEqual(expect.any(String));
    const second = await customerHistory(h.deps, supervisor, {
      number: CUSTOMER,
      limit: 2,
      before: first.next,
    });
    expect(second.conversations.map((entry) => entry.conversation.id)).toEqual(['c1']);
    expect(second.next).toBeUndefined();
  });

  it('reads one channel, or every channel for the contact (their mobile number)', async () => {
    const h = coreHarness(makeStore());
    await kept(h, 'on-support', 1);
    await kept(h, 'on-alerts', 2, { channelId: 'alerts' });
    const ids = async (channelId?: string) =>
      (await customerHistory(h.deps, supervisor, { number: CUSTOMER, channelId })).conversations.map(
        (entry) => entry.conversation.id,
      );
    expect(await ids('support')).toEqual(['on-support']);
    expect(await ids()).toEqual(['on-alerts', 'on-support']);
  });

  it("shows an agent only their queues' conversations", async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'carol', queueIds: ['billing'] });
    await kept(h, 'in-general', 1);
    await kept(h, 'in-billing', 2, { queueId: 'billing' });
    const seen = await customerHistory(h.deps, carol, { number: CUSTOMER });
    expect(seen.conversations.map((entry) => entry.conversation.id)).toEqual(['in-billing']);
  });

  it('refuses what it cannot read, clearly', async () => {
    const h = coreHarness(makeStore());
    await expect(customerHistory(h.deps, supervisor, { number: 'not a number' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 0 })).rejects.toThrow(
      'limit is a whole number from 1 to 50',
    );
    await expect(
      customerHistory(h.deps, supervisor, { number: CUSTOMER, before: 'nonsense' }),
    ).rejects.toThrow('before is not a cursor');
    await expect(
      customerHistory(h.deps, supervisor, { number: CUSTOMER, channelId: 'nowhere' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
