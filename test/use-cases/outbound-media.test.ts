import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../shared/domain/channel.js';
import { Directory } from '../../shared/domain/directory.js';
import { messageEvents } from '../../shared/domain/integration-event.js';
import type { Message } from '../../shared/domain/message.js';
import { MMS_MAX_BYTES, validateOutboundMedia } from '../../shared/domain/outbound-media.js';
import { ValidationError } from '../../shared/errors.js';
import { assignQueue } from '../../shared/use-cases/assign.js';
import { replyToCustomer } from '../../shared/use-cases/conversations.js';
import { deliverOutbound } from '../../shared/use-cases/deliver.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { startConversation } from '../../shared/use-cases/start-conversation.js';
import { coreHarness, testSeed } from '../support/core.js';

const PHOTO = {
  url: 'https://cdn.contoso.com/returns/label-4411.png',
  contentType: 'image/png',
  size: 48_213,
};

function onProvider(h: ReturnType<typeof coreHarness>, provider: ProviderName) {
  h.deps.directory = new Directory(
    testSeed.channels.map((channel) => (channel.id === 'support' ? { ...channel, provider } : channel)),
    testSeed.queues,
  );
}

async function activeConversation(provider: ProviderName) {
  const h = coreHarness();
  onProvider(h, provider);
  await h.addAgent({ id: 'alice' });
  const outcome = await receiveInbound(h.deps, h.sms({ text: 'Can you send the return label?' }));
  if (outcome.status !== 'stored') throw new Error('not stored');
  await assignQueue(h.deps, 'general');
  return { h, conversationId: outcome.conversationId, agentId: 'alice' };
}

const attempt = { deliveryCount: 1, maxDeliveryCount: 3 };

describe('an agent attaching media (MMS)', () => {
  it('on a Twilio channel: the reply carries the files to the queue, the store and the provider', async () => {
    const { h, conversationId, agentId } = await activeConversation('twilio');
    const reply = await replyToCustomer(h.deps, {
      conversationId,
      agentId,
      text: 'Here is your label',
      media: [{ ...PHOTO, contentType: 'IMAGE/PNG' }],
    });
    expect(reply.media).toEqual([PHOTO]);
    expect((await h.store.getMessage(conversationId, reply.id))?.value.media).toEqual([PHOTO]);
    const queued = h.queue.on('sms-outbound').at(-1)?.body as Message;
    expect(queued.media).toEqual([PHOTO]);
    await deliverOutbound(h.deps, queued, attempt);
    expect(h.sender.sends.at(-1)?.media).toEqual([PHOTO]);
  });

  it('a reply without media gives the provider none', async () => {
    const { h, conversationId, agentId } = await activeConversation('twilio');
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Plain text' });
    await deliverOutbound(h.deps, h.queue.on('sms-outbound').at(-1)?.body as Message, attempt);
    expect(h.sender.sends.at(-1)).not.toHaveProperty('media');
  });

  for (const provider of ['acs', 'telesign', 'local'] as const) {
    it(`on a ${provider} channel: refused with a clear error, and nothing is written or queued`, async () => {
      const { h, conversationId, agentId } = await activeConversation(provider);
      const before = await h.store.getConversation(conversationId);
      const queuedBefore = h.queue.on('sms-outbound').length;
      const refusal = replyToCustomer(h.deps, { conversationId, agentId, text: 'Label', media: [PHOTO] });
      await expect(refusal).rejects.toBeInstanceOf(ValidationError);
      await expect(refusal).rejects.toThrow(`sends through ${provider}, which sends SMS only`);
      expect(await h.store.listMessages(conversationId)).toHaveLength(1);
      expect(h.queue.on('sms-outbound')).toHaveLength(queuedBefore);
      expect((await h.store.getConversation(conversationId))?.etag).toBe(before?.etag);
    });
  }

  it('an empty list is no attachment, on any provider', async () => {
    const { h, conversationId, agentId } = await activeConversation('acs');
    const reply = await replyToCustomer(h.deps, { conversationId, agentId, text: 'Text only', media: [] });
    expect(reply).not.toHaveProperty('media');
  });

  it('a message queued with media whose channel moved to a provider without MMS fails unsent, saying why, counted as media unsupported', async () => {
    const { h, conversationId, agentId } = await activeConversation('twilio');
    await replyToCustomer(h.deps, { conversationId, agentId, text: 'Label', media: [PHOTO] });
    onProvider(h, 'acs');
    const outcome = await deliverOutbound(
      h.deps,
      h.queue.on('sms-outbound').at(-1)?.body as Message,
      attempt,
    );
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(h.sender.sends).toHaveLength(0);
    const stored = (await h.store.listMessages(conversationId)).at(-1);
    expect(stored).toMatchObject({
      status: 'failed',
      failureReason: expect.stringContaining('acs sends SMS only'),
    });
    expect(h.metrics.of('sms.delivery.failures')).toMatchObject([
      { value: 1, attributes: { channel: 'support', provider: 'acs', reason: 'media-unsupported' } },
    ]);
  });

  it('starting a conversation with media: on Twilio it goes with the first text; elsewhere nothing is started', async () => {
    const twilio = coreHarness();
    onProvider(twilio, 'twilio');
    await twilio.addAgent({ id: 'alice' });
    const started = await startConversation(twilio.deps, {
      agentId: 'alice',
      channelId: 'support',
      to: '+14255550177',
      text: 'Your label',
      media: [PHOTO],
    });
    expect(started.message.media).toEqual([PHOTO]);

    const acs = coreHarness();
    onProvider(acs, 'acs');
    await acs.addAgent({ id: 'alice' });
    await expect(
      startConversation(acs.deps, {
        agentId: 'alice',
        channelId: 'support',
        to: '+14255550177',
        text: 'Your label',
        media: [PHOTO],
      }),
    ).rejects.toThrow('sends SMS only');
    expect(await acs.store.getCustomer('support', '+14255550177' as never)).toBeUndefined();
    expect((await acs.store.getAgent('alice'))?.value.assignments).toEqual([]);
  });
});

describe('outbound media rules (Twilio MMS limits)', () => {
  const twilio = { id: 'support', provider: 'twilio' as const };
  const refusal = (media: unknown) => {
    try {
      validateOutboundMedia(media, twilio);
    } catch (error) {
      if (error instanceof ValidationError) return error.message;
      throw error;
    }
    return 'accepted';
  };

  it('takes https URLs of the content types Twilio accepts, up to 10 files', () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({
      url: `https://cdn.contoso.com/${i}.jpg`,
      contentType: 'image/jpeg',
    }));
    expect(validateOutboundMedia(ten, twilio)).toHaveLength(10);
    expect(refusal([{ url: 'https://cdn.contoso.com/a.pdf', contentType: 'application/pdf' }])).toBe(
      'accepted',
    );
  });

  it('refuses an 11th file, as Twilio does (21623)', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({
      url: `https://cdn.contoso.com/${i}.jpg`,
      contentType: 'image/jpeg',
    }));
    expect(refusal(eleven)).toContain('at most 10 media files');
  });

  it('refuses URLs that are not https, not URLs, or carry credentials', () => {
    expect(refusal([{ url: 'http://cdn.contoso.com/a.png', contentType: 'image/png' }])).toContain(
      'media.0.url',
    );
    expect(refusal([{ url: 'label.png', contentType: 'image/png' }])).toContain('https URL');
    expect(
      refusal([{ url: 'https://user:secret@cdn.contoso.com/a.png', contentType: 'image/png' }]),
    ).toContain('no credentials');
  });

  it('refuses a content type Twilio does not accept for MMS', () => {
    expect(
      refusal([{ url: 'https://cdn.contoso.com/a.exe', contentType: 'application/octet-stream' }]),
    ).toContain('media.0.contentType: must be one of image/jpeg');
  });

  it('refuses files declared together over 5 MB, and accepts exactly the limit', () => {
    const half = Math.floor(MMS_MAX_BYTES / 2);
    const file = (size: number, n: number) => ({
      url: `https://cdn.contoso.com/${n}.png`,
      contentType: 'image/png',
      size,
    });
    expect(refusal([file(half, 1), file(MMS_MAX_BYTES - half, 2)])).toBe('accepted');
    expect(refusal([file(half, 1), file(MMS_MAX_BYTES - half + 1, 2)])).toContain('under 5000000 bytes');
  });

  it('refuses something that is not a list of files', () => {
    expect(refusal('https://cdn.contoso.com/a.png')).toContain('media is invalid');
  });
});

describe('message events with media', () => {
  it("an agent's files are linked in message.sent; a customer's are only counted", async () => {
    const { h, conversationId, agentId } = await activeConversation('twilio');
    const reply = await replyToCustomer(h.deps, { conversationId, agentId, text: 'Label', media: [PHOTO] });
    const sent = messageEvents(reply, { ...reply, status: 'sent' }, '2026-11-23T09:01:00.000Z');
    expect(sent[0]?.data).toMatchObject({
      mediaCount: 1,
      media: [{ url: PHOTO.url, contentType: 'image/png' }],
    });
    const inbound = (await h.store.listMessages(conversationId))[0] as Message;
    const received = messageEvents(undefined, { ...inbound, media: [PHOTO] }, inbound.createdAt);
    expect(received[0]?.data.mediaCount).toBe(1);
    expect(received[0]?.data).not.toHaveProperty('media');
  });
});
