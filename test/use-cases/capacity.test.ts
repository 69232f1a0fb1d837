import { describe, expect, it } from 'vitest';
import { ConcurrencyError, ValidationError } from '../../shared/errors.js';
import {
  releaseCapacity,
  releaseStaleCapacity,
  reserveCapacity,
} from '../../shared/use-cases/agent-capacity.js';
import { retryOnConflict } from '../../shared/use-cases/optimistic.js';
import { aConversation } from '../support/builders.js';
import { coreHarness } from '../support/core.js';

describe('a read-modify-write that meets another writer', () => {
  it('is tried again until it wins, and gives what the winning attempt gave', async () => {
    let attempts = 0;
    const result = await retryOnConflict(async () => {
      attempts += 1;
      if (attempts < 3) throw new ConcurrencyError('etag mismatch');
      return `won on attempt ${attempts}`;
    });
    expect(result).toBe('won on attempt 3');
  });

  it('gives up after 20 attempts by default, with the last conflict', async () => {
    let attempts = 0;
    const outcome = retryOnConflict(async () => {
      attempts += 1;
      throw new ConcurrencyError(`conflict ${attempts}`);
    });
    await expect(outcome).rejects.toThrow('conflict 20');
    expect(attempts).toBe(20);
  });

  it('gives up after as many attempts as the caller allows', async () => {
    let attempts = 0;
    await expect(
      retryOnConflict(async () => {
        attempts += 1;
        throw new ConcurrencyError('conflict');
      }, 2),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(attempts).toBe(2);
  });

  it('is not tried again for any other error', async () => {
    let attempts = 0;
    await expect(
      retryOnConflict(async () => {
        attempts += 1;
        throw new ValidationError('the input is wrong');
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(attempts).toBe(1);
  });
});

describe("an agent's capacity", () => {
  it('is reserved for a conversation, from now', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', capacity: 2 });
    expect(await reserveCapacity(h.deps, 'alice', 'conv-1', { requireAvailable: true })).toBe(true);
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([
      { conversationId: 'conv-1', since: '2026-11-23T09:00:00.000Z' },
    ]);
  });

  it('is reserved once per conversation: asking again holds what is held', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', capacity: 1 });
    await reserveCapacity(h.deps, 'alice', 'conv-1', { requireAvailable: true });
    expect(await reserveCapacity(h.deps, 'alice', 'conv-1', { requireAvailable: true })).toBe(true);
    expect((await h.store.getAgent('alice'))?.value.assignments).toHaveLength(1);
  });

  it('is never pushed past the agent’s limit', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', capacity: 2 });
    await reserveCapacity(h.deps, 'alice', 'conv-1', { requireAvailable: true });
    await reserveCapacity(h.deps, 'alice', 'conv-2', { requireAvailable: true });
    expect(await reserveCapacity(h.deps, 'alice', 'conv-3', { requireAvailable: false })).toBe(false);
    expect((await h.store.getAgent('alice'))?.value.assignments.map((a) => a.conversationId)).toEqual([
      'conv-1',
      'conv-2',
    ]);
  });

  it('is reserved for an agent who is away only when availability is not required', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', presence: 'away' });
    expect(await reserveCapacity(h.deps, 'alice', 'conv-1', { requireAvailable: true })).toBe(false);
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
    expect(await reserveCapacity(h.deps, 'alice', 'conv-1', { requireAvailable: false })).toBe(true);
  });

  it('of an agent who does not exist is never reserved nor released', async () => {
    const h = coreHarness();
    expect(await reserveCapacity(h.deps, 'zed', 'conv-1', { requireAvailable: false })).toBe(false);
    expect(await releaseCapacity(h.deps, 'zed', 'conv-1')).toBe(false);
    expect(await releaseStaleCapacity(h.deps, 'zed')).toEqual([]);
  });

  it('is given back for one conversation, the others kept', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', capacity: 3 });
    await reserveCapacity(h.deps, 'alice', 'conv-1', { requireAvailable: true });
    await reserveCapacity(h.deps, 'alice', 'conv-2', { requireAvailable: true });
    expect(await releaseCapacity(h.deps, 'alice', 'conv-1')).toBe(true);
    expect((await h.store.getAgent('alice'))?.value.assignments.map((a) => a.conversationId)).toEqual([
      'conv-2',
    ]);
    expect(await releaseCapacity(h.deps, 'alice', 'conv-1')).toBe(false);
  });

  it('held by a conversation that never came or moved on is given back once five minutes old', async () => {
    const h = coreHarness();
    await h.addAgent({
      id: 'alice',
      capacity: 5,
      assignments: [
        // Old enough, and: never created; closed; given to someone else; still hers.
        { conversationId: 'never', since: '2026-11-23T08:55:00.000Z' },
        { conversationId: 'closed', since: '2026-11-23T08:50:00.000Z' },
        { conversationId: 'bobs', since: '2026-11-23T08:50:00.000Z' },
        { conversationId: 'hers', since: '2026-11-23T08:50:00.000Z' },
        // In progress: reserved a moment ago, its conversation not written yet.
        { conversationId: 'recent', since: '2026-11-23T08:55:00.001Z' },
      ],
    });
    await h.store.createConversation(aConversation({ id: 'closed', state: 'closed', agentId: 'alice' }));
    await h.store.createConversation(aConversation({ id: 'bobs', state: 'active', agentId: 'bob' }));
    await h.store.createConversation(aConversation({ id: 'hers', state: 'active', agentId: 'alice' }));
    expect(await releaseStaleCapacity(h.deps, 'alice')).toEqual(['never', 'closed', 'bobs']);
    expect((await h.store.getAgent('alice'))?.value.assignments.map((a) => a.conversationId)).toEqual([
      'hers',
      'recent',
    ]);
    const released = h.logs.filter((line) => line.includes('"agent.stale-capacity-released"'));
    expect(released).toHaveLength(3);
    expect(released[0]).toContain('"conversationId":"never"');
    expect(released[0]).toContain('"agentId":"alice"');
  });

  it('already given back by another instance is not reported as released again', async () => {
    const h = coreHarness();
    await h.addAgent({
      id: 'alice',
      assignments: [{ conversationId: 'never', since: '2026-11-23T08:00:00.000Z' }],
    });
    const stale = await h.store.getAgent('alice');
    await releaseCapacity(h.deps, 'alice', 'never');
    // This instance read the agent before the other one released it.
    const getAgent = h.store.getAgent.bind(h.store);
    let reads = 0;
    h.store.getAgent = async (id) => {
      reads += 1;
      return reads === 1 ? stale : getAgent(id);
    };
    expect(await releaseStaleCapacity(h.deps, 'alice')).toEqual(['never']);
    expect(h.logs.filter((line) => line.includes('agent.stale-capacity-released'))).toEqual([]);
  });
});
