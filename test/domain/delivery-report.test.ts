import { describe, expect, it } from 'vitest';
import { deliveryReportSchema, providerReportSchema } from '../../shared/domain/delivery-report.js';
import { inboundWorkSchema } from '../../shared/domain/inbound-work.js';

/** Twilio's undelivered status callback (test/fixtures/twilio), with our ids from its callback URL. */
const undelivered = {
  provider: 'twilio',
  providerMessageId: 'SM33333333333333333333333333333333',
  conversationId: '7f3c2a10-1b2c-4d5e-8f90-123456789abc',
  messageId: 'c0ffee00-1111-4222-8333-444455556666',
  status: 'failed',
  reason: 'the handset is unreachable (switched off or out of coverage) (Twilio 30003)',
  recipientOptedOut: false,
  reportedAt: '2025-03-07T18:14:00.000Z',
};

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.')) ?? [];

describe("a provider's delivery report", () => {
  it('names our conversation and message, the status and why it failed', () => {
    expect(deliveryReportSchema.parse(undelivered)).toEqual(undelivered);
  });

  it('has no reason and no opt-out unless the provider says so', () => {
    const { reason: _reason, recipientOptedOut: _optedOut, ...delivered } = undelivered;
    expect(deliveryReportSchema.parse({ ...delivered, status: 'delivered' })).toMatchObject({
      status: 'delivered',
      reason: null,
      recipientOptedOut: false,
    });
  });

  it('carries an opt-out the provider reports (an ACS "Sender blocked for given recipient")', () => {
    expect(deliveryReportSchema.parse({ ...undelivered, recipientOptedOut: true }).recipientOptedOut).toBe(
      true,
    );
  });

  it('takes only the statuses we track', () => {
    for (const status of ['queued', 'sent', 'delivered', 'failed']) {
      expect(deliveryReportSchema.safeParse({ ...undelivered, status }).success).toBe(true);
    }
    expect(issues(deliveryReportSchema.safeParse({ ...undelivered, status: 'undelivered' }))).toEqual([
      'status',
    ]);
  });

  it('refuses empty ids', () => {
    const empty = { ...undelivered, provider: '', providerMessageId: '', conversationId: '', messageId: '' };
    expect(issues(deliveryReportSchema.safeParse(empty))).toEqual([
      'provider',
      'providerMessageId',
      'conversationId',
      'messageId',
    ]);
  });

  it('refuses a report time that is not an ISO date with its offset', () => {
    expect(issues(deliveryReportSchema.safeParse({ ...undelivered, reportedAt: '2503071814' }))).toEqual([
      'reportedAt',
    ]);
  });
});

describe("a report naming only the provider's message id", () => {
  it("is the same report without our ids (a Twilio Messaging Service's own callback)", () => {
    const { conversationId: _c, messageId: _m, ...report } = undelivered;
    expect(providerReportSchema.parse(report)).toEqual(report);
    expect(providerReportSchema.parse(undelivered)).not.toHaveProperty('messageId');
  });
});

describe('the work on the inbound queue', () => {
  it('is a delivery report, or a report naming only the provider id, told apart by kind', () => {
    const { conversationId: _c, messageId: _m, ...providerOnly } = undelivered;
    expect(inboundWorkSchema.parse({ kind: 'delivery-report', report: undelivered })).toEqual({
      kind: 'delivery-report',
      report: undelivered,
    });
    expect(inboundWorkSchema.parse({ kind: 'provider-report', report: providerOnly })).toEqual({
      kind: 'provider-report',
      report: providerOnly,
    });
    expect(inboundWorkSchema.safeParse({ kind: 'delivery-report', report: providerOnly }).success).toBe(
      false,
    );
  });

  it('or an inbound SMS, checked as it was at the edge', () => {
    const sms = {
      id: 'acs:Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      provider: 'acs',
      providerMessageId: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      from: '+14255550123',
      to: '+18005550100',
      text: 'Hi, I need help with my order #12345',
      receivedAt: '2025-03-07T18:12:14.123Z',
    };
    expect(inboundWorkSchema.parse({ kind: 'sms', sms })).toEqual({
      kind: 'sms',
      sms: { ...sms, media: [] },
    });
  });
});
