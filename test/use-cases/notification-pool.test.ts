import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { parsePhoneNumber } from '../../shared/domain/phone.js';
import { stickySender } from '../../shared/domain/sticky-sender.js';
import { setConsent } from '../../shared/use-cases/consent.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { type CoreHarness, coreHarness } from '../support/core.js';
import { poolOf } from '../support/pool.js';

const POOL = ['+14255550101', '+14255550102', '+14255550103'];
const recipients = Array.from({ length: 60 }, (_, i) => `+1206555${String(1000 + i)}`);

function withPool(): CoreHarness {
  const h = coreHarness();
  h.deps.directory = poolOf(POOL);
  return h;
}

const notify = (h: CoreHarness, to: string[], text: string) =>
  sendNotification(h.deps, notificationRequestSchema.parse({ channelId: 'alerts', to, text }));
const queued = (h: CoreHarness) => h.queue.on('sms-outbound').map((m) => m.body as Message);

describe('notifications over a pool of numbers', () => {
  it('send across the whole pool, each number in its own session, so each is paced on its own', async () => {
    const h = withPool();
    await notify(h, recipients, 'Your parcel is on its way');
    const sent = h.queue.on('sms-outbound');
    expect(sent).toHaveLength(recipients.length);
    expect(new Set(sent.map((m) => (m.body as Message).from))).toEqual(new Set(POOL));
    for (const message of sent) expect(message.sessionId).toBe((message.body as Message).from);
  });

  it('keep a sticky sender: a recipient hears from the same number in every notification', async () => {
    const h = withPool();
    await notify(h, recipients, 'First');
    const first = new Map(queued(h).map((m) => [m.to, m.from]));
    await notify(h, [...recipients].reverse(), 'Second');
    const second = queued(h).slice(recipients.length);
    expect(second).toHaveLength(recipients.length);
    for (const message of second) expect(message.from).toBe(first.get(message.to));
  });

  it('give each number of the pool an equal share of one notification, so the pool finishes together', async () => {
    const h = withPool();
    await notify(h, recipients, 'Your parcel is on its way');
    const counts = new Map<string, number>();
    for (const message of queued(h)) counts.set(message.from, (counts.get(message.from) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(POOL.map((number) => [number, 20])));
  });

  it('remember who heard from which number, so a number added to the pool moves nobody notified', async () => {
    const h = withPool();
    await notify(h, recipients, 'First');
    const first = new Map(queued(h).map((m) => [m.to, m.from]));
    const [someone = ''] = recipients;
    const number = parsePhoneNumber(someone);
    const stored = await h.deps.store.getNotificationSenders('alerts', [number]);
    expect(stored.get(number)).toBe(first.get(number));
    // Not on a customer state: one that exists means, to the outbound worker, a customer who wrote.
    expect(await h.deps.store.getCustomer('alerts', number)).toBeUndefined();

    const grown = [...POOL, '+14255550104'];
    h.deps.directory = poolOf(grown);
    const newcomers = Array.from({ length: 20 }, (_, i) => `+1206555${String(2000 + i)}`);
    await notify(h, [...recipients, ...newcomers], 'Second');
    const second = queued(h).slice(recipients.length);
    for (const message of second.filter((m) => first.has(m.to)))
      expect(message.from).toBe(first.get(message.to));
    expect(second.filter((m) => !first.has(m.to)).every((m) => m.from === '+14255550104')).toBe(true);
  });

  it('hear from another number of the pool once theirs was taken out of it, and keep that one', async () => {
    const h = withPool();
    await notify(h, recipients, 'First');
    const moved = queued(h)
      .filter((m) => m.from === POOL[0])
      .map((m) => m.to);
    h.deps.directory = poolOf(POOL.slice(1));
    await notify(h, recipients, 'Second');
    const second = new Map(
      queued(h)
        .slice(recipients.length)
        .map((m) => [m.to, m.from]),
    );
    for (const to of moved) expect(POOL.slice(1)).toContain(second.get(to));
    await notify(h, moved, 'Third');
    for (const m of queued(h).slice(2 * recipients.length)) expect(m.from).toBe(second.get(m.to));
  });

  it('send from the number the store kept when another notification remembered one first', async () => {
    const h = withPool();
    const [raced = '', other = ''] = recipients;
    const store = h.deps.store;
    // As if a notification accepted meanwhile had remembered for this customer first a number this
    // one would not have picked (the first recipient takes the hash's number).
    const first = POOL.find((number) => number !== stickySender(POOL, raced)) ?? '';
    h.deps.store = Object.assign(Object.create(store) as typeof store, {
      rememberNotificationSenders: async (...args: Parameters<typeof store.rememberNotificationSenders>) => {
        const kept = await store.rememberNotificationSenders(...args);
        kept.set(parsePhoneNumber(raced), first);
        return kept;
      },
    });
    await notify(h, [raced, other], 'First');
    const from = new Map(queued(h).map((m) => [m.to, m.from]));
    expect(from.get(parsePhoneNumber(raced))).toBe(first);
    expect(POOL).toContain(from.get(parsePhoneNumber(other)));
  });

  it('still refuse a recipient who opted out, whichever number would have sent', async () => {
    const h = withPool();
    const [out = '', ...others] = recipients.slice(0, 5);
    await setConsent(h.deps, 'alerts', parsePhoneNumber(out), true, 'STOP');
    const notification = await notify(h, [out, ...others], 'Hello');
    expect(notification.recipients.find((r) => r.to === out)).toMatchObject({ status: 'refused' });
    expect(queued(h).map((m) => m.to)).toEqual(others);
  });
});
