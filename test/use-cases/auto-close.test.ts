import { describe, expect, it } from 'vitest';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { autoCloseIdle } from '../../shared/use-cases/auto-close.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { coreHarness, storeKinds } from '../support/core.js';

const minutes = (n: number) => n * 60_000;

describe.each(storeKinds)('auto-close (%s)', (_kind, makeStore) => {
  it('closes a conversation idle longer than its channel limit and frees the agent', async () => {
    const h = coreHarness(makeStore());
    await h.addAgent({ id: 'alice', capacity: 1 });
    const outcome = await receiveInbound(h.deps, h.sms());
    if (outcome.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');

    h.clock.advance(minutes(30));
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [] });
    h.clock.advance(1);
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [outcome.conversationId] });

    const conversation = (await h.store.getConversation(outcome.conversationId))?.value;
    expect(conversation?.state).toBe('closed');
    expect(conversation?.history.at(-1)).toMatchObject({
      by: 'system',
      reason: 'auto-close: idle for more than 30 minutes',
    });
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
  });

  it('counts idleness from the last message, not from the start', async () => {
    const h = coreHarness(makeStore());
    await receiveInbound(h.deps, h.sms());
    h.clock.advance(minutes(25));
    await receiveInbound(h.deps, h.sms());
    h.clock.advance(minutes(25));
    expect(await autoCloseIdle(h.deps)).toEqual({ closed: [] });
  });

  it('closes nothing twice', async () => {
    const h = coreHarness(makeStore());
    await receiveInbound(h.deps, h.sms());
    h.clock.advance(minutes(31));
    expect((await autoCloseIdle(h.deps)).closed).toHaveLength(1);
    expect((await autoCloseIdle(h.deps)).closed).toHaveLength(0);
  });
});
