import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { parsePhoneNumber } from '../../shared/domain/phone.js';
import { parseSeed } from '../../shared/domain/seed.js';
import { stickySender } from '../../shared/domain/sticky-sender.js';
import { setConsent } from '../../shared/use-cases/consent.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { type CoreHarness, coreHarness } from '../support/core.js';

const POOL = ['+14255550101', '+14255550102', '+14255550103'];
const recipients = Array.from({ length: 60 }, (_, i) => `+1206555${String(1000 + i)}`);

function withPool(): CoreHarness {
  const h = coreHarness();
  const seed = parseSeed(
    {
      channels: [
        {
          id: 'alerts',
          name: 'Alerts',
          numbers: POOL,
          provider: 'local',
          direction: 'outbound-only',
          defaultQueueId: 'general',
        },
      ],
      queues: [{ id: 'general', name: 'General' }],
    },
    { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 },
  );
  h.deps.directory = new Directory(seed.channels, seed.queues);
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

  it('move only the recipients a new number takes over when the pool grows', () => {
    const before = new Map(recipients.map((to) => [to, stickySender(POOL, to)]));
    const grown = [...POOL, '+14255550104'];
    const moved = recipients.filter((to) => stickySender(grown, to) !== before.get(to));
    expect(moved.length).toBeGreaterThan(0);
    for (const to of moved) expect(stickySender(grown, to)).toBe('+14255550104');
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
