import { describe, expect, it } from 'vitest';
import type { DeliveryReport } from '../../shared/domain/delivery-report.js';
import { Directory } from '../../shared/domain/directory.js';
import { NotFoundError } from '../../shared/errors.js';
import { acceptDeliveryReport, acceptInboundSms } from '../../shared/use-cases/accept-inbound.js';
import { accountOf } from '../../shared/use-cases/check-credentials.js';
import { applyDeliveryReport, applyProviderReport } from '../../shared/use-cases/delivery-report.js';
import {
  ALERTS_NUMBER,
  aChannel,
  aConversation,
  aMessage,
  CUSTOMER,
  SUPPORT_NUMBER,
} from '../support/builders.js';
import { coreHarness } from '../support/core.js';

function loggedEvents(logs: string[]): Record<string, unknown>[] {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the account a channel is served by', () => {
  it("is the channel's own Twilio account, with the secret's name", () => {
    const channel = aChannel({
      provider: 'twilio',
      twilio: { accountSid: `AC${'0'.repeat(32)}`, authTokenSecret: 'support-twilio-token' },
    });
    expect(accountOf(channel)).toBe(
      `Twilio account AC${'0'.repeat(32)} (auth token in secret support-twilio-token)`,
    );
  });

  it("is the deployment's Twilio account when the channel only names a Messaging Service", () => {
    const channel = aChannel({ provider: 'twilio', twilio: { messagingServiceSid: `MG${'1'.repeat(32)}` } });
    expect(accountOf(channel)).toBe("the deployment's account (settings)");
  });

  it("is the channel's own TeleSign customer", () => {
    const channel = aChannel({
      provider: 'telesign',
      telesign: { customerId: 'CUST-42', apiKeySecret: 'support-telesign-key' },
    });
    expect(accountOf(channel)).toBe('TeleSign customer CUST-42 (API key in secret support-telesign-key)');
  });

  it('is an ACS resource by endpoint, with an access key or the app identity', () => {
    const endpoint = 'https://contoso.communication.azure.com';
    expect(accountOf(aChannel({ provider: 'acs', acs: { endpoint, accessKeySecret: 'acs-key' } }))).toBe(
      `ACS resource ${endpoint} (access key in secret acs-key)`,
    );
    expect(accountOf(aChannel({ provider: 'acs', acs: { endpoint } }))).toBe(
      `ACS resource ${endpoint} (the app's identity)`,
    );
  });

  it("is an ACS resource by id, reached with the app's identity", () => {
    const resourceId =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sms/providers/Microsoft.Communication/communicationServices/contoso';
    expect(accountOf(aChannel({ provider: 'acs', acs: { resourceId } }))).toBe(
      `ACS resource ${resourceId} (the app's identity)`,
    );
  });

  it("is the deployment's without any account named", () => {
    expect(accountOf(aChannel())).toBe("the deployment's account (settings)");
  });
});

describe("accepting a customer's text at the provider edge", () => {
  it("queues it in the customer's session on our number, by its id, and logs it masked", async () => {
    const h = coreHarness();
    const sms = h.sms({ text: 'Where is my parcel?' });
    const acceptance = await acceptInboundSms(h.deps, sms);
    expect(acceptance).toEqual({ status: 'accepted', channel: h.deps.directory.channel('support') });
    expect(h.queue.sent).toEqual([
      {
        queue: 'sms-inbound',
        message: { id: sms.id, sessionId: `${SUPPORT_NUMBER}:${CUSTOMER}`, body: { kind: 'sms', sms } },
      },
    ]);
    const logged = loggedEvents(h.logs).find((line) => line.event === 'inbound.accepted');
    expect(logged).toMatchObject({ messageId: sms.id, channelId: 'support' });
    expect(logged?.customer).not.toContain('5550123');
  });

  it('drops a text to a number no channel has, and says so', async () => {
    const h = coreHarness();
    const sms = h.sms({ to: '+14255550177' as typeof SUPPORT_NUMBER });
    expect(await acceptInboundSms(h.deps, sms)).toEqual({ status: 'unknown-number' });
    expect(h.queue.sent).toEqual([]);
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ level: 'warn', event: 'inbound.unknown-number', messageId: sms.id }),
    );
  });

  it('drops a text to an outbound-only number unless it is a consent keyword', async () => {
    const h = coreHarness();
    const text = h.sms({ to: ALERTS_NUMBER, text: 'Thanks!' });
    expect(await acceptInboundSms(h.deps, text)).toMatchObject({ status: 'outbound-only' });
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ level: 'warn', event: 'inbound.outbound-only', channelId: 'alerts' }),
    );
    expect(h.queue.sent).toEqual([]);
    expect(await acceptInboundSms(h.deps, h.sms({ to: ALERTS_NUMBER, text: 'STOP' }))).toMatchObject({
      status: 'accepted',
    });
    expect(h.queue.sent).toHaveLength(1);
  });
});

describe('accepting a delivery report at the provider edge', () => {
  const report: DeliveryReport = {
    provider: 'twilio',
    providerMessageId: 'SM123',
    conversationId: 'conv-1',
    messageId: 'msg-1',
    status: 'delivered',
    reason: null,
    recipientOptedOut: false,
    reportedAt: '2026-11-23T09:05:00.000Z',
  };

  it('queues it by provider, provider id and status, so a repeat of that status is one', async () => {
    const h = coreHarness();
    await acceptDeliveryReport(h.deps, report, 'the-session');
    expect(h.queue.sent).toEqual([
      {
        queue: 'sms-inbound',
        message: {
          id: 'twilio:SM123:delivered',
          sessionId: 'the-session',
          body: { kind: 'delivery-report', report },
        },
      },
    ]);
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ event: 'report.accepted', messageId: 'msg-1', status: 'delivered' }),
    );
  });

  it('queues one naming only the provider id alone, logged by that id', async () => {
    const h = coreHarness();
    const { conversationId: _c, messageId: _m, ...byProviderId } = report;
    await acceptDeliveryReport(h.deps, byProviderId, 'the-session');
    expect(h.queue.sent[0]?.message).toEqual({
      id: 'twilio:SM123:delivered',
      sessionId: 'report:twilio:SM123',
      body: { kind: 'provider-report', report: byProviderId },
    });
    const logged = loggedEvents(h.logs).find((line) => line.event === 'report.accepted');
    expect(logged).toMatchObject({ providerMessageId: 'SM123', status: 'delivered' });
    expect(logged).not.toHaveProperty('messageId');
  });
});

describe('a delivery report applied to the message it names', () => {
  const queued = aMessage({
    id: 'msg-1',
    direction: 'outbound',
    author: { kind: 'agent', agentId: 'alice' },
    from: SUPPORT_NUMBER,
    to: CUSTOMER,
    status: 'queued',
    providerMessageId: null,
  });
  const report = (overrides: Partial<DeliveryReport> = {}): DeliveryReport => ({
    provider: 'local',
    providerMessageId: 'SM123',
    conversationId: 'conv-1',
    messageId: 'msg-1',
    status: 'sent',
    reason: null,
    recipientOptedOut: false,
    reportedAt: '2026-11-23T09:05:00.000Z',
    ...overrides,
  });

  async function harness(message = queued) {
    const h = coreHarness();
    await h.store.createConversation(aConversation());
    await h.store.createMessage(message);
    const stored = async () => (await h.store.getMessage('conv-1', 'msg-1'))?.value;
    return { h, stored };
  }

  it('records the provider id of a report that overtook the send, even when it moves nothing', async () => {
    const { h, stored } = await harness();
    expect(await applyDeliveryReport(h.deps, report({ status: 'queued' }))).toBe('stale');
    expect(await stored()).toMatchObject({ status: 'queued', providerMessageId: 'SM123' });
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({
        event: 'report.stale',
        messageId: 'msg-1',
        status: 'queued',
        provider: 'local',
      }),
    );
  });

  it('logs an applied report', async () => {
    const { h, stored } = await harness();
    expect(await applyDeliveryReport(h.deps, report())).toBe('applied');
    expect(await stored()).toMatchObject({ status: 'sent', providerMessageId: 'SM123' });
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ level: 'info', event: 'report.applied', messageId: 'msg-1' }),
    );
  });

  it('changes nothing for a report naming a customer’s message', async () => {
    const { h, stored } = await harness(aMessage({ id: 'msg-1' }));
    expect(await applyDeliveryReport(h.deps, report({ status: 'failed' }))).toBe('unknown-message');
    expect((await stored())?.status).toBe('received');
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ level: 'warn', event: 'report.unknown-message', messageId: 'msg-1' }),
    );
  });

  it("counts a failure by the sending number's channel", async () => {
    const { h } = await harness();
    await applyDeliveryReport(h.deps, report({ status: 'failed', reason: 'carrier filtered it' }));
    expect(h.metrics.of('sms.delivery.failures')).toEqual([
      {
        kind: 'add',
        name: 'sms.delivery.failures',
        value: 1,
        attributes: { channel: 'support', provider: 'local', reason: 'undelivered' },
      },
    ]);
  });

  it('counts a failure of a number no channel has any more under none', async () => {
    const { h } = await harness(aMessage({ ...queued, from: '+14255550177' as typeof SUPPORT_NUMBER }));
    await applyDeliveryReport(h.deps, report({ status: 'failed' }));
    expect(h.metrics.of('sms.delivery.failures')[0]?.attributes.channel).toBe('none');
  });

  it('counts nothing for a report that is no failure', async () => {
    const { h } = await harness();
    await applyDeliveryReport(h.deps, report({ status: 'delivered' }));
    expect(h.metrics.of('sms.delivery.failures')).toEqual([]);
  });

  it('opts the recipient out of the sending channel when the provider says they blocked it', async () => {
    const { h } = await harness();
    await applyDeliveryReport(
      h.deps,
      report({ status: 'failed', reason: 'error 21610', recipientOptedOut: true }),
    );
    expect((await h.store.getCustomer('support', CUSTOMER))?.value).toMatchObject({
      optedOut: true,
      consentChangedVia: 'local delivery report: error 21610',
    });
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({ event: 'consent.opted-out', channelId: 'support', by: 'local' }),
    );
  });

  it('says why in plain words when the provider gave no reason', async () => {
    const { h } = await harness();
    await applyDeliveryReport(h.deps, report({ status: 'failed', recipientOptedOut: true }));
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.consentChangedVia).toBe(
      'local delivery report: recipient opted out',
    );
  });

  it('writes nothing for a stale report', async () => {
    const { h } = await harness();
    await applyDeliveryReport(h.deps, report({ status: 'delivered' }));
    const before = await h.store.getMessage('conv-1', 'msg-1');
    expect(await applyDeliveryReport(h.deps, report({ status: 'sent' }))).toBe('stale');
    expect((await h.store.getMessage('conv-1', 'msg-1'))?.etag).toBe(before?.etag);
  });

  it('opts out no one for a report that does not say the recipient blocked us', async () => {
    const { h } = await harness();
    await applyDeliveryReport(h.deps, report({ status: 'failed', reason: 'unreachable' }));
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
  });

  it('opts out no one for a report about another send of the message', async () => {
    const { h } = await harness(aMessage({ ...queued, providerMessageId: 'SM999' }));
    expect(await applyDeliveryReport(h.deps, report({ status: 'failed', recipientOptedOut: true }))).toBe(
      'unknown-message',
    );
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
  });

  it('opts out no one when the message was erased right after the report was applied', async () => {
    const { h } = await harness();
    const replace = h.store.replaceMessage.bind(h.store);
    h.store.replaceMessage = async (message, etag) => {
      const written = await replace(message, etag);
      await h.store.deleteMessage(message.conversationId, message.id);
      return written;
    };
    await applyDeliveryReport(h.deps, report({ status: 'failed', recipientOptedOut: true }));
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
  });

  it('opts out no one for a report about a message that is not ours', async () => {
    const { h } = await harness();
    await applyDeliveryReport(h.deps, report({ messageId: 'msg-404', recipientOptedOut: true }));
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
  });

  it('opts out no one when the sending number is no channel’s any more', async () => {
    const { h } = await harness();
    h.deps.directory = new Directory([], []);
    await applyDeliveryReport(h.deps, report({ status: 'failed', recipientOptedOut: true }));
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
  });

  it('waits two minutes for a provider id not known yet before dropping its report', async () => {
    const { h } = await harness();
    const {
      conversationId: _c,
      messageId: _m,
      ...byProviderId
    } = report({
      providerMessageId: 'SMlater',
      reportedAt: '2026-11-23T08:58:00.001Z',
    });
    const error = await applyProviderReport(h.deps, byProviderId).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('no message of ours has local id SMlater yet');
    h.clock.advance(1);
    expect(await applyProviderReport(h.deps, byProviderId)).toBe('unknown-message');
    expect(loggedEvents(h.logs)).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        event: 'report.unknown-message',
        provider: 'local',
        providerMessageId: 'SMlater',
        status: 'sent',
      }),
    );
  });
});
