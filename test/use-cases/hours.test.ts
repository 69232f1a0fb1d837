import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import { hoursSchema } from '../../shared/domain/hours.js';
import type { Message } from '../../shared/domain/message.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { assignAtOpening } from '../../shared/use-cases/openings.js';
import { aConversation } from '../support/builders.js';
import { coreHarness, testSeed } from '../support/core.js';

const hours = hoursSchema.parse({
  timeZone: 'Europe/Paris',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '18:00' }]]),
  ),
  holidays: [{ date: '2026-12-25', name: 'Noël' }],
});

/** The support channel with opening hours, an available agent, and the clock at `at`. */
async function withHours(at: string) {
  const h = coreHarness();
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  h.deps.directory = new Directory([{ ...support, hours }, ...rest], testSeed.queues);
  h.clock.set(new Date(at));
  await h.addAgent({ id: 'alice' });
  return h;
}

async function sent(h: ReturnType<typeof coreHarness>) {
  for (const { message } of h.queue.sent.filter((s) => s.queue === 'sms-outbound')) {
    await deliverOutbound(h.deps, message.body as Message, { deliveryCount: 1, maxDeliveryCount: 3 });
  }
  return h.sender.sends.map((s) => s.text);
}

describe('outside opening hours', () => {
  it('tells the customer once when the channel opens, and keeps the conversation waiting', async () => {
    // Sunday 22 November 2026, 15:00 in Paris.
    const h = await withHours('2026-11-22T14:00:00Z');
    const first = await receiveInbound(h.deps, h.sms({ text: 'Is anyone there?' }));
    await receiveInbound(h.deps, h.sms({ text: 'Hello?' }));
    expect(await sent(h)).toEqual([
      'Support is closed now. We open again Monday 23 November at 09:00; your message is kept and we will answer then.',
    ]);
    expect(await assignQueue(h.deps, 'general')).toEqual({ assigned: [] });
    expect(first).toMatchObject({ status: 'stored', state: 'open' });
  });

  it('says which holiday it is closed for', async () => {
    const h = await withHours('2026-12-25T10:00:00Z');
    await receiveInbound(h.deps, h.sms({ text: 'Merry Christmas, my gift broke' }));
    expect(await sent(h)).toEqual([
      'Support is closed today (Noël). We open again Monday 28 December at 09:00; your message is kept and we will answer then.',
    ]);
  });

  it('gives the waiting conversations to agents at opening', async () => {
    const h = await withHours('2026-11-22T14:00:00Z');
    const first = await receiveInbound(h.deps, h.sms({ text: 'Is anyone there?' }));
    expect(await assignAtOpening(h.deps)).toEqual({ queues: [] });
    h.clock.set(new Date('2026-11-23T08:00:00Z'));
    expect(await assignAtOpening(h.deps)).toEqual({ queues: ['general'] });
    expect(h.queue.on('sms-assignment').at(-1)?.body).toEqual({ queueId: 'general', reason: 'channel open' });
    const { assigned } = await assignQueue(h.deps, 'general');
    expect(assigned).toEqual([
      { conversationId: first.status === 'stored' ? first.conversationId : '', agentId: 'alice' },
    ]);
  });

  it('asks no queue to assign at opening when nothing waits on the channel', async () => {
    const h = await withHours('2026-11-23T10:00:00Z');
    await h.store.createConversation(
      aConversation({ id: 'elsewhere', channelId: 'alerts', queueId: 'billing' }),
    );
    expect(await assignAtOpening(h.deps)).toEqual({ queues: [] });
  });

  it('says nothing during opening hours', async () => {
    const h = await withHours('2026-11-23T10:00:00Z');
    await receiveInbound(h.deps, h.sms({ text: 'Hi' }));
    expect(await sent(h)).toEqual([]);
    expect((await assignQueue(h.deps, 'general')).assigned).toHaveLength(1);
  });
});
