import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { assignQueue, worthTelling } from '../../shared/use-cases/assign.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { coreHarness, testSeed } from '../support/core.js';

const customers = ['+14255550121', '+14255550122', '+14255550123', '+14255550124', '+14255550125'];

async function lineOfFive(enabled: boolean) {
  const h = coreHarness();
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  const automatedMessages = { ...support.automatedMessages, queued: { enabled } };
  h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
  for (const from of customers) {
    await receiveInbound(h.deps, h.sms({ from, text: 'hello' }));
    h.clock.advance(1000);
  }
  return h;
}

async function told(h: ReturnType<typeof coreHarness>) {
  const sent = h.queue.sent.filter((s) => s.queue === 'sms-outbound').map((s) => s.message.body as Message);
  for (const message of sent)
    await deliverOutbound(h.deps, message, { deliveryCount: 1, maxDeliveryCount: 3 });
  return h.sender.sends.map((s) => `${s.to} ${s.text.replace(/ An agent.*/, '')}`);
}

describe('telling customers their place in the queue', () => {
  it('tells each waiting customer their place once, even when nobody is available', async () => {
    const h = await lineOfFive(true);
    await assignQueue(h.deps, 'general');
    await assignQueue(h.deps, 'general');
    expect(await told(h)).toEqual(customers.map((c, i) => `${c} You are number ${i + 1} in the queue.`));
  });

  it('tells them again when the line moves meaningfully, not on every change', async () => {
    const h = await lineOfFive(true);
    await assignQueue(h.deps, 'general');
    await h.addAgent({ id: 'alice', capacity: 1 });
    await assignQueue(h.deps, 'general');
    // The first customer went to alice: 2 -> 1, 3 -> 2, 4 -> 3 moved enough; 5 -> 4 did not (a quarter of 5 is 2).
    expect((await told(h)).slice(5)).toEqual([
      `${customers[1]} You are number 1 in the queue.`,
      `${customers[2]} You are number 2 in the queue.`,
      `${customers[3]} You are number 3 in the queue.`,
    ]);
  });

  it('says nothing on channels that do not ask for it', async () => {
    const h = await lineOfFive(false);
    await assignQueue(h.deps, 'general');
    expect(await told(h)).toEqual([]);
  });

  it.each([
    [undefined, 7, true],
    [8, 7, false],
    [8, 6, true],
    [2, 1, true],
    [1, 1, false],
    [3, 4, false],
  ])('from %s to %s is worth telling: %s', (previous, position, expected) => {
    expect(worthTelling(previous, position)).toBe(expected);
  });
});
