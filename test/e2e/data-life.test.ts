import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback } from '../../stand-ins/http.js';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const GRACE = '+14255550141';
const ERASURE_KEY = 'e2e-erasure-key-0123456789-abcdefghijkl';

const path = (number: string) => encodeURIComponent(number);

/**
 * The data's life over HTTP on the local host (the embedded default): an admin exports a
 * customer's data, erases them in one call, and sets a channel's retention, past which the timer
 * removes the transcripts while the figures stay.
 */
describe("a customer's data, exported and erased by an admin", () => {
  let t: TestHost;
  const alice = { user: 'alice', roles: 'agent' };
  const notify = (to: string, channelId: string, text: string) =>
    t.api('POST', 'notifications', { channelId, to, text }, { user: 'order-flow', roles: 'notifier' });

  // A webhook subscriber that takes every event: the embedded default logs each delivery.
  const subscriber = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });

  beforeAll(async () => {
    t = await startTestHost({ SMS_ERASURE_KEY: ERASURE_KEY });
    const url = await listenOnLoopback(subscriber);
    await t.api('PUT', 'manage/event-subscriptions/flow', {
      url,
      secret: 'a-subscriber-secret-of-32-chars!',
    });
  });
  afterAll(async () => {
    await t.stop();
    await closeServer(subscriber);
  });
  const publish = () => fetch(`${t.host.url}/admin/functions/eventsPublisher`, { method: 'POST' });
  const logged = async () =>
    (
      (await t.api('GET', 'manage/event-subscriptions/flow/deliveries')).body.deliveries as {
        eventId: string;
      }[]
    ).map((d) => d.eventId);

  it('exports, then erases everywhere, and the opt-out outlives the number', async () => {
    await t.api('PUT', `manage/contacts/${path(GRACE)}`, { name: 'Grace Hopper', language: 'en' });
    await t.api('PUT', 'agents/alice/presence', { presence: 'available' }, alice);
    await t.api('POST', 'local/inbound', { from: GRACE, to: SUPPORT, text: 'My account is 998877' });
    const [conversation] = await t.eventually(async () => {
      const { body } = await t.api('GET', 'agents/alice/conversations', undefined, alice);
      return body.conversations?.length === 1 && body.conversations;
    }, "Grace's conversation with Alice");
    const id = conversation.id as string;
    expect(
      (await t.api('POST', `conversations/${id}/messages`, { text: 'Hello Grace, looking' }, alice)).status,
    ).toBe(202);
    expect((await notify(GRACE, 'alerts', 'Your parcel ships today')).status).toBe(202);
    await t.settle();
    await t.api('POST', 'local/inbound', { from: GRACE, to: SUPPORT, text: 'STOP' });
    await t.settle();

    const exported = await t.api('GET', `manage/customers/${path(GRACE)}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.export).toMatchObject({
      customer: GRACE,
      contact: { name: 'Grace Hopper' },
      channels: [{ channelId: 'support', optedOut: true, consentChangedVia: 'keyword STOP' }],
      notifications: [
        { channelId: 'alerts', messages: [{ text: 'Your parcel ships today', status: 'sent' }] },
      ],
    });
    const texts = exported.body.export.conversations.flatMap((c: { messages: { text: string }[] }) =>
      c.messages.map((m) => m.text),
    );
    expect(texts).toEqual(expect.arrayContaining(['My account is 998877', 'Hello Grace, looking', 'STOP']));

    expect((await publish()).status).toBeLessThan(300);
    const about = (ids: string[]) =>
      ids.filter((e) => e.startsWith(`${id}:`) || e.startsWith('consent:support:'));
    expect(about(await logged()).length).toBeGreaterThan(3);

    const erased = await t.api('POST', `manage/customers/${path(GRACE)}/erase`);
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({
      customer: '+1********41',
      contact: true,
      customerRecords: ['support'],
      notificationSenders: [],
      notifications: 1,
      optOutsKept: ['support'],
    });
    expect(erased.body.erased.conversations).toBeGreaterThanOrEqual(1);
    expect(erased.body.erased.messages).toBeGreaterThanOrEqual(4);
    expect(erased.body.erased.eventDeliveries).toBeGreaterThan(3);
    expect(about(await logged())).toEqual([]);

    const after = (await t.api('GET', `manage/customers/${path(GRACE)}/export`)).body.export;
    expect(after).toMatchObject({ contact: null, channels: [], conversations: [], notifications: [] });
    expect((await t.api('GET', `manage/contacts/${path(GRACE)}`)).status).toBe(404);
    const kept = await t.api('GET', `conversations/${id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.messages).toEqual([]);
    expect(JSON.stringify(kept.body)).not.toContain(GRACE);
    expect(JSON.stringify(kept.body)).not.toContain('Grace');

    // Nothing reaches the erased number on the channel it had left: neither a flow nor an agent.
    const refused = await notify(GRACE, 'support', 'We miss you');
    expect(refused.body.recipients).toEqual([
      { to: GRACE, status: 'refused', reason: 'the recipient opted out of this channel' },
    ]);
    const started = await t.api(
      'POST',
      'conversations',
      { channelId: 'support', to: GRACE, text: 'Hello again' },
      alice,
    );
    expect(started.status).toBe(409);
    expect(started.body.error.code).toBe('consent');
  });

  it('is for admins only, and refuses a number that is not one, changing nothing', async () => {
    expect((await t.api('POST', `manage/customers/${path(GRACE)}/erase`, undefined, alice)).status).toBe(403);
    expect((await t.api('GET', `manage/customers/${path(GRACE)}/export`, undefined, alice)).status).toBe(403);
    const bad = await t.api('POST', 'manage/customers/not-a-number/erase');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('international form');
  });

  it("deletes a contact's name from the customer's conversations with the contact", async () => {
    const ada = '+14255550142';
    await t.api('PUT', `manage/contacts/${path(ada)}`, { name: 'Ada Byron' });
    await t.api('POST', 'local/inbound', { from: ada, to: SUPPORT, text: 'Hi there' });
    const id = await t.eventually(async () => {
      const found = (await t.api('GET', `manage/customers/${path(ada)}/export`)).body.export.conversations;
      return found.length === 1 && (found[0].id as string);
    }, "Ada's conversation");
    expect((await t.api('GET', `conversations/${id}`)).body.conversation.customerName).toBe('Ada Byron');

    expect((await t.api('DELETE', `manage/contacts/${path(ada)}`)).status).toBe(204);

    const after = await t.api('GET', `conversations/${id}`);
    expect(after.body.conversation.customerName).toBeUndefined();
    expect(JSON.stringify(after.body)).not.toContain('Ada Byron');
    expect(after.body.messages.map((m: { text: string }) => m.text)).toEqual(['Hi there']);
  });
});

describe("a channel's retention, over HTTP", () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is set by an admin on the channel, and refused out of range', async () => {
    const { channel } = (await t.api('GET', 'manage/channels/support')).body;
    const refused = await t.api('PUT', 'manage/channels/support', { ...channel, retentionDays: 0 });
    expect(refused.status).toBe(400);
    expect((await t.api('GET', 'manage/channels/support')).body.channel.retentionDays).toBeUndefined();
    const set = await t.api('PUT', 'manage/channels/support', { ...channel, retentionDays: 30 });
    expect(set.status).toBe(200);
    expect(set.body.channel.retentionDays).toBe(30);
  });

  it('removes transcripts past it on the timer, and the figures of their day stay', async () => {
    const customer = '+14255550143';
    await t.api('POST', 'local/inbound', { from: customer, to: SUPPORT, text: 'Old question' });
    const id = await t.eventually(async () => {
      const found = (await t.api('GET', 'queues/general/conversations')).body.conversations;
      return found?.length === 1 && (found[0].id as string);
    }, 'the conversation');
    const day = (await t.api('GET', 'local/clock')).body.now.slice(0, 10);
    const figures = async () =>
      (await t.api('GET', `figures?date=${day}`)).body.channels.find(
        (c: { channelId: string }) => c.channelId === 'support',
      );
    const before = await figures();
    expect(before.received).toBe(1);

    const timer = () => fetch(`${t.host.url}/admin/functions/retentionTimer`, { method: 'POST' });
    expect((await timer()).status).toBeLessThan(300);
    expect((await t.api('GET', `conversations/${id}`)).body.messages.length).toBeGreaterThan(0);

    await t.api('POST', 'local/clock', { advanceMinutes: 31 * 24 * 60 });
    expect((await timer()).status).toBeLessThan(300);

    const kept = await t.api('GET', `conversations/${id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.messages).toEqual([]);
    expect(await figures()).toEqual(before);
  });
});
