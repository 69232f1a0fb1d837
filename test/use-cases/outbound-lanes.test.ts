import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { outboundSession } from '../../shared/domain/send-lanes.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { replyToCustomer } from '../../shared/use-cases/conversations.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { type CoreHarness, coreHarness, testSeed } from '../support/core.js';

const [support, alerts] = testSeed.channels;
if (!support || !alerts) throw new Error('the test seed has a support and an alerts channel');
const alertsNumber = String(alerts.numbers[0]?.number);
const recipients = Array.from({ length: 40 }, (_, i) => `+1206555${String(1000 + i)}`);

/** The seed's channels, the one named sending at `rate` a second. */
function atRate(h: CoreHarness, channelId: string, rate: number) {
  const channels = [support, alerts].map((channel) =>
    channel?.id === channelId ? { ...channel, sendRatePerSecond: rate } : channel,
  );
  h.deps.directory = new Directory(
    channels.flatMap((c) => c ?? []),
    testSeed.queues,
  );
}

const notify = (h: CoreHarness, to: string[]) =>
  sendNotification(
    h.deps,
    notificationRequestSchema.parse({ channelId: alerts.id, to, text: 'Your parcel is on its way' }),
  );
const sessions = (h: CoreHarness) =>
  new Map(h.queue.on('sms-outbound').map((m) => [(m.body as Message).to, m.sessionId]));

describe('outbound sessions of a fast number (lanes)', () => {
  it('put a notification to many on a 1000-a-second number in ten lanes, each recipient in the lane of its number', async () => {
    const h = coreHarness();
    atRate(h, alerts.id, 1000);
    await notify(h, recipients);
    const byRecipient = sessions(h);
    expect(byRecipient.size).toBe(recipients.length);
    const from = alertsNumber;
    for (const [to, session] of byRecipient) expect(session).toBe(outboundSession(from, to, 10));
    expect(new Set(byRecipient.values()).size).toBe(10);
  });

  it('put a recipient in the same lane in every notification, so their texts keep their order', async () => {
    const h = coreHarness();
    atRate(h, alerts.id, 1000);
    await notify(h, recipients);
    const first = sessions(h);
    h.queue.sent.length = 0;
    await notify(h, [...recipients].reverse());
    expect(sessions(h)).toEqual(first);
  });

  it('keep a number sending under 200 a second in one session, the number itself', async () => {
    const h = coreHarness();
    atRate(h, alerts.id, 100);
    await notify(h, recipients);
    const from = alertsNumber;
    expect(new Set(sessions(h).values())).toEqual(new Set([from]));
  });

  it('put an agent’s reply in the customer’s lane of the channel’s number', async () => {
    const h = coreHarness();
    atRate(h, support.id, 1000);
    await h.addAgent({ id: 'alice' });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    await replyToCustomer(h.deps, {
      conversationId: outcome.conversationId,
      agentId: 'alice',
      text: 'On it',
    });
    const reply = h.queue.on('sms-outbound').at(-1);
    const message = reply?.body as Message;
    expect(reply?.sessionId).toBe(outboundSession(message.from, message.to, 10));
    expect(reply?.sessionId).toMatch(/\/lane-\d$/);
  });
});
