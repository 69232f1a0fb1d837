import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/domain/access.js';
import { Directory } from '../../shared/domain/directory.js';
import { hoursSchema } from '../../shared/domain/hours.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { LiveAccess } from '../../shared/ports.js';
import {
  actingAgent,
  requireConversationAccess,
  requireQueueAccess,
  requireRole,
} from '../../shared/use-cases/access.js';
import { AgentIndex } from '../../shared/use-cases/agent-index.js';
import { channelsToStart } from '../../shared/use-cases/channels-to-start.js';
import { negotiateLive } from '../../shared/use-cases/negotiate.js';
import { aChannel, aConversation, anAgent, SUPPORT_NUMBER } from '../support/builders.js';
import { coreHarness } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';
import { refusal } from '../support/thrown.js';

const alice: Principal = {
  kind: 'user',
  userId: 'u-alice',
  name: 'Alice',
  roles: ['agent'],
  agentId: 'alice',
};
const stranger: Principal = { kind: 'user', userId: 'u-eve', name: 'Eve', roles: ['agent'], agentId: null };
const sam: Principal = { kind: 'user', userId: 'u-sam', name: 'Sam', roles: ['supervisor'], agentId: null };
const ada: Principal = { kind: 'user', userId: 'u-ada', name: 'Ada', roles: ['admin'], agentId: null };
const flow: Principal = { kind: 'key', userId: 'function-key', name: 'a flow', roles: [], agentId: null };

describe('a role check', () => {
  it('lets in a caller holding any of the roles wanted', () => {
    expect(() => requireRole(sam, 'admin', 'supervisor')).not.toThrow();
  });

  it('refuses a caller without them, naming what was needed and what they have', async () => {
    const error = await refusal(() => requireRole(alice, 'admin', 'supervisor'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('this needs the admin or supervisor role; Alice has agent');
  });

  it('lists every role the caller has', async () => {
    const error = await refusal(() => requireRole({ ...alice, roles: ['agent', 'notifier'] }, 'admin'));
    expect(error.message).toBe('this needs the admin role; Alice has agent, notifier');
  });

  it('says "none" for a caller with no role at all', async () => {
    const error = await refusal(() => requireRole(flow, 'notifier'));
    expect(error.message).toBe('this needs the notifier role; a flow has none');
  });
});

describe('the agent a call acts as', () => {
  it('is the signed-in agent themselves, named or not', () => {
    expect(actingAgent(alice, undefined)).toBe('alice');
    expect(actingAgent(alice, 'alice')).toBe('alice');
  });

  it('is never someone else for an agent', async () => {
    const error = await refusal(() => actingAgent(alice, 'bob'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('you are agent alice; you cannot act as bob');
  });

  it('is the agent a supervisor or admin names', () => {
    expect(actingAgent(sam, 'bob')).toBe('bob');
    expect(actingAgent(ada, 'alice')).toBe('alice');
  });

  it('must be named by a supervisor', async () => {
    const error = (await refusal(() => actingAgent(sam, undefined))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('agentId is needed: a supervisor or admin acts for a named agent');
    expect(error.issues).toEqual([{ path: 'agentId', message: 'required' }]);
  });

  it('is refused to a caller without the agent role', async () => {
    const error = await refusal(() => actingAgent(flow, 'alice'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('needs the agent role');
  });

  it('is refused to a person no agent record is linked to', async () => {
    const error = await refusal(() => actingAgent(stranger, undefined));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe("Eve signs in as no agent (an admin sets the agent's userId)");
  });
});

describe('access to a queue', () => {
  it('is every queue for supervisors and admins, agent record or not', async () => {
    const h = coreHarness();
    await requireQueueAccess(h.deps, sam, 'billing');
    await requireQueueAccess(h.deps, ada, 'general');
  });

  it("is an agent's own queues", async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    await requireQueueAccess(h.deps, alice, 'general');
    const error = await refusal(() => requireQueueAccess(h.deps, alice, 'billing'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('agent alice is not a member of queue billing');
  });

  it('is refused when the agent signed in as was removed', async () => {
    const h = coreHarness();
    const error = await refusal(() => requireQueueAccess(h.deps, alice, 'general'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('agent alice does not exist');
  });
});

describe('access to a conversation', () => {
  it('is given to the agent holding it, in any queue', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    const held = aConversation({ queueId: 'billing', agentId: 'alice', state: 'active' });
    await requireConversationAccess(h.deps, alice, held);
  });

  it('is given in the agent’s queues, to anyone there, held by someone else or not', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    await requireConversationAccess(h.deps, alice, aConversation({ queueId: 'general' }));
    await requireConversationAccess(h.deps, alice, aConversation({ queueId: 'general', agentId: 'bob' }));
  });

  it('is refused in another queue, held by another agent or by no one', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    for (const conversation of [
      aConversation({ queueId: 'billing', agentId: 'bob' }),
      aConversation({ queueId: 'billing' }),
    ]) {
      const error = await refusal(() => requireConversationAccess(h.deps, alice, conversation));
      expect(error).toBeInstanceOf(ForbiddenError);
    }
  });

  it('to an unheld conversation is not given to a person who is no agent', async () => {
    const h = coreHarness();
    const error = await refusal(() =>
      requireConversationAccess(h.deps, stranger, aConversation({ queueId: 'billing', agentId: null })),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('signs in as no agent');
  });

  it('is every conversation for a supervisor', async () => {
    const h = coreHarness();
    await requireConversationAccess(h.deps, sam, aConversation({ queueId: 'billing', agentId: 'bob' }));
  });
});

describe('the channels a caller may start a conversation on', () => {
  const sales = aChannel({
    id: 'sales',
    name: 'Sales',
    numbers: [{ number: '+14255550101' as typeof SUPPORT_NUMBER }],
    defaultQueueId: 'billing',
    agentInitiated: { enabled: true, onlyWhenOpen: true, respectQuietHours: true },
    hours: hoursSchema.parse({ timeZone: 'UTC', weekly: { mon: [{ from: '08:00', to: '17:00' }] } }),
  });
  const archive = aChannel({
    id: 'archive',
    name: 'Archive',
    numbers: [{ number: '+14255550102' as typeof SUPPORT_NUMBER }],
    agentInitiated: { enabled: false, onlyWhenOpen: false, respectQuietHours: true },
  });
  const alerts = aChannel({
    id: 'alerts',
    name: 'Alerts',
    numbers: [{ number: '+14255550199' as typeof SUPPORT_NUMBER }],
    direction: 'outbound-only',
  });
  const support = aChannel({ name: 'Support' });

  function harness() {
    const h = coreHarness();
    h.deps.directory = new Directory([support, sales, archive, alerts], [
      { id: 'general', name: 'General' },
      { id: 'billing', name: 'Billing' },
    ] as ConstructorParameters<typeof Directory>[1]);
    return h;
  }

  it('are the two-way ones agents may text first on, by name, with their queue and whether open', async () => {
    const h = harness();
    // Monday 2026-11-23, 09:00 UTC: inside Sales' hours.
    expect(await channelsToStart(h.deps, sam)).toEqual([
      {
        id: 'sales',
        name: 'Sales',
        numbers: ['+14255550101'],
        queueId: 'billing',
        onlyWhenOpen: true,
        openNow: true,
      },
      {
        id: 'support',
        name: 'Support',
        numbers: [SUPPORT_NUMBER],
        queueId: 'general',
        onlyWhenOpen: false,
        openNow: true,
      },
    ]);
  });

  it('say a channel with opening hours is closed outside them', async () => {
    const h = harness();
    h.clock.set(new Date('2026-11-23T20:00:00.000Z'));
    const sales = (await channelsToStart(h.deps, ada)).find((c) => c.id === 'sales');
    expect(sales?.openNow).toBe(false);
  });

  it("are, for an agent, those whose queue is one of the agent's", async () => {
    const h = harness();
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    expect((await channelsToStart(h.deps, alice)).map((c) => c.id)).toEqual(['support']);
  });

  it('are refused to an agent whose record is gone', async () => {
    const h = harness();
    const error = await refusal(() => channelsToStart(h.deps, alice));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('agent alice does not exist');
  });
});

describe('a live stream', () => {
  class RecordingLiveAccess implements LiveAccess {
    readonly requests: { userId: string; groups: string[]; origin: string }[] = [];
    async clientUrl(request: { userId: string; groups: string[]; origin: string }) {
      this.requests.push(request);
      return `wss://live.example/client?user=${request.userId}`;
    }
  }

  it("joins an agent to their own group and their queues'", async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice', queueIds: ['general', 'billing'] });
    const access = new RecordingLiveAccess();
    const live = await negotiateLive(h.deps, access, alice, { origin: 'https://sms.example', phone: false });
    expect(live.url).toBe('wss://live.example/client?user=u-alice');
    expect(live.groups).toEqual(['agent.alice', 'queue.general', 'queue.billing']);
    expect(access.requests).toEqual([
      { userId: 'u-alice', groups: live.groups, origin: 'https://sms.example' },
    ]);
  });

  it('joins a supervisor to the supervisors and, on the embedded default, the phone simulator', async () => {
    const h = coreHarness();
    const without = await negotiateLive(h.deps, new RecordingLiveAccess(), sam, {
      origin: 'https://sms.example',
      phone: false,
    });
    const withPhone = await negotiateLive(h.deps, new RecordingLiveAccess(), sam, {
      origin: 'http://localhost:7071',
      phone: true,
    });
    expect(without.groups).toEqual(['supervisors']);
    expect(withPhone.groups).toEqual(['supervisors', 'phone']);
  });

  it('joins an agent whose record is gone to their own group only', async () => {
    const h = coreHarness();
    const live = await negotiateLive(h.deps, new RecordingLiveAccess(), alice, {
      origin: 'https://sms.example',
      phone: false,
    });
    expect(live.groups).toEqual(['agent.alice']);
  });
});

describe('which agent a signed-in person is', () => {
  function indexed(now: { ms: number }) {
    const store = new MemoryStore();
    let reads = 0;
    const listAgents = store.listAgents.bind(store);
    store.listAgents = async () => {
      reads += 1;
      return listAgents();
    };
    const index = new AgentIndex(store, () => now.ms);
    return { store, index, reads: () => reads };
  }

  it('is found by the agent’s user id or id, in any case', async () => {
    const now = { ms: 1_000_000 };
    const { store, index } = indexed(now);
    await store.createAgent(anAgent({ id: 'alice', userId: 'Alice@Contoso.example' }));
    await store.createAgent(anAgent({ id: 'bob' }));
    expect(await index.agentFor('alice@contoso.example')).toBe('alice');
    expect(await index.agentFor(undefined, 'BOB')).toBe('bob');
    expect(await index.agentFor('object-id-1', 'ALICE')).toBe('alice');
  });

  it('is no one for a name no agent has', async () => {
    const now = { ms: 1_000_000 };
    const { store, index } = indexed(now);
    await store.createAgent(anAgent({ id: 'alice' }));
    expect(await index.agentFor('mallory', undefined)).toBeNull();
    expect(await index.agentFor()).toBeNull();
  });

  it('is remembered for 30 seconds: the agents are not read on every call', async () => {
    const now = { ms: 1_000_000 };
    const { store, index, reads } = indexed(now);
    await store.createAgent(anAgent({ id: 'alice' }));
    await index.agentFor('alice');
    now.ms += 30_000;
    await index.agentFor('alice');
    expect(reads()).toBe(1);
    now.ms += 1;
    await index.agentFor('alice');
    expect(reads()).toBe(2);
  });

  it('is read again once when not found in an older read (an admin may just have linked them)', async () => {
    const now = { ms: 1_000_000 };
    const { store, index, reads } = indexed(now);
    await index.agentFor('alice');
    expect(reads()).toBe(1);
    await store.createAgent(anAgent({ id: 'alice' }));
    // Within a second of the read: nobody could have linked them since, so no read.
    now.ms += 999;
    expect(await index.agentFor('alice')).toBeNull();
    expect(reads()).toBe(1);
    now.ms += 1;
    expect(await index.agentFor('alice')).toBe('alice');
    expect(reads()).toBe(2);
  });

  it('is read afresh after an admin changed an agent on this instance', async () => {
    const now = { ms: 1_000_000 };
    const { store, index } = indexed(now);
    await store.createAgent(anAgent({ id: 'alice' }));
    expect(await index.agentFor('u-alice')).toBeNull();
    const stored = await store.getAgent('alice');
    if (!stored) throw new Error('alice was created');
    await store.replaceAgent({ ...stored.value, userId: 'u-alice' }, stored.etag);
    index.invalidate();
    expect(await index.agentFor('u-alice')).toBe('alice');
  });
});
