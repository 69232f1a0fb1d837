import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../shared/domain/live.js';
import type { Message } from '../../shared/domain/message.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { withLiveUpdates } from '../../shared/use-cases/live-changes.js';
import { coreHarness } from '../support/core.js';

describe('changes published as they are written', () => {
  it('tells the queue and the supervisors of a new conversation, then the agent who is given it', async () => {
    const h = coreHarness();
    const published: { groups: string[]; message: LiveMessage }[] = [];
    h.deps.store = withLiveUpdates(
      h.store,
      { publish: async (groups, message) => void published.push({ groups, message }) },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );
    await h.addAgent({ id: 'alice' });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');

    const about = (type: string) => published.filter((p) => p.message.type === type);
    expect(about('conversation.changed')[0]).toEqual({
      groups: ['queue.general', 'supervisors'],
      message: {
        type: 'conversation.changed',
        conversationId: outcome.conversationId,
        queueId: 'general',
        at: '2026-11-23T09:00:00.000Z',
      },
    });
    expect(about('message.added')[0]?.groups).toEqual(['queue.general', 'supervisors']);
    expect(about('conversation.changed').at(-1)?.groups).toEqual([
      'agent.alice',
      'queue.general',
      'supervisors',
    ]);
    // It left the line: the queue hears of it.
    expect(about('queue.changed').map((p) => p.message.queueId)).toEqual(['general', 'general']);
    expect(about('agent.changed').at(-1)?.groups).toEqual(['agent.alice', 'supervisors', 'queue.general']);
  });

  it('logs a failed publish and lets the change stand', async () => {
    const h = coreHarness();
    h.deps.store = withLiveUpdates(
      h.store,
      {
        publish: async () => {
          throw new Error('Web PubSub is down');
        },
      },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );
    const outcome = await receiveInbound(h.deps, h.sms());
    expect(outcome.status).toBe('stored');
    if (outcome.status !== 'stored') return;
    expect((await h.store.getConversation(outcome.conversationId))?.value.state).toBe('open');
    expect(
      h.logs.some((line) => line.includes('live.publish-failed') && line.includes('Web PubSub is down')),
    ).toBe(true);
  });

  it('lets a status change stand when reading its conversation for the groups fails', async () => {
    const h = coreHarness();
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    const reply = { ...(await h.store.listMessages(outcome.conversationId))[0] } as Message;
    const outbound: Message = { ...reply, id: 'reply-1', seq: 2, direction: 'outbound', status: 'queued' };
    const created = await h.store.createMessage(outbound);
    // A store whose conversation reads fail, behind the live wrapper: the write itself succeeds.
    const failingReads = Object.create(h.store) as typeof h.store;
    failingReads.getConversation = async () => {
      throw new Error('Cosmos DB read timed out');
    };
    const published: string[] = [];
    const store = withLiveUpdates(
      failingReads,
      { publish: async (_groups, message) => void published.push(message.type) },
      { clock: h.clock, logger: h.deps.logger, phone: false },
    );

    await expect(store.replaceMessage({ ...outbound, status: 'sent' }, created.etag)).resolves.toBeDefined();
    expect((await h.store.getMessage(outcome.conversationId, 'reply-1'))?.value.status).toBe('sent');
    expect(
      h.logs.some((line) => line.includes('live.publish-failed') && line.includes('read timed out')),
    ).toBe(true);
  });
});
