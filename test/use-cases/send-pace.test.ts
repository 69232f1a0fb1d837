import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import type { SenderNumber } from '../../shared/domain/phone.js';
import { numberType } from '../../shared/domain/sender-pace.js';
import { SendError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { replyToCustomer } from '../../shared/use-cases/conversations.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { rateFor, reserveSendSlot } from '../../shared/use-cases/send-pace.js';
import { coreHarness, storeKinds, testSeed } from '../support/core.js';

const support = testSeed.channels[0];
if (!support) throw new Error('the test seed has a support channel');

describe('number types', () => {
  it.each([
    ['+14255550100', 'long-code'],
    ['+18005550100', 'toll-free'],
    ['+18885550100', 'toll-free'],
    ['12345', 'short-code'],
    ['123456', 'short-code'],
  ])('%s is a %s', (number, type) => {
    expect(numberType(number)).toBe(type);
  });

  it('set the rate unless the channel names one', () => {
    const rates = { longCode: 1, tollFree: 3, shortCode: 100 };
    expect(rateFor(rates, support, '+14255550100')).toBe(1);
    expect(rateFor(rates, support, '+18005550100')).toBe(3);
    expect(rateFor(rates, support, '12345')).toBe(100);
    expect(rateFor(rates, { ...support, sendRatePerSecond: 25 }, '+14255550100')).toBe(25);
  });

  it('set the rate by the type the admin gave a number, not by what the number looks like', () => {
    const rates = { longCode: 1, tollFree: 3, shortCode: 100 };
    const numbers = [
      { number: '+14255550100' as SenderNumber, type: 'toll-free' as const },
      { number: '+18005550100' as SenderNumber, type: 'long-code' as const },
    ];
    expect(rateFor(rates, { ...support, numbers }, '+14255550100')).toBe(3);
    expect(rateFor(rates, { ...support, numbers }, '+18005550100')).toBe(1);
  });
});

describe.each(storeKinds)('send slots (%s)', (_kind, makeStore) => {
  it('are spaced by the rate, and the first is now', async () => {
    const h = coreHarness(makeStore());
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await reserveSendSlot(h.deps, '+18005550100', 4));
    expect(waits).toEqual([0, 250, 500, 750]);
  });

  it('are never closer than the rate, when it does not divide a second into whole milliseconds: three a second are 333.334 ms apart (rounded up to the microsecond), so no second holds four', async () => {
    const h = coreHarness(makeStore());
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await reserveSendSlot(h.deps, '+18005550100', 3));
    expect(waits[0]).toBe(0);
    // The record keeps epoch milliseconds, whose doubles hold a fraction to about 0.25 µs.
    expect(waits[1]).toBeCloseTo(333.334, 3);
    expect(waits[2]).toBeCloseTo(666.668, 3);
    expect(waits[3]).toBeCloseTo(1000.002, 3);
    expect(waits[3]).toBeGreaterThan(1000);
  });

  it('say the wait to the fraction of a millisecond: at 1000 a second (ten lanes, slots 1000/991 ms apart), a slot taken 0.4 ms after the last is 0.61 ms off', async () => {
    const h = coreHarness(makeStore());
    expect(await reserveSendSlot(h.deps, '+14255550100', 1000)).toBe(0);
    h.clock.advance(0.4);
    expect(await reserveSendSlot(h.deps, '+14255550100', 1000)).toBeCloseTo(0.61, 3);
  });

  it('never fall on a moment already past: a send late by half a millisecond pushes the next slot on', async () => {
    const h = coreHarness(makeStore());
    expect(await reserveSendSlot(h.deps, '+14255550100', 100)).toBe(0);
    h.clock.advance(10.5);
    // The slot at 10 ms was missed: the next is now, and the one after 10 ms from now.
    expect(await reserveSendSlot(h.deps, '+14255550100', 100)).toBe(0);
    expect(await reserveSendSlot(h.deps, '+14255550100', 100)).toBeCloseTo(10, 3);
  });

  it('read a record written before slots had microseconds by its whole-millisecond time', async () => {
    const h = coreHarness(makeStore());
    const at = h.clock.nowMs();
    await h.deps.store.putSenderPace(
      { number: '+14255550100', nextSlotAt: new Date(at + 7).toISOString() },
      null,
    );
    expect(await reserveSendSlot(h.deps, '+14255550100', 100)).toBe(7);
  });

  it('are never shared, however many senders reserve at once', async () => {
    const h = coreHarness(makeStore());
    const waits = await Promise.all(
      Array.from({ length: 10 }, () => reserveSendSlot(h.deps, '+14255550100', 1)),
    );
    expect([...waits].sort((a, b) => a - b)).toEqual([
      0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000,
    ]);
  });

  it('are kept per number', async () => {
    const h = coreHarness(makeStore());
    expect(await reserveSendSlot(h.deps, '+14255550100', 1)).toBe(0);
    expect(await reserveSendSlot(h.deps, '+14255550199', 1)).toBe(0);
  });

  it('do not pile up once time has passed', async () => {
    const h = coreHarness(makeStore());
    await reserveSendSlot(h.deps, '+14255550100', 1);
    h.clock.advance(5000);
    expect(await reserveSendSlot(h.deps, '+14255550100', 1)).toBe(0);
  });
});

describe('delivering at the number pace', () => {
  it('waits for each slot before sending: a long code sends one message a second', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    const start = h.clock.now().getTime();
    for (const text of ['one', 'two', 'three']) {
      await replyToCustomer(h.deps, { conversationId: outcome.conversationId, agentId: 'alice', text });
      const message = h.queue.on('sms-outbound').at(-1)?.body;
      await deliverOutbound(h.deps, message as never, { deliveryCount: 1, maxDeliveryCount: 3 });
    }
    expect(h.sender.sends.map((s) => s.text)).toEqual(['one', 'two', 'three']);
    expect(h.clock.now().getTime() - start).toBe(2000);
  });

  it('paces a number by the type the admin gave it: a number marked toll-free sends three a second, though it reads as a long code', async () => {
    const h = coreHarness();
    const [, alerts] = testSeed.channels;
    if (!alerts) throw new Error('the test seed has an alerts channel');
    const tollFree = {
      ...support,
      numbers: [{ number: support.numbers[0]?.number as SenderNumber, type: 'toll-free' as const }],
    };
    h.deps.directory = new Directory([tollFree, alerts], testSeed.queues);
    await h.addAgent({ id: 'alice' });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    const start = h.clock.nowMs();
    for (const text of ['one', 'two', 'three', 'four']) {
      await replyToCustomer(h.deps, { conversationId: outcome.conversationId, agentId: 'alice', text });
      const message = h.queue.on('sms-outbound').at(-1)?.body;
      await deliverOutbound(h.deps, message as never, { deliveryCount: 1, maxDeliveryCount: 3 });
    }
    expect(h.sender.sends).toHaveLength(4);
    // Four sends at three a second take just over a second of the manual clock (slots 333.334 ms
    // apart); as the long code the number reads as, they would take three.
    expect(h.clock.nowMs() - start).toBeCloseTo(1000.002, 3);
  });

  async function replyWaiting(slotsTaken: number) {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    await replyToCustomer(h.deps, { conversationId: outcome.conversationId, agentId: 'alice', text: 'Soon' });
    // Other consumers took the number's next slots, one a second.
    for (let i = 0; i < slotsTaken; i++) await reserveSendSlot(h.deps, '+14255550100', 1);
    const message = h.queue.on('sms-outbound').at(-1)?.body;
    return {
      h,
      deliver: () => deliverOutbound(h.deps, message as never, { deliveryCount: 1, maxDeliveryCount: 3 }),
    };
  }

  it('holds a consumer for a slot up to ten seconds off, and sends then', async () => {
    const { h, deliver } = await replyWaiting(10);
    const start = h.clock.now().getTime();
    expect(await deliver()).toMatchObject({ status: 'sent' });
    expect(h.clock.now().getTime() - start).toBe(10_000);
  });

  it('hands a message whose slot is further off back to the queue, rate-limited, saying how long, without waiting or sending', async () => {
    const { h, deliver } = await replyWaiting(11);
    const start = h.clock.now().getTime();
    const refused = deliver();
    await expect(refused).rejects.toBeInstanceOf(SendError);
    await expect(refused).rejects.toMatchObject({
      kind: 'rate-limited',
      message: 'the sending number is busy; its next free slot is in 11 s',
      retryAfterMs: 11_000,
    });
    expect(h.clock.now().getTime()).toBe(start);
    expect(h.sender.sends).toEqual([]);
  });
});
