import { describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/domain/channel.js';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { type Notification, notificationRequestSchema } from '../../shared/domain/notification.js';
import type { PhoneNumber, SenderNumber } from '../../shared/domain/phone.js';
import { AlreadyExistsError, ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { saveTemplate } from '../../shared/use-cases/admin-templates.js';
import { setConsent } from '../../shared/use-cases/consent.js';
import { notificationStatus, sendNotification } from '../../shared/use-cases/notify.js';
import { ALERTS_NUMBER, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { type CoreHarness, coreHarness, deliverQueuedNotifications, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

const request = (fields: Record<string, unknown>) =>
  notificationRequestSchema.parse({ channelId: 'alerts', ...fields });

/** The alerts channel with some settings changed. */
function alertsWith(h: CoreHarness, change: Partial<Channel>) {
  const [support, alerts] = testSeed.channels;
  if (!support || !alerts) throw new Error('the test seed has two channels');
  h.deps.directory = new Directory([support, { ...alerts, ...change }], testSeed.queues);
}

const queuedMessages = (h: CoreHarness) => h.queue.on('sms-outbound');

describe('a notification', () => {
  it('queues one message per recipient, from the channel number, and answers with what became of each', async () => {
    const h = coreHarness();
    const notification = await sendNotification(
      h.deps,
      request({ to: [CUSTOMER, OTHER_CUSTOMER], text: 'Your parcel arrives today' }),
    );
    const id = notification.id;
    expect(notification).toStrictEqual({
      id,
      channelId: 'alerts',
      requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: '2026-11-23T09:00:00.000Z',
      sendAt: null,
      recipients: [
        { to: CUSTOMER, status: 'queued', messageId: `${id}-1` },
        { to: OTHER_CUSTOMER, status: 'queued', messageId: `${id}-2` },
      ],
    });
    expect(queuedMessages(h)).toStrictEqual([
      {
        id: `${id}-1`,
        sessionId: ALERTS_NUMBER,
        body: {
          id: `${id}-1`,
          conversationId: `notification:${id}`,
          seq: 1,
          direction: 'outbound',
          author: { kind: 'system' },
          from: ALERTS_NUMBER,
          to: CUSTOMER,
          text: 'Your parcel arrives today',
          segments: { encoding: 'GSM-7', segments: 1, units: 25 },
          createdAt: '2026-11-23T09:00:00.000Z',
          provider: 'local',
          providerMessageId: null,
          status: 'queued',
          failureReason: null,
          purpose: 'notification',
        },
      },
      expect.objectContaining({
        id: `${id}-2`,
        body: expect.objectContaining({ seq: 2, to: OTHER_CUSTOMER }),
      }),
    ]);
    expect((await h.store.getNotification(id))?.value).toStrictEqual(notification);
    expect(h.logs.map((line) => JSON.parse(line)).filter((l) => l.event === 'notification.accepted')).toEqual(
      [expect.objectContaining({ notificationId: id, channelId: 'alerts', queued: 2, refused: 0 })],
    );
  });

  it('refuses a malformed number and an opted-out one, sends a repeated number once, and still queues the rest', async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'alerts', OTHER_CUSTOMER, true, 'STOP');
    const notification = await sendNotification(
      h.deps,
      request({ to: ['4255550123', CUSTOMER, OTHER_CUSTOMER, '+1 425 555 0123'], text: 'Sale today' }),
    );
    expect(notification.recipients).toStrictEqual([
      {
        to: '4255550123',
        status: 'refused',
        reason: 'recipient must be in international form, starting with + and the country code',
      },
      { to: CUSTOMER, status: 'queued', messageId: `${notification.id}-2` },
      { to: OTHER_CUSTOMER, status: 'refused', reason: 'the recipient opted out of this channel' },
    ]);
    expect(queuedMessages(h).map((m) => (m.body as Message).to)).toEqual([CUSTOMER]);
    expect(
      h.logs.map((line) => JSON.parse(line)).find((l) => l.event === 'notification.accepted'),
    ).toMatchObject({
      queued: 1,
      refused: 2,
    });
  });

  it('is refused on a channel with no number, and queues nothing', async () => {
    const h = coreHarness();
    alertsWith(h, { numbers: [] });
    await expect(sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }))).rejects.toThrow(
      new ConflictError('channel alerts has no number to send from'),
    );
    expect(h.queue.sent).toEqual([]);
  });

  it('sent for later is scheduled at that time, and says when', async () => {
    const h = coreHarness();
    const notification = await sendNotification(
      h.deps,
      request({ to: [CUSTOMER], text: 'Reminder: your appointment', sendAt: '2026-11-23T17:00:00Z' }),
    );
    expect(notification.sendAt).toBe('2026-11-23T17:00:00Z');
    expect(queuedMessages(h).map((m) => m.scheduledAt)).toEqual([new Date('2026-11-23T17:00:00Z')]);
    expect(notification.recipients).toStrictEqual([
      { to: CUSTOMER, status: 'queued', messageId: `${notification.id}-1` },
    ]);
  });
});

describe("a notification and the recipient's quiet hours", () => {
  // 09:00 UTC is 01:00 in Seattle; the window opens at 08:00 there (16:00 UTC).
  const window = { from: '08:00', to: '21:00', defaultTimeZone: 'America/Los_Angeles' };

  it('is held until the window opens, and says until when', async () => {
    const h = coreHarness();
    alertsWith(h, { notificationWindow: window });
    const notification = await sendNotification(
      h.deps,
      request({ to: [CUSTOMER], text: 'Your card was charged' }),
    );
    expect(notification.recipients).toStrictEqual([
      {
        to: CUSTOMER,
        status: 'queued',
        messageId: `${notification.id}-1`,
        heldUntil: '2026-11-23T16:00:00.000Z',
      },
    ]);
    expect(queuedMessages(h).map((m) => m.scheduledAt)).toEqual([new Date('2026-11-23T16:00:00.000Z')]);
    expect((await notificationStatus(h.deps, notification.id)).recipients).toStrictEqual([
      {
        to: CUSTOMER,
        status: 'queued',
        messageId: `${notification.id}-1`,
        reason: null,
        heldUntil: '2026-11-23T16:00:00.000Z',
      },
    ]);
  });

  it('is refused instead when the flow asks so', async () => {
    const h = coreHarness();
    alertsWith(h, { notificationWindow: window });
    const notification = await sendNotification(
      h.deps,
      request({ to: [CUSTOMER], text: 'Your card was charged', quietHours: 'refuse' }),
    );
    expect(notification.recipients).toStrictEqual([
      {
        to: CUSTOMER,
        status: 'refused',
        reason: "quiet hours: the recipient's window is 08:00-21:00, their time",
      },
    ]);
    expect(h.queue.batches).toEqual([0]);
  });

  it('goes at once inside the window, or with no window, and is not scheduled', async () => {
    const h = coreHarness();
    alertsWith(h, { notificationWindow: window });
    h.clock.set(new Date('2026-11-23T18:00:00Z'));
    await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Now', quietHours: 'refuse' }));
    alertsWith(h, { notificationWindow: undefined });
    h.clock.set(new Date('2026-11-23T09:00:00Z'));
    await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Now too', quietHours: 'refuse' }));
    expect(queuedMessages(h).map((m) => [(m.body as Message).text, 'scheduledAt' in m])).toEqual([
      ['Now', false],
      ['Now too', false],
    ]);
  });

  it('sent for a time inside the window is scheduled then, not held', async () => {
    const h = coreHarness();
    alertsWith(h, { notificationWindow: window });
    const notification = await sendNotification(
      h.deps,
      request({ to: [CUSTOMER], text: 'Later', sendAt: '2026-11-23T18:00:00Z', quietHours: 'refuse' }),
    );
    expect(notification.recipients).toStrictEqual([
      { to: CUSTOMER, status: 'queued', messageId: `${notification.id}-1` },
    ]);
    expect(queuedMessages(h).map((m) => m.scheduledAt)).toEqual([new Date('2026-11-23T18:00:00Z')]);
  });
});

describe('a notification from a template', () => {
  async function withShippedTemplate(h: CoreHarness) {
    await saveTemplate(
      h.deps,
      'shipped',
      { name: 'Order shipped', texts: { en: 'Order {order} shipped', fr: 'Commande {order} expédiée' } },
      'admin',
    );
    await saveTemplate(
      h.deps,
      'shipped',
      {
        name: 'Order shipped',
        texts: { en: 'Order {order} is on its way', fr: 'La commande {order} est en route' },
      },
      'admin',
    );
  }

  it("fills the newest version in each recipient's language, and records which version went", async () => {
    const h = coreHarness();
    await withShippedTemplate(h);
    await h.store.putContact(
      {
        number: OTHER_CUSTOMER,
        name: 'Amélie',
        language: 'fr',
        attributes: {},
        createdAt: 'x',
        updatedAt: 'x',
      },
      null,
    );
    const notification = await sendNotification(
      h.deps,
      request({ to: [CUSTOMER, OTHER_CUSTOMER], templateId: 'shipped', values: { order: 'A-1001' } }),
    );
    expect(notification.template).toEqual({ id: 'shipped', version: 2 });
    expect(notification.recipients).toStrictEqual([
      { to: CUSTOMER, status: 'queued', messageId: `${notification.id}-1`, language: 'en' },
      { to: OTHER_CUSTOMER, status: 'queued', messageId: `${notification.id}-2`, language: 'fr' },
    ]);
    expect(queuedMessages(h).map((m) => (m.body as Message).text)).toEqual([
      'Order A-1001 is on its way',
      'La commande A-1001 est en route',
    ]);
  });

  it("uses the request's language over the contact's", async () => {
    const h = coreHarness();
    await withShippedTemplate(h);
    await h.store.putContact(
      { number: CUSTOMER, name: 'Ana', language: 'en', attributes: {}, createdAt: 'x', updatedAt: 'x' },
      null,
    );
    await sendNotification(
      h.deps,
      request({ to: [CUSTOMER], templateId: 'shipped', values: { order: 'A-7' }, language: 'fr' }),
    );
    expect(queuedMessages(h).map((m) => (m.body as Message).text)).toEqual(['La commande A-7 est en route']);
  });

  it('is refused for a template that does not exist, or values missing, before anything is queued', async () => {
    const h = coreHarness();
    await expect(
      sendNotification(h.deps, request({ to: [CUSTOMER], templateId: 'gone', values: {} })),
    ).rejects.toThrow(new NotFoundError('template gone does not exist'));
    await saveTemplate(h.deps, 'pickup', { name: 'Pickup', texts: 'Pick up {item} at {store}' }, 'admin');
    const missing = sendNotification(h.deps, request({ to: [CUSTOMER], templateId: 'pickup', values: {} }));
    await expect(missing).rejects.toBeInstanceOf(ValidationError);
    await expect(missing).rejects.toThrow('template pickup needs values for item, store');
    await expect(missing.catch((error) => error.issues)).resolves.toEqual([
      { path: 'values', message: 'missing: item, store' },
    ]);
    await expect(
      sendNotification(
        h.deps,
        request({ to: [CUSTOMER], templateId: 'pickup', values: { item: 'a parcel' } }),
      ),
    ).rejects.toThrow('template pickup needs values for store');
    await expect(
      sendNotification(
        h.deps,
        request({ to: [CUSTOMER], templateId: 'pickup', values: { item: 'a parcel', store: 'Main St' } }),
      ),
    ).resolves.toBeDefined();
    expect(h.queue.sent.map((s) => (s.message.body as Message).text)).toEqual([
      'Pick up a parcel at Main St',
    ]);
  });

  it('is refused on its values when one is blank or the text filled is too long, before anything is queued', async () => {
    const h = coreHarness();
    await saveTemplate(h.deps, 'pickup', { name: 'Pickup', texts: 'Pick up {item} at {store}' }, 'admin');
    const blank = sendNotification(
      h.deps,
      request({ to: [CUSTOMER], templateId: 'pickup', values: { item: '  ', store: 'Main St' } }),
    );
    await expect(blank).rejects.toThrow('values needs values for item');
    await expect(blank.catch((error) => error.issues)).resolves.toEqual([
      { path: 'values', message: 'missing values: item' },
    ]);
    const tooLong = sendNotification(
      h.deps,
      request({ to: [CUSTOMER], templateId: 'pickup', values: { item: 'x'.repeat(1600), store: 'Main St' } }),
    );
    await expect(tooLong).rejects.toBeInstanceOf(ValidationError);
    await expect(
      tooLong.catch((error) => error.issues.map((i: { path: string }) => i.path)),
    ).resolves.toEqual(['values']);
    expect(h.queue.sent).toEqual([]);
  });
});

describe('a notification sent again with the same Idempotency-Key', () => {
  it('answers what the first call answered and queues nothing new', async () => {
    const h = coreHarness();
    const first = await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'flow-run-1');
    const again = await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'flow-run-1');
    expect(again).toStrictEqual(first);
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    expect(h.queue.batches).toEqual([1]);
  });

  it('is refused for a different request', async () => {
    const h = coreHarness();
    await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'flow-run-2');
    await expect(
      sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hello' }), 'flow-run-2'),
    ).rejects.toThrow(new ConflictError('this Idempotency-Key was already used for a different request'));
  });

  it('is a key of its channel: another channel may use the same key', async () => {
    const h = coreHarness();
    const alerts = await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'run-9');
    const support = await sendNotification(
      h.deps,
      request({ channelId: 'support', to: [CUSTOMER], text: 'Hi' }),
      'run-9',
    );
    expect(support.id).not.toBe(alerts.id);
    expect(h.queue.batches).toEqual([1, 1]);
  });

  it('settles a race: the call that lost to another writing the same notification answers what it wrote', async () => {
    const store = new RacingNotificationStore();
    const h = coreHarness(store);
    const first = await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'run-10');
    store.racing = first;
    expect(await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'run-10')).toStrictEqual(
      first,
    );
    store.racing = first;
    await expect(
      sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Bye' }), 'run-10'),
    ).rejects.toThrow('this Idempotency-Key was already used for a different request');
  });

  it('passes on a failure to write that is not a race', async () => {
    const store = new RacingNotificationStore();
    const h = coreHarness(store);
    const outage = new Error('store unavailable');
    store.failure = outage;
    await expect(sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'run-11')).rejects.toBe(
      outage,
    );
    // Passed on even when the write landed (a timeout): the caller's retry with the key answers it.
    const timeout = new Error('request timed out');
    store.landedFailure = timeout;
    await expect(sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'run-13')).rejects.toBe(
      timeout,
    );
    expect(
      (await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'run-13')).recipients,
    ).toHaveLength(1);
    // Told it exists, yet nothing is there to answer with: the error is passed on too.
    const phantom = new AlreadyExistsError('notification exists');
    store.failure = phantom;
    await expect(sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }), 'run-12')).rejects.toBe(
      phantom,
    );
  });
});

/**
 * A store where another call writes the notification between this call's read and its write (the
 * read finds nothing, the write finds it there), or where the write fails (before or after it landed).
 */
class RacingNotificationStore extends MemoryStore {
  racing: Notification | undefined;
  failure: Error | undefined;
  private hidden = false;
  override async getNotification(id: string) {
    if (this.racing && !this.hidden) {
      this.hidden = true;
      return undefined;
    }
    return super.getNotification(id);
  }
  /** A failure after the write landed. */
  landedFailure: Error | undefined;
  override async createNotification(notification: Notification) {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    const landed = this.landedFailure;
    this.landedFailure = undefined;
    if (landed) {
      await super.createNotification(notification);
      throw landed;
    }
    if (this.racing) {
      this.racing = undefined;
      this.hidden = false;
      throw new AlreadyExistsError(`notification ${notification.id} exists`);
    }
    return super.createNotification(notification);
  }
}

describe("a notification's status", () => {
  it('follows each message: refused with its reason, sent once delivered to the provider, queued before', async () => {
    const h = coreHarness();
    const notification = await sendNotification(
      h.deps,
      request({ to: ['+1 206 555 0100', CUSTOMER, 'nonsense'], text: 'Your code is 4411' }),
    );
    expect(await notificationStatus(h.deps, notification.id)).toStrictEqual({
      id: notification.id,
      channelId: 'alerts',
      createdAt: '2026-11-23T09:00:00.000Z',
      sendAt: null,
      recipients: [
        { to: '+12065550100', status: 'queued', messageId: `${notification.id}-1`, reason: null },
        { to: CUSTOMER, status: 'queued', messageId: `${notification.id}-2`, reason: null },
        {
          to: 'nonsense',
          status: 'refused',
          messageId: null,
          reason: 'recipient must be in international form, starting with + and the country code',
        },
      ],
    });
    await deliverQueuedNotifications(h);
    expect((await notificationStatus(h.deps, notification.id)).recipients.map((r) => r.status)).toEqual([
      'sent',
      'sent',
      'refused',
    ]);
  });

  it('gives the failure reason of a message that failed', async () => {
    const h = coreHarness();
    const notification = await sendNotification(h.deps, request({ to: [CUSTOMER], text: 'Hi' }));
    const messageId = `${notification.id}-1`;
    const [queued] = queuedMessages(h);
    await h.store.createMessage({
      ...(queued?.body as Message),
      status: 'failed',
      failureReason: 'the carrier refused the number',
    });
    expect((await notificationStatus(h.deps, notification.id)).recipients).toStrictEqual([
      { to: CUSTOMER, status: 'failed', messageId, reason: 'the carrier refused the number' },
    ]);
  });

  it('is not found for a notification that does not exist', async () => {
    const h = coreHarness();
    await expect(notificationStatus(h.deps, 'nope')).rejects.toThrow(
      new NotFoundError('notification nope does not exist'),
    );
  });
});

describe('a notification from a pool of numbers', () => {
  it('sends each recipient from the one number of the pool that is theirs', async () => {
    const h = coreHarness();
    const pool = ['+14255550198', '+14255550197'] as SenderNumber[];
    alertsWith(h, { numbers: pool.map((number) => ({ number })) });
    const to = Array.from({ length: 12 }, (_, i) => `+120655501${String(i + 10)}`) as PhoneNumber[];
    await sendNotification(h.deps, request({ to, text: 'Hi' }));
    const sessions = () => queuedMessages(h).map((m) => [m.sessionId, (m.body as Message).from]);
    const first = sessions();
    for (const [session, from] of first) expect(session).toBe(from);
    expect(new Set(first.map(([session]) => session))).toEqual(new Set(pool));
    await sendNotification(h.deps, request({ to, text: 'Hi again' }));
    expect(sessions().slice(to.length)).toEqual(first);
  });
});
