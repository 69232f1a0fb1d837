import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const ALERTS = '+14255550199';

/** The notifications API for flows, over HTTP on the seed's outbound-only alerts channel. */
describe('notifications from a flow', () => {
  let t: TestHost;
  const notify = (body: unknown, key?: string) =>
    fetch(`${t.host.url}/api/notifications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sms-user': 'order-flow',
        'x-sms-roles': 'notifier',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
      // biome-ignore lint/suspicious/noExplicitAny: a JSON answer; the assertions that read it check its shape.
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
  const outboxFor = async (to: string) =>
    (await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`)).body.messages as {
      from: string;
      text: string;
    }[];

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('queues one message per valid recipient, refuses the invalid ones, and sends from the channel number', async () => {
    const answer = await notify(
      {
        channelId: 'alerts',
        to: ['+14255550123', 'not-a-number', '+14255550124', '+1 425 555 0123'],
        text: 'Your parcel arrives today',
      },
      'flow-run-1',
    );
    expect(answer.status).toBe(202);
    expect(answer.body.recipients).toEqual([
      { to: '+14255550123', status: 'queued', messageId: expect.any(String) },
      {
        to: 'not-a-number',
        status: 'refused',
        reason: 'recipient must be in international form, starting with + and the country code',
      },
      { to: '+14255550124', status: 'queued', messageId: expect.any(String) },
    ]);
    await t.settle();
    expect(await outboxFor('+14255550123')).toEqual([
      expect.objectContaining({ from: ALERTS, text: 'Your parcel arrives today' }),
    ]);
    const status = await t.eventually(async () => {
      const { body } = await t.api('GET', `notifications/${answer.body.id}`);
      return body.recipients.every((r: { status: string }) => r.status !== 'queued') && body;
    }, 'the sends');
    expect(status.recipients.map((r: { status: string }) => r.status)).toEqual(['sent', 'refused', 'sent']);
    expect((await t.api('GET', 'queues/general/conversations')).body.conversations).toEqual([]);
  });

  it('sends once for a retried call with the same Idempotency-Key, and answers the same', async () => {
    const body = { channelId: 'alerts', to: '+14255550125', text: 'Payment received' };
    const first = await notify(body, 'flow-run-2');
    const again = await notify(body, 'flow-run-2');
    expect(again).toEqual(first);
    await t.settle();
    expect(await outboxFor('+14255550125')).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key for a different request', async () => {
    const answer = await notify(
      { channelId: 'alerts', to: '+14255550125', text: 'Something else' },
      'flow-run-2',
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toBe('this Idempotency-Key was already used for a different request');
  });

  it('refuses a recipient who opted out of the channel', async () => {
    await t.api('POST', 'local/inbound', { from: '+14255550126', to: '+14255550100', text: 'STOP' });
    await t.settle();
    const answer = await notify({ channelId: 'support', to: ['+14255550126'], text: 'Special offer!' });
    expect(answer.body.recipients).toEqual([
      { to: '+14255550126', status: 'refused', reason: 'the recipient opted out of this channel' },
    ]);
    await t.settle();
    expect((await outboxFor('+14255550126')).map((m) => m.text)).not.toContain('Special offer!');
  });

  it.each([
    ['an unknown channel', { channelId: 'nope', to: '+14255550123', text: 'x' }, 404, /unknown channel nope/],
    ['no recipients', { channelId: 'alerts', to: [], text: 'x' }, 400, /invalid/],
    [
      '101 recipients',
      { channelId: 'alerts', to: Array.from({ length: 101 }, () => '+14255550123'), text: 'x' },
      400,
      /invalid/,
    ],
    ['1601 characters', { channelId: 'alerts', to: '+14255550123', text: 'a'.repeat(1601) }, 400, /invalid/],
    [
      'a bad send-at time',
      { channelId: 'alerts', to: '+14255550123', text: 'x', sendAt: 'tomorrow' },
      400,
      /invalid/,
    ],
  ])('refuses %s, sending nothing', async (_name, body, status, message) => {
    const before = (await t.api('GET', 'local/outbox')).body.messages.length;
    const answer = await notify(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
    await t.settle();
    expect((await t.api('GET', 'local/outbox')).body.messages.length).toBe(before);
  });

  it('answers 404 for an unknown notification', async () => {
    expect((await t.api('GET', 'notifications/nope')).status).toBe(404);
  });
  // Last: a scheduled message keeps the queue from draining.
  it('holds a notification with a send-at time until then', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const answer = await notify({ channelId: 'alerts', to: '+14255550127', text: 'Reminder', sendAt: later });
    expect(answer.status).toBe(202);
    const { body } = await t.api('GET', `notifications/${answer.body.id}`);
    expect(body).toMatchObject({ sendAt: later, recipients: [{ to: '+14255550127', status: 'queued' }] });
    expect(await outboxFor('+14255550127')).toEqual([]);
  });
});
