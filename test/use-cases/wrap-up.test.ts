import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/access.js';
import type { Queue } from '../../shared/domain/channel.js';
import { Directory } from '../../shared/domain/directory.js';
import { ValidationError } from '../../shared/errors.js';
import { putQueue } from '../../shared/use-cases/admin-configuration.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { endConversation } from '../../shared/use-cases/conversations.js';
import { dayFigures } from '../../shared/use-cases/figures.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { listQueueViews } from '../../shared/use-cases/workspace.js';
import { coreHarness, storeKinds, testSeed } from '../support/core.js';

const general: Queue = {
  id: 'general',
  name: 'General',
  distribution: 'push',
  wrapUp: {
    codes: [
      { code: 'resolved', label: 'Resolved' },
      { code: 'refund', label: 'Refund issued' },
    ],
    required: true,
  },
};
const billing: Queue = { id: 'billing', name: 'Billing', distribution: 'push' };

describe.each(storeKinds)('wrap-up on ending a conversation (%s)', (_kind, makeStore) => {
  async function withConversations(count = 1, queues: Queue[] = [general, billing]) {
    const h = coreHarness(makeStore());
    h.deps.directory = new Directory(testSeed.channels, queues);
    await h.addAgent({ id: 'alice', capacity: 5 });
    const ids: string[] = [];
    for (let n = 0; n < count; n += 1) {
      const outcome = await receiveInbound(
        h.deps,
        h.sms({ from: `+1425555011${n}`, text: 'My order is late' }),
      );
      if (outcome.status !== 'stored') throw new Error('not stored');
      ids.push(outcome.conversationId);
    }
    await assignQueue(h.deps, 'general');
    return { h, ids };
  }

  it("gives an agent each of their queues' codes and whether one is required (the End dialog's list)", async () => {
    const { h } = await withConversations(0);
    const alice: Principal = {
      kind: 'user',
      userId: 'alice',
      name: 'Alice',
      roles: ['agent'],
      agentId: 'alice',
    };
    const views = await listQueueViews(h.deps, { ...alice, roles: ['supervisor'], agentId: null });
    expect(views.map(({ id, wrapUp }) => ({ id, wrapUp }))).toEqual([
      { id: 'general', wrapUp: { codes: general.wrapUp?.codes, required: true } },
      { id: 'billing', wrapUp: { codes: [], required: false } },
    ]);
    expect((await listQueueViews(h.deps, alice)).find((q) => q.id === 'general')?.wrapUp.required).toBe(true);
  });

  it('records the code (with its label) and the note with the end, in one write', async () => {
    const { h, ids } = await withConversations();
    const conversationId = ids[0] ?? '';
    const ended = await endConversation(h.deps, {
      conversationId,
      agentId: 'alice',
      wrapUpCode: 'refund',
      note: '  Refunded the shipping fee.  ',
    });
    expect(ended.state).toBe('wrap-up');
    expect(ended.wrapUp).toEqual({
      code: 'refund',
      label: 'Refund issued',
      note: 'Refunded the shipping fee.',
      at: '2026-11-23T09:00:00.000Z',
      by: 'agent:alice',
    });
    expect((await h.store.getConversation(conversationId))?.value.wrapUp?.code).toBe('refund');
  });

  it("puts the code, label and note on the 'ended' integration event", async () => {
    const { h, ids } = await withConversations();
    await endConversation(h.deps, {
      conversationId: ids[0] ?? '',
      agentId: 'alice',
      wrapUpCode: 'resolved',
      note: 'Sent tracking',
    });
    const ended = (await h.store.pendingEvents(100))
      .map((p) => p.event)
      .find((e) => e.type === 'conversation.ended');
    expect(ended?.data).toMatchObject({
      state: 'wrap-up',
      wrapUpCode: 'resolved',
      wrapUpLabel: 'Resolved',
      wrapUpNote: 'Sent tracking',
    });
  });

  it('refuses an end without a code when the queue requires one, naming the codes, and changes nothing', async () => {
    const { h, ids } = await withConversations();
    const conversationId = ids[0] ?? '';
    const before = await h.store.getConversation(conversationId);
    const refusal = endConversation(h.deps, { conversationId, agentId: 'alice', note: 'done' });
    await expect(refusal).rejects.toBeInstanceOf(ValidationError);
    await expect(refusal).rejects.toThrow(
      'queue general requires a wrap-up code to end a conversation: one of resolved, refund',
    );
    const after = await h.store.getConversation(conversationId);
    expect(after?.etag).toBe(before?.etag);
    expect(after?.value.state).toBe('active');
  });

  it('refuses a code that is not in the queue list, and a blank code counts as none', async () => {
    const { h, ids } = await withConversations();
    const conversationId = ids[0] ?? '';
    await expect(
      endConversation(h.deps, { conversationId, agentId: 'alice', wrapUpCode: 'Resolved' }),
    ).rejects.toThrow("wrap-up code Resolved is not in queue general's list: resolved, refund");
    await expect(
      endConversation(h.deps, { conversationId, agentId: 'alice', wrapUpCode: '  ' }),
    ).rejects.toThrow('requires a wrap-up code');
    expect((await h.store.getConversation(conversationId))?.value.state).toBe('active');
  });

  it('refuses a note over 1000 characters or of control characters', async () => {
    const { h, ids } = await withConversations();
    const conversationId = ids[0] ?? '';
    await expect(
      endConversation(h.deps, {
        conversationId,
        agentId: 'alice',
        wrapUpCode: 'resolved',
        note: 'a'.repeat(1001),
      }),
    ).rejects.toThrow('note has 1001 characters; the limit is 1000');
    await expect(
      endConversation(h.deps, { conversationId, agentId: 'alice', wrapUpCode: 'resolved', note: 'a\u0007b' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('on a queue without codes: ends with nothing, or with a note alone; a code is refused', async () => {
    const { h, ids } = await withConversations(3, [{ ...general, wrapUp: undefined } as Queue, billing]);
    const [first, second, third] = ids as [string, string, string];
    expect(
      (await endConversation(h.deps, { conversationId: first, agentId: 'alice' })).wrapUp,
    ).toBeUndefined();
    expect(
      (await endConversation(h.deps, { conversationId: second, agentId: 'alice', note: 'Called back' }))
        .wrapUp,
    ).toEqual({
      note: 'Called back',
      at: '2026-11-23T09:00:00.000Z',
      by: 'agent:alice',
    });
    await expect(
      endConversation(h.deps, { conversationId: third, agentId: 'alice', wrapUpCode: 'resolved' }),
    ).rejects.toThrow('queue general has no wrap-up codes; resolved is not one');
  });

  it("counts each code per queue in the supervisor's figures", async () => {
    const { h, ids } = await withConversations(3);
    const [first, second, third] = ids as [string, string, string];
    await endConversation(h.deps, { conversationId: first, agentId: 'alice', wrapUpCode: 'resolved' });
    await endConversation(h.deps, { conversationId: second, agentId: 'alice', wrapUpCode: 'resolved' });
    await endConversation(h.deps, { conversationId: third, agentId: 'alice', wrapUpCode: 'refund' });
    const figures = await dayFigures(h.deps, '2026-11-23');
    expect(figures.queues.find((q) => q.queueId === 'general')?.wrapUpCodes).toEqual({
      resolved: 2,
      refund: 1,
    });
    expect(figures.queues.find((q) => q.queueId === 'billing')?.wrapUpCodes).toEqual({});
  });
});

describe("a queue's wrap-up list, as an admin sets it", () => {
  it('is saved with the queue, and refused with duplicate codes, codes with spaces, or required with no code', async () => {
    const h = coreHarness();
    await h.deps.store.putConfiguration({ channels: testSeed.channels, queues: testSeed.queues }, null);
    const saved = await putQueue(h.deps, 'billing', {
      name: 'Billing',
      wrapUp: { codes: [{ code: 'refund', label: 'Refund issued' }], required: true },
    });
    expect(saved.wrapUp).toEqual({ codes: [{ code: 'refund', label: 'Refund issued' }], required: true });
    const refused = async (wrapUp: unknown) => {
      const error = await putQueue(h.deps, 'billing', { name: 'Billing', wrapUp }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    };
    expect(
      await refused({
        codes: [
          { code: 'refund', label: 'A' },
          { code: 'refund', label: 'B' },
        ],
      }),
    ).toContain('wrapUp.codes.1.code: duplicate code refund');
    expect(await refused({ codes: [{ code: 'no refund', label: 'A' }] })).toContain('wrapUp.codes.0.code');
    expect(await refused({ codes: [], required: true })).toContain(
      'wrapUp.required: a required wrap-up needs at least one code',
    );
  });
});
