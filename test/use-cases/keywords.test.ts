import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import { Directory } from '../../shared/domain/directory.js';
import type { Message } from '../../shared/domain/message.js';
import { notificationRequestSchema } from '../../shared/domain/notification.js';
import { AlreadyExistsError, ConsentError } from '../../shared/errors.js';
import { acceptInboundSms } from '../../shared/use-cases/accept-inbound.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { closeByAgent, endConversation, replyToCustomer } from '../../shared/use-cases/conversations.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { sendNotification } from '../../shared/use-cases/notify.js';
import { ALERTS_NUMBER, CUSTOMER } from '../support/builders.js';
import { coreHarness, testSeed } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

const attempt = { deliveryCount: 1, maxDeliveryCount: 3 };

async function deliverAll(h: ReturnType<typeof coreHarness>) {
  for (const { message } of h.queue.sent.filter((s) => s.queue === 'sms-outbound')) {
    await deliverOutbound(h.deps, message.body as Message, attempt);
  }
}

async function talkingToAlice() {
  const h = coreHarness();
  await h.addAgent({ id: 'alice', capacity: 1 });
  const first = await receiveInbound(h.deps, h.sms({ text: 'My order is late' }));
  if (first.status !== 'stored') throw new Error('not stored');
  await assignQueue(h.deps, 'general');
  return { h, conversationId: first.conversationId };
}

describe('STOP', () => {
  it('opts the customer out, closes the conversation, frees the agent, and sends one confirmation', async () => {
    const { h, conversationId } = await talkingToAlice();
    const stop = h.sms({ text: ' stop ' });
    expect(await receiveInbound(h.deps, stop)).toMatchObject({
      status: 'stored',
      conversationId,
      state: 'closed',
    });
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(true);
    expect((await h.store.getAgent('alice'))?.value.assignments).toEqual([]);
    const texts = (await h.store.listMessages(conversationId)).map((m) => m.text);
    expect(texts.slice(0, 2)).toEqual(['My order is late', ' stop ']);

    expect(await receiveInbound(h.deps, { ...stop })).toEqual({ status: 'duplicate', messageId: stop.id });
    await deliverAll(h);
    expect(h.sender.sends.map((s) => s.text)).toEqual([
      'You are unsubscribed from Support and will get no more messages. Reply START to resubscribe.',
    ]);
  });

  it('closes the conversation under way as the customer’s step, naming the opt-out', async () => {
    const { h, conversationId } = await talkingToAlice();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    const closed = (await h.store.getConversation(conversationId))?.value;
    expect(closed?.history.at(-1)).toMatchObject({
      from: 'active',
      to: 'closed',
      by: 'customer',
      reason: 'customer opted out (STOP)',
    });
    expect(h.logs.map((line) => JSON.parse(line)).filter((l) => l.event === 'conversation.closed')).toEqual([
      expect.objectContaining({ conversationId, by: 'customer', reason: 'customer opted out (STOP)' }),
    ]);
  });

  it('says no goodbye and sends no survey, though the channel has them on, and records a survey the agent’s end sent before the process stopped', async () => {
    const { h, conversationId } = await talkingToAlice();
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    const automatedMessages = automatedMessagesSchema.parse({
      ended: { enabled: true },
      survey: { enabled: true },
    });
    h.deps.directory = new Directory([{ ...support, automatedMessages }, ...rest], testSeed.queues);
    // Alice ends the conversation: the goodbye and the survey go out, and the process stops
    // before the conversation records the survey.
    const replace = h.store.replaceConversation.bind(h.store);
    h.store.replaceConversation = async (conversation, etag) => {
      if (conversation.survey) throw new Error('the process stopped');
      return replace(conversation, etag);
    };
    await expect(endConversation(h.deps, { conversationId, agentId: 'alice' })).rejects.toThrow(/stopped/);
    h.store.replaceConversation = replace;
    const sent = h.queue.on('sms-outbound').length;

    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    expect(
      h.queue
        .on('sms-outbound')
        .slice(sent)
        .map((m) => (m.body as Message).purpose),
    ).toEqual(['opt-out-confirmation']);
    expect((await h.store.getConversation(conversationId))?.value).toMatchObject({
      state: 'closed',
      survey: { sentAt: '2026-11-23T09:00:00.000Z' },
    });
  });

  it('is honoured afterwards: agent replies are refused and anything already queued is not sent', async () => {
    const { h, conversationId } = await talkingToAlice();
    await replyToCustomer(h.deps, { conversationId, agentId: 'alice', text: 'Queued before the STOP' });
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    await deliverAll(h);
    expect(h.sender.sends.map((s) => s.text)).not.toContain('Queued before the STOP');
    expect(h.sender.sends).toHaveLength(1);
    const next = await receiveInbound(h.deps, h.sms({ text: 'actually I have a question' }));
    if (next.status !== 'stored') throw new Error('not stored');
    await assignQueue(h.deps, 'general');
    await expect(
      replyToCustomer(h.deps, { conversationId: next.conversationId, agentId: 'alice', text: 'Hello' }),
    ).rejects.toBeInstanceOf(ConsentError);
  });

  it('works without a conversation, opening none for an agent', async () => {
    const h = coreHarness();
    const outcome = await receiveInbound(h.deps, h.sms({ text: 'UNSUBSCRIBE' }));
    expect(outcome).toMatchObject({ status: 'stored', state: 'closed' });
    expect(await h.store.findConversations({ states: ['open', 'active'] })).toEqual([]);
    expect(h.queue.on('sms-assignment')).toEqual([]);
    await deliverAll(h);
    expect(h.sender.sends).toHaveLength(1);
  });

  it('is kept per channel: the customer still hears from another channel', async () => {
    const h = coreHarness();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(true);
    expect(await h.store.getCustomer('alerts', CUSTOMER)).toBeUndefined();
  });
});

describe('START and HELP', () => {
  it('START opts back in with a confirmation, and replies flow again', async () => {
    const h = coreHarness();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    await receiveInbound(h.deps, h.sms({ text: 'start' }));
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.optedOut).toBe(false);
    await deliverAll(h);
    expect(h.sender.sends.map((s) => s.text)).toEqual([
      expect.stringMatching(/unsubscribed/),
      'You are subscribed to Support again. Reply STOP to unsubscribe, HELP for help.',
    ]);
  });

  it('HELP answers with the help text and leaves an open conversation open', async () => {
    const { h, conversationId } = await talkingToAlice();
    expect(await receiveInbound(h.deps, h.sms({ text: 'HELP' }))).toMatchObject({
      conversationId,
      state: 'active',
    });
    await deliverAll(h);
    expect(h.sender.sends.map((s) => s.text)).toEqual([
      'Support: reply to this message to reach us. Reply STOP to unsubscribe.',
    ]);
  });

  it('HELP from an opted-out customer sends nothing: only the opt-out confirmation ever reaches them', async () => {
    const h = coreHarness();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    await receiveInbound(h.deps, h.sms({ text: 'HELP' }));
    // Not even queued: the outbound worker would refuse it anyway, but nothing is asked of it.
    expect(h.queue.on('sms-outbound')).toHaveLength(1);
    await deliverAll(h);
    expect(h.sender.sends).toHaveLength(1);
  });
});

describe('the reply to a keyword', () => {
  const queued = (h: ReturnType<typeof coreHarness>) =>
    h.queue.on('sms-outbound').map((m) => {
      const { author, purpose } = m.body as Message;
      return { author, purpose };
    });

  it('is the system’s: the opt-out confirmation for STOP, a keyword reply for START and HELP', async () => {
    const h = coreHarness();
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    await receiveInbound(h.deps, h.sms({ text: 'START' }));
    await receiveInbound(h.deps, h.sms({ text: 'HELP' }));
    expect(queued(h)).toEqual([
      { author: { kind: 'system' }, purpose: 'opt-out-confirmation' },
      { author: { kind: 'system' }, purpose: 'keyword-reply' },
      { author: { kind: 'system' }, purpose: 'keyword-reply' },
    ]);
  });
});

describe('the consent trail of a keyword', () => {
  it('keeps forty characters of the word as capitalised, even a word that grows in capitals (ß → SS)', async () => {
    const h = coreHarness();
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    // Forty characters as the admin typed it, forty-two in capitals.
    const word = 'Keine Nachrichten mehr bitte. Gruß, Weiß';
    const consent = { ...support.consent, optOut: [word.toUpperCase()] };
    h.deps.directory = new Directory([{ ...support, consent }, ...rest], testSeed.queues);
    await receiveInbound(h.deps, h.sms({ text: word }));
    expect((await h.store.getCustomer('support', CUSTOMER))?.value).toMatchObject({
      optedOut: true,
      consentChangedVia: 'keyword KEINE NACHRICHTEN MEHR BITTE. GRUSS, WEI',
    });
  });
});

describe('consent keywords on an outbound-only number', () => {
  const alert = (h: ReturnType<typeof coreHarness>) =>
    sendNotification(
      h.deps,
      notificationRequestSchema.parse({ channelId: 'alerts', to: [CUSTOMER], text: 'Your card was charged' }),
    );

  it('STOP is accepted, opts the number out, answers the confirmation and refuses later notifications', async () => {
    const h = coreHarness();
    const stop = h.sms({ to: ALERTS_NUMBER, text: 'STOP' });
    expect(await acceptInboundSms(h.deps, stop)).toMatchObject({ status: 'accepted' });
    expect(await receiveInbound(h.deps, stop)).toMatchObject({ status: 'stored', state: 'closed' });
    expect((await h.store.getCustomer('alerts', CUSTOMER))?.value).toMatchObject({
      optedOut: true,
      openConversationId: null,
    });
    expect(await h.store.findConversations({ states: ['open', 'active', 'waiting', 'wrap-up'] })).toEqual([]);
    expect(h.queue.on('sms-assignment')).toEqual([]);
    await deliverAll(h);
    expect(h.sender.sends.map((s) => [s.from, s.text])).toEqual([
      [
        ALERTS_NUMBER,
        'You are unsubscribed from Alerts and will get no more messages. Reply START to resubscribe.',
      ],
    ]);

    expect((await alert(h)).recipients).toEqual([
      { to: CUSTOMER, status: 'refused', reason: 'the recipient opted out of this channel' },
    ]);
    // The support channel's consent is its own.
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
  });

  it('START resubscribes, and HELP says the number takes no replies', async () => {
    const h = coreHarness();
    await receiveInbound(h.deps, h.sms({ to: ALERTS_NUMBER, text: 'STOP' }));
    await receiveInbound(h.deps, h.sms({ to: ALERTS_NUMBER, text: 'START' }));
    await receiveInbound(h.deps, h.sms({ to: ALERTS_NUMBER, text: 'HELP' }));
    await deliverAll(h);
    expect(h.sender.sends.map((s) => s.text).slice(1)).toEqual([
      'You are subscribed to Alerts again. Reply STOP to unsubscribe, HELP for help.',
      'Alerts: this number only sends messages; replies do not reach anyone. Reply STOP to unsubscribe.',
    ]);
    expect((await alert(h)).recipients).toMatchObject([{ status: 'queued' }]);
  });

  it('any other text still opens nothing', async () => {
    const h = coreHarness();
    const text = h.sms({ to: ALERTS_NUMBER, text: 'STOP sending me these' });
    expect(await acceptInboundSms(h.deps, text)).toMatchObject({ status: 'outbound-only' });
    expect(h.queue.on('sms-inbound')).toEqual([]);
    expect(await receiveInbound(h.deps, text)).toMatchObject({
      status: 'dropped',
      reason: 'channel is outbound-only',
    });
    expect(await h.store.getCustomer('alerts', CUSTOMER)).toBeUndefined();
    expect(await h.store.findConversations({})).toEqual([]);
    expect(h.queue.on('sms-outbound')).toEqual([]);
  });
});

describe('a redelivered keyword', () => {
  it('is still a repeat after the admin changed the keywords: it opens no conversation', async () => {
    const h = coreHarness();
    const stop = h.sms({ text: 'STOP' });
    expect(await receiveInbound(h.deps, stop)).toMatchObject({ status: 'stored' });
    // The admin replaces STOP with ARRET; the provider then redelivers the STOP it sent before.
    const channels = testSeed.channels.map((channel) =>
      channel.id === 'support' ? { ...channel, consent: { ...channel.consent, optOut: ['ARRET'] } } : channel,
    );
    h.deps.directory = new Directory(channels, testSeed.queues);

    expect(await receiveInbound(h.deps, stop)).toEqual({ status: 'duplicate', messageId: stop.id });
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.openConversationId ?? null).toBeNull();
  });
});

describe('keyword replies in the customer language', () => {
  const replies = (h: ReturnType<typeof coreHarness>) =>
    h.queue.on('sms-outbound').map((m) => (m.body as Message).text);

  it('answer STOP in the language of the customer contact', async () => {
    const h = coreHarness();
    await h.store.putContact(
      { number: CUSTOMER, name: 'Amélie', language: 'fr', attributes: {}, createdAt: 'x', updatedAt: 'x' },
      null,
    );
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    await receiveInbound(h.deps, h.sms({ text: 'START' }));
    expect(replies(h)).toEqual([
      'Votre désinscription de Support est confirmée : vous ne recevrez plus de messages. Répondez START pour vous réinscrire.',
      'Vous êtes de nouveau inscrit à Support. Répondez STOP pour vous désinscrire, HELP pour obtenir de l’aide.',
    ]);
  });

  it('answer in the language of the conversation under way, else the channel language', async () => {
    const h = coreHarness();
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    h.deps.directory = new Directory([{ ...support, language: 'de' }, ...rest], testSeed.queues);
    await receiveInbound(h.deps, h.sms({ text: 'HELP' }));
    await receiveInbound(h.deps, h.sms({ text: 'Hallo' }));
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    expect(replies(h)).toEqual([
      'Support: Antworten Sie auf diese Nachricht, um uns zu erreichen. Antworten Sie STOP zum Abmelden.',
      'Sie haben sich von Support abgemeldet und erhalten keine Nachrichten mehr. Antworten Sie START, um sich wieder anzumelden.',
    ]);
  });

  it('keep a reply the channel wrote itself, whatever the language', async () => {
    const h = coreHarness();
    const [support, ...rest] = testSeed.channels;
    if (!support) throw new Error('no support channel');
    const consent = { ...support.consent, optOutReply: 'Done: no more texts from Support.' };
    h.deps.directory = new Directory([{ ...support, consent }, ...rest], testSeed.queues);
    await h.store.putContact(
      { number: CUSTOMER, name: 'Ana', language: 'es', attributes: {}, createdAt: 'x', updatedAt: 'x' },
      null,
    );
    await receiveInbound(h.deps, h.sms({ text: 'STOP' }));
    expect(replies(h)).toEqual(['Done: no more texts from Support.']);
  });
});

describe('where a keyword is recorded', () => {
  it('without a conversation under way: in a conversation of its own, closed from the start by the customer', async () => {
    const h = coreHarness();
    const stop = h.sms({ text: ' stop ' });
    expect(await receiveInbound(h.deps, stop)).toEqual({
      status: 'stored',
      conversationId: `keyword:${stop.id}`,
      messageId: stop.id,
      state: 'closed',
    });
    const recorded = (await h.store.getConversation(`keyword:${stop.id}`))?.value;
    expect(recorded?.history.map(({ from, to, by, reason }) => ({ from, to, by, reason }))).toEqual([
      { from: null, to: 'open', by: 'customer', reason: 'first message' },
      { from: 'open', to: 'closed', by: 'customer', reason: 'consent keyword' },
    ]);
    expect(recorded?.closedAt).toBe('2026-11-23T09:00:00.000Z');
    // The consent trail names the word as sent, without its surrounding spaces.
    expect((await h.store.getCustomer('support', CUSTOMER))?.value).toMatchObject({
      optedOut: true,
      consentChangedVia: 'keyword STOP',
    });
    expect(h.logs.map((line) => JSON.parse(line)).filter((l) => l.event === 'consent.keyword')).toEqual([
      expect.objectContaining({ messageId: stop.id, channelId: 'support', keyword: 'opt-out' }),
    ]);
  });

  it('after the last conversation was closed: not in that one, which stays as it was', async () => {
    const { h, conversationId } = await talkingToAlice();
    await closeByAgent(h.deps, { conversationId, agentId: 'alice' });
    const help = h.sms({ text: 'HELP' });
    expect(await receiveInbound(h.deps, help)).toMatchObject({
      conversationId: `keyword:${help.id}`,
      state: 'closed',
    });
    expect((await h.store.listMessages(conversationId)).map((m) => m.text)).not.toContain('HELP');
  });
});

/** A store that fails the next write of a conversation, once: with the given error, or pretending it exists. */
class FailingConversationWrites extends MemoryStore {
  failure: Error | undefined;
  hide: string | undefined;
  override async createConversation(...args: Parameters<MemoryStore['createConversation']>) {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    return super.createConversation(...args);
  }
  override async getConversation(id: string) {
    return id === this.hide ? undefined : super.getConversation(id);
  }
}

/** A store whose next write of a conversation lands, and then fails all the same (a lost answer). */
class LandedThenFailed extends MemoryStore {
  failure: Error | undefined;
  override async createConversation(...args: Parameters<MemoryStore['createConversation']>) {
    const written = await super.createConversation(...args);
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    return written;
  }
}

describe('a keyword delivered again after a crash', () => {
  it('finishes the job in the conversation the first attempt made, with one message and one reply', async () => {
    const h = coreHarness();
    const stop = h.sms({ text: 'STOP' });
    const send = h.queue.send.bind(h.queue);
    let dead = true;
    h.queue.send = async (queue, message) => {
      if (dead && queue === 'sms-outbound') {
        dead = false;
        throw new Error('process died');
      }
      return send(queue, message);
    };
    await expect(receiveInbound(h.deps, stop)).rejects.toThrow('process died');
    expect(await receiveInbound(h.deps, stop)).toMatchObject({
      status: 'stored',
      conversationId: `keyword:${stop.id}`,
    });
    expect(
      (await h.store.listMessages(`keyword:${stop.id}`)).filter((m) => m.direction === 'inbound'),
    ).toHaveLength(1);
    expect(h.queue.on('sms-outbound')).toHaveLength(1);
    expect(await receiveInbound(h.deps, stop)).toEqual({ status: 'duplicate', messageId: stop.id });
  });

  it('passes on a store failure, and a conversation the store says exists but cannot read', async () => {
    const store = new FailingConversationWrites();
    const h = coreHarness(store);
    const outage = new Error('store unavailable');
    store.failure = outage;
    await expect(receiveInbound(h.deps, h.sms({ text: 'STOP' }))).rejects.toBe(outage);

    const stop = h.sms({ text: 'STOP' });
    const exists = new AlreadyExistsError(`conversation keyword:${stop.id} already exists`);
    store.failure = exists;
    store.hide = `keyword:${stop.id}`;
    await expect(receiveInbound(h.deps, stop)).rejects.toBe(exists);
  });

  it('passes on a store failure even when the write landed, and the redelivery finishes the job', async () => {
    const store = new LandedThenFailed();
    const h = coreHarness(store);
    const timeout = new Error('request timed out');
    store.failure = timeout;
    const stop = h.sms({ text: 'STOP' });
    await expect(receiveInbound(h.deps, stop)).rejects.toBe(timeout);
    expect(h.queue.on('sms-outbound')).toEqual([]);
    expect(await receiveInbound(h.deps, stop)).toMatchObject({
      status: 'stored',
      conversationId: `keyword:${stop.id}`,
    });
    expect(h.queue.on('sms-outbound')).toHaveLength(1);
  });
});
