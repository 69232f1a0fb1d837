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

describe("a customer's history, page by page", () => {
  it('holds ten conversations a page by default, and up to 50', async () => {
    const h = coreHarness();
    for (let minute = 1; minute <= 11; minute++) await kept(h, `c${minute}`, minute);
    const page = await customerHistory(h.deps, supervisor, { number: CUSTOMER });
    expect(page.conversations).toHaveLength(10);
    expect(page.next).toBeDefined();
    const whole = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 50 });
    expect(whole.conversations).toHaveLength(11);
    expect(whole.next).toBeUndefined();
  });

  it.each([0, 51, 2.5])('refuses a page of %d', async (limit) => {
    const h = coreHarness();
    const error = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit }).catch(
      (e: ValidationError) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: 'limit', message: 'out of range' }]);
  });

  it('goes on where the last page ended when conversations started at the same time, by id', async () => {
    const h = coreHarness();
    for (const id of ['a', 'b', 'c']) await kept(h, id, 1);
    const first = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 1 });
    const second = await customerHistory(h.deps, supervisor, {
      number: CUSTOMER,
      limit: 1,
      before: first.next,
    });
    const third = await customerHistory(h.deps, supervisor, {
      number: CUSTOMER,
      limit: 1,
      before: second.next,
    });
    expect([first, second, third].flatMap((p) => p.conversations.map((e) => e.conversation.id))).toEqual([
      'c',
      'b',
      'a',
    ]);
  });

  it('merges the channels newest first and says there is more when the merge overflowed', async () => {
    const h = coreHarness();
    await kept(h, 'support-1', 1);
    await kept(h, 'alerts-2', 2, { channelId: 'alerts' });
    await kept(h, 'support-3', 3);
    const page = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 2 });
    expect(page.conversations.map((e) => e.conversation.id)).toEqual(['support-3', 'alerts-2']);
    const rest = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 2, before: page.next });
    expect(rest.conversations.map((e) => e.conversation.id)).toEqual(['support-1']);
    expect(rest.next).toBeUndefined();
  });

  it('pages through conversations opened at the same time on two channels, each once, by id', async () => {
    const h = coreHarness();
    await kept(h, 'a-on-support', 1);
    await kept(h, 'b-on-alerts', 1, { channelId: 'alerts' });
    const first = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 1 });
    const second = await customerHistory(h.deps, supervisor, {
      number: CUSTOMER,
      limit: 1,
      before: first.next,
    });
    expect([first, second].flatMap((p) => p.conversations.map((e) => e.conversation.id))).toEqual([
      'b-on-alerts',
      'a-on-support',
    ]);
  });

  it('says there is more when the channels together hold more than a page, though none filled its own', async () => {
    const h = coreHarness();
    await kept(h, 'support-1', 1);
    await kept(h, 'alerts-2', 2, { channelId: 'alerts' });
    await kept(h, 'support-3', 3);
    await kept(h, 'alerts-4', 4, { channelId: 'alerts' });
    const page = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 3 });
    expect(page.conversations.map((e) => e.conversation.id)).toEqual(['alerts-4', 'support-3', 'alerts-2']);
    const rest = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 3, before: page.next });
    expect(rest.conversations.map((e) => e.conversation.id)).toEqual(['support-1']);
    expect(rest.next).toBeUndefined();
  });

  it('says nothing more when the channels together fill the page exactly, none filling its own', async () => {
    const h = coreHarness();
    await kept(h, 'support-1', 1);
    await kept(h, 'alerts-2', 2, { channelId: 'alerts' });
    const page = await customerHistory(h.deps, supervisor, { number: CUSTOMER, limit: 2 });
    expect(page.conversations.map((e) => e.conversation.id)).toEqual(['alerts-2', 'support-1']);
    expect(page.next).toBeUndefined();
  });

  it('calls a number it cannot read the number', async () => {
    const h = coreHarness();
    const error = await customerHistory(h.deps, supervisor, { number: '4255550123' }).catch(
      (e: ValidationError) => e,
    );
    expect((error as ValidationError).issues).toEqual([
      { path: 'number', message: 'missing + and country code' },
    ]);
  });

  it('refuses a cursor it did not give, whatever it decodes to', async () => {
    const h = coreHarness();
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const before of [encode(['2026-11-01T09:01:00.000Z', 7]), encode([1, 'c1']), encode({}), '']) {
      const error = await customerHistory(h.deps, supervisor, { number: CUSTOMER, before }).catch(
        (e: ValidationError) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toBe(
        'before is not a cursor this API gave (pass back `next` as it came)',
      );
      expect((error as ValidationError).issues).toEqual([{ path: 'before', message: 'invalid' }]);
    }
  });

  it('shows an agent the conversations they held in other queues, and says when they are gone', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'carol', queueIds: ['billing'] });
    await kept(h, 'held', 1);
    const stored = await h.store.getConversation('held');
    if (!stored) throw new Error('kept');
    await h.store.replaceConversation({ ...stored.value, agentId: 'carol' }, stored.etag);
    await kept(h, 'not-held', 2);
    const seen = await customerHistory(h.deps, carol, { number: CUSTOMER });
    expect(seen.conversations.map((e) => e.conversation.id)).toEqual(['held']);
    const gone = coreHarness();
    const error = await customerHistory(gone.deps, carol, { number: CUSTOMER }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('agent carol does not exist');
  });
});
