import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { agentName, sendAutomated } from '../../shared/use-cases/automated.js';
import { aChannel, aConversation, aCustomerState } from '../support/builders.js';
import { coreHarness } from '../support/core.js';

/** The support channel with an ended message naming the agent and the customer. */
async function harness(ended: Record<string, unknown> = { enabled: true }) {
  const h = coreHarness();
  const channel = aChannel({
    automatedMessages: automatedMessagesSchema.parse({
      ended: { text: 'Bye {customerName}, {agentName} closed case {caseNumber}.', ...ended },
    }),
  });
  h.deps.directory = new Directory([channel], [{ id: 'general', name: 'General' }] as never);
  const conversation = aConversation({ customerName: 'Dana', caseNumber: 'C-1042', state: 'closed' });
  await h.store.createConversation(conversation);
  const sent = () =>
    h.queue
      .on('sms-outbound')
      .map((m) => m.body as Message)
      .map((m) => ({ id: m.id, text: m.text, purpose: m.purpose, author: m.author }));
  return { h, conversation, sent };
}

describe("a channel's automated message", () => {
  it("is queued with the event's id, the conversation's values and the message's own", async () => {
    const { h, conversation, sent } = await harness();
    expect(await sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended', { agentName: 'Alice' })).toBe(
      true,
    );
    expect(sent()).toEqual([
      {
        id: 'conv-1:ended',
        text: 'Bye Dana, Alice closed case C-1042.',
        purpose: 'automated',
        author: { kind: 'system' },
      },
    ]);
  });

  it('reads values given as a function only when the message will go', async () => {
    const { h, conversation, sent } = await harness();
    let reads = 0;
    const values = async () => {
      reads += 1;
      return { agentName: 'Alice' };
    };
    expect(await sendAutomated(h.deps, conversation, 'greeting', 'conv-1:greeting', values)).toBe(false);
    expect(reads).toBe(0);
    expect(await sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended', values)).toBe(true);
    expect(reads).toBe(1);
    expect(sent()[0]?.text).toBe('Bye Dana, Alice closed case C-1042.');
  });

  it('is not sent when the channel has it off, or the channel is gone', async () => {
    const { h, conversation, sent } = await harness({ enabled: false });
    expect(await sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended')).toBe(false);
    expect(await sendAutomated(h.deps, { ...conversation, channelId: 'gone' }, 'ended', 'x:ended')).toBe(
      false,
    );
    expect(sent()).toEqual([]);
  });

  it('is sent once for an event that comes again, even long after', async () => {
    const { h, conversation, sent } = await harness();
    await sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended', { agentName: 'Alice' });
    h.queue.sent.length = 0;
    expect(await sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended', { agentName: 'Alice' })).toBe(
      false,
    );
    expect(sent()).toEqual([]);
  });

  it('is never sent to a customer who opted out', async () => {
    const { h, conversation, sent } = await harness();
    await h.store.putCustomer(aCustomerState({ optedOut: true }), null);
    expect(await sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended')).toBe(false);
    expect(sent()).toEqual([]);
  });

  it('is sent to a customer who opted back in', async () => {
    const { h, conversation } = await harness();
    await h.store.putCustomer(aCustomerState({ optedOut: false }), null);
    expect(await sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended')).toBe(true);
  });

  it('reaches the caller when it cannot be queued, so the event is tried again', async () => {
    const { h, conversation } = await harness();
    h.queue.send = async () => {
      throw new Error('Service Bus unavailable');
    };
    await expect(sendAutomated(h.deps, conversation, 'ended', 'conv-1:ended')).rejects.toThrow(
      'Service Bus unavailable',
    );
  });
});

describe("an agent's display name", () => {
  it('is their name, and nothing for no agent or one who is gone', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', name: 'Alice Martin' });
    expect(await agentName(h.deps, 'alice')).toBe('Alice Martin');
    expect(await agentName(h.deps, 'zed')).toBeUndefined();
    expect(await agentName(h.deps, null)).toBeUndefined();
  });
});
