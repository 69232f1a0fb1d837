import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type Conversation,
  type ConversationEvent,
  transition,
} from '../../shared/domain/conversation.js';
import {
  consentEvents,
  conversationEvents,
  type EventType,
  eventTypes,
  messageEvents,
  toCloudEvent,
} from '../../shared/domain/integration-event.js';
import { aConversation, aCustomerState, aMessage, CUSTOMER, SUPPORT_NUMBER } from '../support/builders.js';

const AT = '2026-11-23T09:05:00.000Z';
const system: Actor = { kind: 'system' };
const alice: Actor = { kind: 'agent', agentId: 'alice' };

/** The events one step makes, from the conversation before it. */
function step(before: Conversation, event: ConversationEvent, actor: Actor = system) {
  const after = transition(before, event, actor, AT);
  return { after, events: conversationEvents(before, after) };
}

const assigned = () => step(aConversation(), { type: 'assign', agentId: 'alice' }).after;

describe('the events of a conversation', () => {
  it('a new conversation is opened and queued', () => {
    const events = conversationEvents(undefined, aConversation());
    expect(events.map((e) => e.type)).toEqual(['conversation.opened', 'conversation.queued']);
    expect(events[0]).toMatchObject({
      id: 'conv-1:0:conversation.opened',
      subject: 'conversations/conv-1',
      time: '2026-11-23T09:00:00.000Z',
      data: {
        conversationId: 'conv-1',
        channelId: 'support',
        channelNumber: SUPPORT_NUMBER,
        queueId: 'general',
        customer: '+1********23',
        caseNumber: expect.any(String),
      },
    });
  });

  it('an agent started conversation (first step straight to active) makes no opened event', () => {
    const started = aConversation({
      state: 'active',
      agentId: 'alice',
      history: [{ from: null, to: 'active', at: AT, by: 'agent:alice', reason: 'started by agent' }],
    });
    expect(conversationEvents(undefined, started)).toEqual([]);
  });

  it('assigned names the agent', () => {
    const { events } = step(aConversation(), { type: 'assign', agentId: 'alice' });
    expect(events.map((e) => e.type)).toEqual(['conversation.assigned']);
    expect(events[0]?.data).toMatchObject({ agentId: 'alice', state: 'active', by: 'system' });
  });

  it('transferred to a queue is also queued again, with no agent', () => {
    const { events } = step(assigned(), { type: 'transfer-to-queue', queueId: 'billing' }, alice);
    expect(events.map((e) => e.type)).toEqual(['conversation.transferred', 'conversation.queued']);
    expect(events[1]?.data).toMatchObject({ queueId: 'billing', agentId: null });
  });

  it('transferred to an agent names the new agent', () => {
    const { events } = step(assigned(), { type: 'transfer-to-agent', agentId: 'bob' }, alice);
    expect(events.map((e) => e.type)).toEqual(['conversation.transferred']);
    expect(events[0]?.data).toMatchObject({ agentId: 'bob', by: 'agent:alice' });
  });

  it('set aside, then resumed when the customer returns, or queued when the agent is away', () => {
    const aside = step(assigned(), { type: 'set-aside' }, alice);
    expect(aside.events.map((e) => e.type)).toEqual(['conversation.set-aside']);
    expect(
      step(aside.after, { type: 'customer-returned', agentAvailable: true }, { kind: 'customer' }).events.map(
        (e) => e.type,
      ),
    ).toEqual(['conversation.resumed']);
    expect(
      step(
        aside.after,
        { type: 'customer-returned', agentAvailable: false },
        { kind: 'customer' },
      ).events.map((e) => e.type),
    ).toEqual(['conversation.queued']);
  });

  it('ended when the agent ends it (wrap-up)', () => {
    const { events } = step(assigned(), { type: 'end' }, alice);
    expect(events.map((e) => e.type)).toEqual(['conversation.ended']);
    expect(events[0]?.data).toMatchObject({ state: 'wrap-up', agentId: 'alice' });
  });

  it.each([
    ['an agent', alice, 'closed by agent', 'agent'],
    ['a supervisor', { kind: 'supervisor', userId: 'sue' } as Actor, 'closed by supervisor', 'agent'],
    [
      'the auto-close timer',
      system,
      'auto-close: active with no activity for more than 30 minutes',
      'auto-close',
    ],
    ['the customer opting out', { kind: 'customer' } as Actor, 'customer opted out (STOP)', 'stop'],
  ])('closed by %s carries the close reason %s', (_who, actor, reason, closeReason) => {
    const { events } = step(assigned(), { type: 'close', reason }, actor);
    expect(events.map((e) => e.type)).toEqual(['conversation.closed']);
    expect(events[0]?.data).toMatchObject({ state: 'closed', closeReason, reason });
  });

  it('each step has its own stable id: the same change gives the same events again', () => {
    const before = assigned();
    const after = transition(before, { type: 'end' }, alice, AT);
    expect(conversationEvents(before, after)).toEqual(conversationEvents(before, after));
    expect(conversationEvents(before, after)[0]?.id).toBe('conv-1:2:conversation.ended');
    // A write that adds no step makes no event.
    expect(conversationEvents(after, { ...after, toldPosition: 3 })).toEqual([]);
  });

  it('survey answered once, with the score and never the text', () => {
    const sent = aConversation({ state: 'closed', survey: { sentAt: AT } });
    const answered = { ...sent, survey: { sentAt: AT, answeredAt: AT, score: 5, text: 'great, thanks' } };
    const events = conversationEvents(sent, answered);
    expect(events.map((e) => e.type)).toEqual(['survey.answered']);
    expect(events[0]?.data).toMatchObject({ score: 5 });
    expect(JSON.stringify(events)).not.toContain('great');
    expect(conversationEvents(answered, { ...answered })).toEqual([]);
  });
});

describe('the events of a message', () => {
  const outbound = aMessage({
    id: 'out-1',
    direction: 'outbound',
    author: { kind: 'agent', agentId: 'alice' },
    from: SUPPORT_NUMBER,
    to: CUSTOMER,
    status: 'queued',
  });

  it('received when an inbound message is stored, at its arrival, without its text or number', () => {
    const events = messageEvents(undefined, aMessage(), AT);
    expect(events.map((e) => e.type)).toEqual(['message.received']);
    expect(events[0]).toMatchObject({
      subject: 'conversations/conv-1/messages/local:m1',
      time: '2026-11-23T09:00:00.000Z',
      data: {
        messageId: 'local:m1',
        direction: 'inbound',
        customer: '+1********23',
        channelNumber: SUPPORT_NUMBER,
      },
    });
    expect(JSON.stringify(events)).not.toContain('Hello, I need help');
    expect(JSON.stringify(events)).not.toContain(CUSTOMER);
  });

  it.each([
    ['sent', 'message.sent'],
    ['delivered', 'message.delivered'],
    ['failed', 'message.failed'],
  ] as const)('%s when an outbound message reaches that status, once', (status, type) => {
    const after = { ...outbound, status, ...(status === 'failed' ? { failureReason: 'unreachable' } : {}) };
    const events = messageEvents(outbound, after, AT);
    expect(events.map((e) => e.type)).toEqual([type]);
    expect(events[0]?.data).toMatchObject({ agentId: 'alice', status });
    expect(messageEvents(after, after, AT)).toEqual([]);
  });

  it('a failure says why', () => {
    const [failed] = messageEvents(
      outbound,
      { ...outbound, status: 'failed', failureReason: 'unreachable' },
      AT,
    );
    expect(failed?.data.failureReason).toBe('unreachable');
  });

  it('queued makes no event', () => {
    expect(messageEvents(undefined, outbound, AT)).toEqual([]);
  });
});

describe('the events of consent', () => {
  it('changed when a customer opts out or back in, never naming the number', () => {
    const out = consentEvents(aCustomerState(), aCustomerState({ optedOut: true }), AT);
    expect(out.map((e) => e.type)).toEqual(['consent.changed']);
    expect(out[0]?.data).toEqual({ channelId: 'support', customer: '+1********23', optedOut: true });
    expect(JSON.stringify(out)).not.toContain(CUSTOMER);
    const back = consentEvents(aCustomerState({ optedOut: true }), aCustomerState(), AT);
    expect(back[0]?.data.optedOut).toBe(false);
    expect(consentEvents(aCustomerState(), aCustomerState({ lastAgentId: 'alice' }), AT)).toEqual([]);
  });
});

describe('every event type the issue lists', () => {
  it('is made by one of the changes above', () => {
    const made = new Set<EventType>();
    const add = (events: { type: EventType }[]) => {
      for (const e of events) made.add(e.type);
    };
    add(conversationEvents(undefined, aConversation()));
    const active = assigned();
    add(conversationEvents(aConversation(), active));
    add(step(active, { type: 'transfer-to-agent', agentId: 'bob' }, alice).events);
    const aside = step(active, { type: 'set-aside' }, alice);
    add(aside.events);
    add(step(aside.after, { type: 'customer-returned', agentAvailable: true }, { kind: 'customer' }).events);
    const ended = step(active, { type: 'end' }, alice);
    add(ended.events);
    add(step(ended.after, { type: 'close', reason: 'closed by agent' }, alice).events);
    const sent = aConversation({ survey: { sentAt: AT } });
    add(conversationEvents(sent, { ...sent, survey: { sentAt: AT, answeredAt: AT, score: 4 } }));
    add(messageEvents(undefined, aMessage(), AT));
    const queued = aMessage({ direction: 'outbound', status: 'queued', from: SUPPORT_NUMBER, to: CUSTOMER });
    for (const status of ['sent', 'delivered', 'failed'] as const)
      add(messageEvents(queued, { ...queued, status }, AT));
    add(consentEvents(aCustomerState(), aCustomerState({ optedOut: true }), AT));
    expect([...made].sort()).toEqual([...eventTypes].sort());
  });

  it('goes out as a CloudEvents 1.0 envelope with the product prefix and the outbox id', () => {
    const [opened] = conversationEvents(undefined, aConversation());
    if (!opened) throw new Error('no event');
    expect(toCloudEvent(opened, 'urn:test')).toEqual({
      specversion: '1.0',
      id: opened.id,
      source: 'urn:test',
      type: 'com.omnichannel-sms.conversation.opened',
      subject: opened.subject,
      time: opened.time,
      datacontenttype: 'application/json',
      data: opened.data,
    });
  });
});
