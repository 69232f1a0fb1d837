import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/domain/message.js';
import type { PacingClock } from '../../shared/ports.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { replyToCustomer } from '../../shared/use-cases/conversations.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { coreHarness, storeKinds } from '../support/core.js';

/** A small seeded generator: every run plays the same rounds, and a failure can be replayed. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Fictional numbers (555-01xx) in two area codes. */
const customerNumbers = ['+1206555', '+1212555'].flatMap((prefix) =>
  Array.from({ length: 98 }, (_, i) => `${prefix}0${String(101 + i)}`),
);

const ROUNDS = 40;
const CUSTOMERS_PER_ROUND = 3;

/**
 * The race of issue 12: replies are queued for several customers; the outbound worker sends them
 * one at a time at the number's pace (one a second); while a reply waits for its slot, its
 * customer's STOP is processed. Whatever the interleaving, from the moment that STOP has been
 * accepted, nothing but its confirmation may reach that number.
 */
describe.each(storeKinds)('consent against queued replies (%s)', (_kind, makeStore) => {
  it(`no reply reaches a number after its STOP was accepted, over ${ROUNDS} rounds`, async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 1000 });
    const random = seeded(20_261_201);
    const stopAccepted = new Set<string>();
    const violations: string[] = [];
    let pendingStops: string[] = [];
    let stops = 0;

    // The fake provider notes every send made to a number whose STOP was already accepted.
    const send = h.sender.send.bind(h.sender);
    h.sender.send = async (request) => {
      if (stopAccepted.has(request.to) && !request.idempotencyKey.endsWith(':reply')) {
        violations.push(`${request.to}: ${request.text}`);
      }
      return send(request);
    };
    // While a send waits for its pace slot, a customer's STOP may arrive and be processed.
    const pacing: PacingClock = {
      now: () => h.clock.now(),
      nowMs: () => h.clock.nowMs(),
      sleep: async (ms) => {
        if (pendingStops.length > 0 && random() < 0.5) {
          const index = Math.floor(random() * pendingStops.length);
          const [customer] = pendingStops.splice(index, 1);
          if (customer) {
            const outcome = await receiveInbound(h.deps, h.sms({ from: customer, text: 'STOP' }));
            expect(outcome.status).toBe('stored');
            stopAccepted.add(customer);
            stops += 1;
          }
        }
        h.clock.advance(ms);
      },
    };
    h.deps.pacingClock = pacing;

    let delivered = 0;
    const drainOutbound = async () => {
      for (
        let next = h.queue.on('sms-outbound')[delivered];
        next;
        next = h.queue.on('sms-outbound')[delivered]
      ) {
        delivered += 1;
        await deliverOutbound(h.deps, next.body as Message, { deliveryCount: 1, maxDeliveryCount: 5 });
      }
    };

    for (let round = 0; round < ROUNDS; round++) {
      const customers = customerNumbers.slice(round * CUSTOMERS_PER_ROUND, (round + 1) * CUSTOMERS_PER_ROUND);
      const conversations: string[] = [];
      for (const customer of customers) {
        const outcome = await receiveInbound(h.deps, h.sms({ from: customer, text: 'Where is my parcel?' }));
        if (outcome.status !== 'stored') throw new Error('the first message was not stored');
        conversations.push(outcome.conversationId);
      }
      await assignQueue(h.deps, 'general');
      // Two or three replies each, interleaved, all queued before any STOP.
      for (let reply = 0; reply < 3; reply++) {
        for (const conversationId of conversations) {
          if (reply === 2 && random() < 0.5) continue;
          await replyToCustomer(h.deps, { conversationId, agentId: 'alice', text: `update ${reply + 1}` });
        }
      }
      pendingStops = [...customers];
      await drainOutbound();
      pendingStops = [];
      h.clock.advance(60_000);
    }

    expect(violations).toEqual([]);
    // The race was run, not dodged: STOPs arrived mid-queue and cut replies off...
    expect(stops).toBeGreaterThan(ROUNDS);
    const refused = h.logs.filter((line) => line.includes('"outbound.refused"')).length;
    expect(refused).toBeGreaterThan(ROUNDS);
    // ...and every STOP got its one confirmation.
    const confirmations = h.sender.sends.filter((s) => s.idempotencyKey.endsWith(':reply'));
    expect(confirmations).toHaveLength(stops);
  });
});
