import { describe, expect, it } from 'vitest';
import { Directory } from '../../shared/domain/directory.js';
import { routingRuleSchema } from '../../shared/domain/routing.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness, testSeed } from '../support/core.js';

function routed() {
  const h = coreHarness();
  const [support, ...rest] = testSeed.channels;
  if (!support) throw new Error('no support channel');
  const routing = [
    routingRuleSchema.parse({ when: { keywords: ['refund'] }, queueId: 'billing', skills: ['billing'] }),
  ];
  h.deps.directory = new Directory([{ ...support, routing }, ...rest], testSeed.queues);
  return h;
}

describe('routing a new conversation', () => {
  it('puts it on the queue of the first matching rule, needing the rule skills', async () => {
    const h = routed();
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'I want a refund' }));
    if (outcome.status !== 'stored') throw new Error('not stored');
    expect((await h.store.getConversation(outcome.conversationId))?.value).toMatchObject({
      queueId: 'billing',
      requiredSkills: ['billing'],
    });
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'billing', reason: 'customer message' },
    ]);
  });

  it('gives it only to an agent with the skills, while others still get unskilled work', async () => {
    const h = routed();
    await h.addAgent({ id: 'alice', queueIds: ['general', 'billing'], capacity: 2 });
    const refund = await receiveInbound(h.deps, h.sms({ text: 'refund please' }));
    await receiveInbound(h.deps, h.sms({ from: OTHER_CUSTOMER, text: 'hello' }));
    expect((await assignQueue(h.deps, 'billing')).assigned).toEqual([]);
    expect((await assignQueue(h.deps, 'general')).assigned).toHaveLength(1);
    await h.addAgent({ id: 'bea', queueIds: ['billing'], skills: ['billing'] });
    const { assigned } = await assignQueue(h.deps, 'billing');
    expect(assigned).toEqual([
      { conversationId: refund.status === 'stored' ? refund.conversationId : '', agentId: 'bea' },
    ]);
  });

  it('keeps later messages in the conversation where it is', async () => {
    const h = routed();
    const first = await receiveInbound(h.deps, h.sms({ text: 'hello' }));
    const second = await receiveInbound(h.deps, h.sms({ text: 'and a refund' }));
    expect(second).toMatchObject({ conversationId: first.status === 'stored' ? first.conversationId : 'x' });
    const [conversation] = await h.store.findConversations({});
    expect(conversation?.value.queueId).toBe('general');
  });
});
