import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type Conversation,
  type ConversationEvent,
  caseNumberOf,
  transition,
} from '../../shared/domain/conversation.js';
import {
  cloudEventType,
  consentEvents,
  conversationEvents,
  customerSubject,
  ERASURE_CLOSE_REASON,
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

  it('a conversation first seen once assigned: its queued step names no agent, its assignment does', () => {
    const events = conversationEvents(undefined, assigned());
    expect(events.map((e) => e.type)).toEqual([
      'conversation.opened',
      'conversation.queued',
      'conversation.assigned',
    ]);
    expect(events[1]?.data.agentId).toBeNull();
    expect(events[2]?.data.agentId).toBe('alice');
  });

  it('closed after wrap-up carries no wrap-up: only ended does', () => {
    const active = assigned();
    const wrapUp = { code: 'resolved', label: 'Resolved', note: 'Refund issued', at: AT, by: 'agent:alice' };
    const ended = { ...transition(active, { type: 'end' }, alice, AT), wrapUp };
    const closed = { ...transition(ended, { type: 'close', reason: 'closed by agent' }, alice, AT), wrapUp };
    const events = conversationEvents(ended, closed);
    expect(events.map((e) => e.type)).toEqual(['conversation.closed']);
    expect(events[0]?.data).not.toHaveProperty('wrapUpCode');
    expect(events[0]?.data).not.toHaveProperty('wrapUpNote');
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
      id: 'conv-1:local:m1:message.received',
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

describe('what events carry', () => {
  it('closed for an erased customer says so', () => {
    const { events } = step(assigned(), { type: 'close', reason: ERASURE_CLOSE_REASON });
    expect(events[0]?.data.closeReason).toBe('erased');
  });

  it('a new conversation’s events, at its first step, with its case number or one made from its id', () => {
    const opened = aConversation();
    const events = conversationEvents(undefined, opened);
    expect(events.map(({ id, type, time, subject }) => ({ id, type, time, subject }))).toEqual([
      {
        id: 'conv-1:0:conversation.opened',
        type: 'conversation.opened',
        time: opened.createdAt,
        subject: 'conversations/conv-1',
      },
      {
        id: 'conv-1:0:conversation.queued',
        type: 'conversation.queued',
        time: opened.createdAt,
        subject: 'conversations/conv-1',
      },
    ]);
    expect(events[0]?.data).toStrictEqual({
      conversationId: 'conv-1',
      caseNumber: opened.caseNumber,
      channelId: 'support',
      channelNumber: SUPPORT_NUMBER,
      customer: '+1********23',
      queueId: 'general',
      agentId: null,
      state: 'open',
      by: 'customer',
      reason: 'first message',
    });
    const { caseNumber: _, ...withoutCase } = opened;
    expect(conversationEvents(undefined, withoutCase)[0]?.data.caseNumber).toBe(caseNumberOf('conv-1'));
  });

  it('ended carries the wrap-up code, label and note the agent gave, and only those', () => {
    const active = assigned();
    const ended = (wrapUp: Conversation['wrapUp']) => {
      const after = { ...transition(active, { type: 'end' }, alice, AT), ...(wrapUp ? { wrapUp } : {}) };
      return conversationEvents(active, after)[0]?.data;
    };
    expect(
      ended({ code: 'resolved', label: 'Resolved', note: 'Refund issued', at: AT, by: 'agent:alice' }),
    ).toMatchObject({
      wrapUpCode: 'resolved',
      wrapUpLabel: 'Resolved',
      wrapUpNote: 'Refund issued',
    });
    const noteOnly = ended({ note: 'Called back', at: AT, by: 'agent:alice' });
    expect(noteOnly?.wrapUpNote).toBe('Called back');
    expect(noteOnly).not.toHaveProperty('wrapUpCode');
    expect(noteOnly).not.toHaveProperty('wrapUpLabel');
    const codeOnly = ended({ code: 'resolved', label: 'Resolved', at: AT, by: 'agent:alice' });
    expect(codeOnly).not.toHaveProperty('wrapUpNote');
    expect(ended(undefined)).not.toHaveProperty('wrapUpCode');
  });

  it('survey answered names the reply, and gives no score when the reply had none', () => {
    const sent = aConversation({ state: 'closed', survey: { sentAt: AT } });
    const answered = {
      ...sent,
      survey: { sentAt: AT, answeredAt: '2026-11-23T09:30:00.000Z', messageId: 'local:m9' },
    };
    const [event] = conversationEvents(sent, answered);
    expect(event).toMatchObject({
      id: 'conv-1:survey.answered',
      type: 'survey.answered',
      time: '2026-11-23T09:30:00.000Z',
      subject: 'conversations/conv-1',
      data: { state: 'closed', score: null, messageId: 'local:m9' },
    });
    const withoutReply = conversationEvents(sent, {
      ...sent,
      survey: { sentAt: AT, answeredAt: AT, score: 4 },
    });
    expect(withoutReply[0]?.data).not.toHaveProperty('messageId');
    expect(conversationEvents(undefined, answered).map((e) => e.type)).toContain('survey.answered');
  });

  it('an agent’s message with attachments names the agent, its purpose and its files', () => {
    const queued = aMessage({
      direction: 'outbound',
      author: { kind: 'agent', agentId: 'alice' },
      from: SUPPORT_NUMBER,
      to: CUSTOMER,
      status: 'queued',
      purpose: 'notification',
      media: [{ url: 'https://cdn.contoso.com/a.png', contentType: 'image/png', size: 10 }],
    });
    const [sent] = messageEvents(queued, { ...queued, status: 'sent' }, AT);
    expect(sent?.data).toStrictEqual({
      conversationId: 'conv-1',
      caseNumber: caseNumberOf('conv-1'),
      channelNumber: SUPPORT_NUMBER,
      customer: '+1********23',
      messageId: 'local:m1',
      direction: 'outbound',
      status: 'sent',
      agentId: 'alice',
      purpose: 'notification',
      mediaCount: 1,
      media: [{ url: 'https://cdn.contoso.com/a.png', contentType: 'image/png' }],
    });
    expect(sent?.time).toBe(AT);
  });

  it('a customer’s message with attachments counts them, without linking them', () => {
    const [received] = messageEvents(
      undefined,
      aMessage({ media: [{ url: 'https://api.twilio.com/m/1', contentType: 'image/jpeg' }] }),
      AT,
    );
    expect(received?.data.mediaCount).toBe(1);
    expect(received?.data).not.toHaveProperty('media');
    expect(received?.data).not.toHaveProperty('agentId');
    expect(received?.data).not.toHaveProperty('purpose');
    expect(received?.data).not.toHaveProperty('failureReason');
    expect(messageEvents(undefined, aMessage({ media: [] }), AT)[0]?.data).not.toHaveProperty('mediaCount');
  });

  it('consent makes no event when nothing changed, and a first opt-in of a new customer is none either', () => {
    const optedOut = aCustomerState({ optedOut: true });
    expect(consentEvents(optedOut, optedOut, AT)).toEqual([]);
    expect(consentEvents(undefined, aCustomerState({ optedOut: false }), AT)).toEqual([]);
    expect(consentEvents(undefined, optedOut, AT)).toHaveLength(1);
  });

  it('consent events are about the customer by a hash, the same for the same number', () => {
    expect(customerSubject('support', CUSTOMER)).toMatch(/^channels\/support\/customers\/[0-9a-f]{16}$/);
    expect(customerSubject('support', CUSTOMER)).toBe(customerSubject('support', CUSTOMER));
    expect(customerSubject('support', CUSTOMER)).not.toBe(customerSubject('support', '+14255550124'));
    const [event] = consentEvents(undefined, aCustomerState({ optedOut: true }), AT);
    expect(event?.subject).toBe(customerSubject('support', CUSTOMER));
    expect(event?.id).toBe(`consent:support:${customerSubject('support', CUSTOMER).split('/').at(-1)}:${AT}`);
  });

  it('each type has its CloudEvents name under the product prefix', () => {
    expect(cloudEventType('message.failed')).toBe('com.omnichannel-sms.message.failed');
  });
});
