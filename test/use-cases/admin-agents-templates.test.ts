import { describe, expect, it } from 'vitest';
import type { EventType } from '../../shared/domain/integration-event.js';
import type { PoisonEvent } from '../../shared/domain/poison-event.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type {
  EventDelivery,
  EventSubscription,
  EventSubscriptionInput,
  EventSubscriptions,
} from '../../shared/ports.js';
import { deleteAgent, getAgent, listAgents, putAgent } from '../../shared/use-cases/admin-agents.js';
import {
  deleteEventSubscription,
  getEventSubscription,
  listEventDeliveries,
  requireSubscriptions,
  saveEventSubscription,
} from '../../shared/use-cases/admin-event-subscriptions.js';
import {
  deleteTemplate,
  getTemplate,
  listTemplates,
  saveTemplate,
  templateChoices,
} from '../../shared/use-cases/admin-templates.js';
import { listPoisonEvents } from '../../shared/use-cases/poison-events.js';
import { anAgent } from '../support/builders.js';
import { coreHarness } from '../support/core.js';
import { refusal } from '../support/thrown.js';

function loggedEvents(logs: string[]): Record<string, unknown>[] {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('an admin configuring agents', () => {
  it('creates an agent offline, holding nothing, and asks their queues to assign again', async () => {
    const h = coreHarness();
    const agent = await putAgent(h.deps, 'dana', {
      name: 'Dana',
      capacity: 3,
      queueIds: ['general', 'billing'],
      skills: ['spanish'],
    });
    expect(agent).toEqual({
      id: 'dana',
      name: 'Dana',
      capacity: 3,
      queueIds: ['general', 'billing'],
      skills: ['spanish'],
      presence: 'offline',
      assignments: [],
    });
    expect(await getAgent(h.deps, 'dana')).toEqual(agent);
    expect(h.queue.on('sms-assignment').map((m) => m.body)).toEqual([
      { queueId: 'general', reason: 'agent changed' },
      { queueId: 'billing', reason: 'agent changed' },
    ]);
    expect(h.queue.on('sms-assignment').map((m) => m.sessionId)).toEqual(['general', 'billing']);
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ event: 'agent.configured', agentId: 'dana' }),
    );
  });

  it('changes the settings and keeps the presence and conversations held', async () => {
    const h = coreHarness();
    await h.addAgent({
      id: 'alice',
      presence: 'available',
      assignments: [{ conversationId: 'conv-1', since: '2026-11-23T08:00:00.000Z' }],
    });
    const agent = await putAgent(h.deps, 'alice', {
      id: 'alice',
      name: 'Alice Martin',
      capacity: 5,
      queueIds: ['billing'],
    });
    expect(agent).toMatchObject({
      name: 'Alice Martin',
      capacity: 5,
      queueIds: ['billing'],
      presence: 'available',
      assignments: [{ conversationId: 'conv-1', since: '2026-11-23T08:00:00.000Z' }],
    });
    expect((await h.store.getAgent('alice'))?.value).toEqual(agent);
  });

  it('refuses queues that do not exist, naming them', async () => {
    const h = coreHarness();
    const error = (await refusal(() =>
      putAgent(h.deps, 'dana', { name: 'Dana', capacity: 1, queueIds: ['general', 'vip', 'sales'] }),
    )) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe("the agent's queues vip, sales do not exist");
    expect(error.issues).toEqual([{ path: 'queueIds', message: 'unknown queue vip, sales' }]);
    expect(await h.store.getAgent('dana')).toBeUndefined();
  });

  it('refuses a body that is not an agent, or names another agent than the address', async () => {
    const h = coreHarness();
    const notObject = await refusal(() => putAgent(h.deps, 'dana', ['Dana']));
    expect(notObject).toBeInstanceOf(ValidationError);
    expect(notObject.message).toBe('agent must be a JSON object');
    const otherId = await refusal(() =>
      putAgent(h.deps, 'dana', { id: 'erin', name: 'Dana', capacity: 1, queueIds: ['general'] }),
    );
    expect(otherId.message).toBe("the body's id erin is not the agent id dana in the address");
    const invalid = await refusal(() =>
      putAgent(h.deps, 'dana', { name: 'Dana', capacity: 0, queueIds: ['general'] }),
    );
    expect(invalid.message).toMatch(/^the agent is invalid: capacity: /);
    expect(await h.store.getAgent('dana')).toBeUndefined();
  });

  it('lists every agent', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    await h.addAgent({ id: 'bob', name: 'Bob' });
    expect((await listAgents(h.deps)).map((a) => a.id).sort()).toEqual(['alice', 'bob']);
  });

  it('is told an agent that does not exist does not', async () => {
    const h = coreHarness();
    const error = await refusal(() => getAgent(h.deps, 'zed'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('agent zed does not exist');
    const removal = await refusal(() => deleteAgent(h.deps, 'zed'));
    expect(removal).toBeInstanceOf(NotFoundError);
    expect(removal.message).toBe('agent zed does not exist');
  });

  it('removes an agent holding no conversation', async () => {
    const h = coreHarness();
    await h.addAgent({ id: 'alice' });
    await deleteAgent(h.deps, 'alice');
    expect(await h.store.getAgent('alice')).toBeUndefined();
  });

  it('does not remove an agent holding conversations: they would be orphaned', async () => {
    const h = coreHarness();
    await h.store.createAgent(
      anAgent({
        id: 'alice',
        assignments: [
          { conversationId: 'conv-1', since: '2026-11-23T08:00:00.000Z' },
          { conversationId: 'conv-2', since: '2026-11-23T08:30:00.000Z' },
        ],
      }),
    );
    const error = await refusal(() => deleteAgent(h.deps, 'alice'));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('agent alice holds 2 conversation(s); transfer or close them first');
    expect(await h.store.getAgent('alice')).toBeDefined();
  });
});

describe('an admin saving templates', () => {
  const reminder = {
    name: 'Appointment reminder',
    texts: { en: 'Hi {{name}}, see you at {{time}}', fr: 'Bonjour {{name}}' },
  };

  it('saves a first version, with its variables, when and by whom', async () => {
    const h = coreHarness();
    const saved = await saveTemplate(h.deps, 'reminder', reminder, 'ada@contoso.example');
    expect(saved).toEqual({
      id: 'reminder',
      versions: [
        {
          version: 1,
          name: 'Appointment reminder',
          texts: reminder.texts,
          defaultLanguage: 'en',
          variables: ['name', 'time'],
          createdAt: '2026-11-23T09:00:00.000Z',
          createdBy: 'ada@contoso.example',
        },
      ],
    });
    expect(await getTemplate(h.deps, 'reminder')).toEqual(saved);
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ event: 'template.saved', templateId: 'reminder', version: 1 }),
    );
  });

  it('numbers a change after the last version, and lists the version sent now', async () => {
    const h = coreHarness();
    await saveTemplate(h.deps, 'reminder', reminder, 'ada');
    h.clock.advance(60_000);
    const saved = await saveTemplate(h.deps, 'reminder', { name: 'Reminder', texts: 'See you soon' }, 'bo');
    expect(saved.versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await h.store.getTemplate('reminder'))?.value).toEqual(saved);
    expect(await listTemplates(h.deps)).toEqual([{ id: 'reminder', current: saved.versions[1] }]);
    expect(await templateChoices(h.deps)).toEqual([
      { id: 'reminder', name: 'Reminder', version: 2, languages: ['en'], variables: [] },
    ]);
  });

  it('gives a flow each template’s languages and variables', async () => {
    const h = coreHarness();
    await saveTemplate(h.deps, 'reminder', reminder, 'ada');
    expect(await templateChoices(h.deps)).toEqual([
      {
        id: 'reminder',
        name: 'Appointment reminder',
        version: 1,
        languages: ['en', 'fr'],
        variables: ['name', 'time'],
      },
    ]);
  });

  it('refuses an id that is not one and a template without texts', async () => {
    const h = coreHarness();
    const badId = await refusal(() => saveTemplate(h.deps, 'Not An Id!', reminder, 'ada'));
    expect(badId).toBeInstanceOf(ValidationError);
    expect(badId.message).toMatch(/^the template id is invalid/);
    const noText = await refusal(() => saveTemplate(h.deps, 'reminder', { name: 'Reminder' }, 'ada'));
    expect(noText).toBeInstanceOf(ValidationError);
    expect(noText.message).toMatch(/^the template is invalid: texts/);
  });

  it('deletes a template, and says when there is none', async () => {
    const h = coreHarness();
    await saveTemplate(h.deps, 'reminder', reminder, 'ada');
    await deleteTemplate(h.deps, 'reminder');
    expect(await h.store.getTemplate('reminder')).toBeUndefined();
    for (const action of [() => deleteTemplate(h.deps, 'reminder'), () => getTemplate(h.deps, 'reminder')]) {
      const error = await refusal(action);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('template reminder does not exist');
    }
  });
});

/** The admin's webhook subscribers, as the embedded default keeps them (secrets included). */
class FakeSubscriptions implements EventSubscriptions {
  readonly saved = new Map<string, EventSubscriptionInput>();
  async list(): Promise<EventSubscription[]> {
    return [...this.saved.keys()].map((id) => this.shown(id));
  }
  async get(id: string) {
    return this.saved.has(id) ? this.shown(id) : undefined;
  }
  async put(id: string, input: EventSubscriptionInput) {
    this.saved.set(id, input);
    return this.shown(id);
  }
  async secretOf(id: string) {
    return this.saved.get(id)?.secret;
  }
  async remove(id: string) {
    return this.saved.delete(id);
  }
  async deliveries(id: string, limit: number): Promise<EventDelivery[]> {
    return Array.from({ length: limit }, (_, i) => ({
      eventId: `${id}-event-${i}`,
      type: 'message.sent' as EventType,
      status: 'delivered' as const,
      attempts: 1,
      lastAttemptAt: '2026-11-23T09:00:00.000Z',
      nextAttemptAt: null,
      lastResult: 'HTTP 204',
    }));
  }
  private shown(id: string): EventSubscription {
    const { secret: _secret, ...rest } = this.saved.get(id) as EventSubscriptionInput;
    return { id, ...rest, createdAt: '2026-11-23T09:00:00.000Z' };
  }
}

describe('an admin subscribing a webhook to events', () => {
  const secret = 'a-long-shared-secret-0123';

  it('saves a subscription with its secret, each type once, text left out by default', async () => {
    const subscriptions = new FakeSubscriptions();
    const saved = await saveEventSubscription(subscriptions, 'crm-sync', {
      url: 'https://crm.contoso.example/sms-events',
      types: ['message.received', 'conversation.closed', 'message.received'],
      secret,
    });
    expect(saved).toEqual({
      id: 'crm-sync',
      url: 'https://crm.contoso.example/sms-events',
      types: ['message.received', 'conversation.closed'],
      includeText: false,
      createdAt: '2026-11-23T09:00:00.000Z',
    });
    expect(subscriptions.saved.get('crm-sync')?.secret).toBe(secret);
    expect(await getEventSubscription(subscriptions, 'crm-sync')).toEqual(saved);
  });

  it('subscribes to every type when none is named', async () => {
    const subscriptions = new FakeSubscriptions();
    const saved = await saveEventSubscription(subscriptions, 'all', {
      url: 'http://flow.example/in',
      secret,
    });
    expect(saved.types).toEqual([]);
  });

  it('keeps the old secret when a replace gives none', async () => {
    const subscriptions = new FakeSubscriptions();
    await saveEventSubscription(subscriptions, 'crm-sync', { url: 'https://crm.contoso.example/a', secret });
    await saveEventSubscription(subscriptions, 'crm-sync', {
      url: 'https://crm.contoso.example/b',
      includeText: true,
    });
    expect(subscriptions.saved.get('crm-sync')).toEqual({
      url: 'https://crm.contoso.example/b',
      types: [],
      includeText: true,
      secret,
    });
  });

  it('refuses a new subscription without a secret where secrets cannot be read back', async () => {
    const subscriptions = new FakeSubscriptions();
    const writeOnly: EventSubscriptions = {
      list: () => subscriptions.list(),
      get: (id) => subscriptions.get(id),
      put: (id, input) => subscriptions.put(id, input),
      remove: (id) => subscriptions.remove(id),
      deliveries: (id, limit) => subscriptions.deliveries(id, limit),
    };
    const error = await refusal(() =>
      saveEventSubscription(writeOnly, 'crm-sync', { url: 'https://crm.contoso.example/a' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('a new subscription needs its secret');
  });

  it('refuses a new subscription without a secret', async () => {
    const subscriptions = new FakeSubscriptions();
    const error = (await refusal(() =>
      saveEventSubscription(subscriptions, 'crm-sync', { url: 'https://crm.contoso.example/a' }),
    )) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('a new subscription needs its secret');
    expect(error.issues).toEqual([{ path: 'secret', message: 'required' }]);
    expect(subscriptions.saved.size).toBe(0);
  });

  it('refuses a subscription that is not valid, saying where', async () => {
    const subscriptions = new FakeSubscriptions();
    const error = await refusal(() =>
      saveEventSubscription(subscriptions, 'crm-sync', { url: 'ftp://crm.contoso.example', secret }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('the subscription is invalid: url: an http or https URL');
  });

  it.each(['CRM', '-crm', 'crm sync', 'a'.repeat(65), ''])('refuses the id %j', async (id) => {
    const subscriptions = new FakeSubscriptions();
    for (const action of [
      () => saveEventSubscription(subscriptions, id, { url: 'https://crm.contoso.example', secret }),
      () => getEventSubscription(subscriptions, id),
      () => deleteEventSubscription(subscriptions, id),
    ]) {
      const error = (await refusal(action)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe('a subscription id is 1 to 64 lowercase letters, digits and hyphens');
      expect(error.issues).toEqual([{ path: 'subscriptionId', message: 'invalid' }]);
    }
  });

  it('accepts ids of one to 64 letters, digits and hyphens', async () => {
    const subscriptions = new FakeSubscriptions();
    for (const id of ['a', '7-crm', 'a'.repeat(64)]) {
      await saveEventSubscription(subscriptions, id, { url: 'https://crm.contoso.example', secret });
    }
    expect(subscriptions.saved.size).toBe(3);
  });

  it('removes a subscription, and says when there is none', async () => {
    const subscriptions = new FakeSubscriptions();
    await saveEventSubscription(subscriptions, 'crm-sync', { url: 'https://crm.contoso.example', secret });
    await deleteEventSubscription(subscriptions, 'crm-sync');
    expect(subscriptions.saved.size).toBe(0);
    for (const action of [
      () => deleteEventSubscription(subscriptions, 'crm-sync'),
      () => getEventSubscription(subscriptions, 'crm-sync'),
      () => listEventDeliveries(subscriptions, 'crm-sync', 10),
    ]) {
      const error = await refusal(action);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('event subscription crm-sync does not exist');
    }
  });

  it("lists a subscription's latest deliveries, as many as asked", async () => {
    const subscriptions = new FakeSubscriptions();
    await saveEventSubscription(subscriptions, 'crm-sync', { url: 'https://crm.contoso.example', secret });
    const deliveries = await listEventDeliveries(subscriptions, 'crm-sync', 2);
    expect(deliveries.map((d) => d.eventId)).toEqual(['crm-sync-event-0', 'crm-sync-event-1']);
  });

  it('is refused where events go to the Event Grid topic', async () => {
    const error = await refusal(async () => requireSubscriptions(undefined));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/^events are published to the Event Grid topic here/);
    const subscriptions = new FakeSubscriptions();
    expect(requireSubscriptions(subscriptions)).toBe(subscriptions);
  });
});

describe('the provider events that could not be processed', () => {
  function poison(n: number): PoisonEvent {
    const at = new Date(Date.parse('2026-11-23T09:00:00.000Z') + n * 1000).toISOString();
    return {
      id: `${at}:twilio:ev-${n}`,
      provider: 'twilio',
      eventId: `ev-${n}`,
      eventType: 'message.status',
      receivedAt: at,
      reason: 'no message has this id',
      providerMessageId: `SM${n}`,
      from: '+1425555****',
      to: null,
    };
  }

  it('are listed newest first, a page at a time, with the cursor of the next page', async () => {
    const h = coreHarness();
    for (let n = 1; n <= 5; n++) await h.store.putPoisonEvent(poison(n));
    const first = await listPoisonEvents(h.deps, { limit: 2 });
    expect(first.events.map((e) => e.eventId)).toEqual(['ev-5', 'ev-4']);
    expect(first.next).toBe(poison(4).id);
    const second = await listPoisonEvents(h.deps, { before: first.next, limit: 2 });
    expect(second.events.map((e) => e.eventId)).toEqual(['ev-3', 'ev-2']);
    const last = await listPoisonEvents(h.deps, { before: second.next, limit: 2 });
    expect(last).toEqual({ events: [poison(1)], next: undefined });
  });

  it('are listed a hundred at a time by default', async () => {
    const h = coreHarness();
    for (let n = 1; n <= 101; n++) await h.store.putPoisonEvent(poison(n));
    const page = await listPoisonEvents(h.deps, {});
    expect(page.events).toHaveLength(100);
    expect(page.next).toBe(poison(2).id);
  });

  it.each([0, 1001, 2.5])('refuse a limit of %d', async (limit) => {
    const h = coreHarness();
    const error = (await refusal(() => listPoisonEvents(h.deps, { limit }))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('limit is a whole number from 1 to 1000');
    expect(error.issues).toEqual([{ path: 'limit', message: 'out of range' }]);
  });

  it('take a limit of 1 and of 1000', async () => {
    const h = coreHarness();
    await h.store.putPoisonEvent(poison(1));
    expect((await listPoisonEvents(h.deps, { limit: 1 })).next).toBe(poison(1).id);
    expect((await listPoisonEvents(h.deps, { limit: 1000 })).next).toBeUndefined();
  });
});
