import { describe, expect, it } from 'vitest';
import { poisonEvent } from '../../shared/domain/poison-event.js';

const RECEIVED = '2025-03-07T18:12:20.000Z';

/** An ACS SMSReceived event's data, as Event Grid delivers it (test/fixtures/acs). */
const acsReceived = {
  messageId: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
  from: '+14255550123',
  to: '+18005550100',
  message: 'Hi, I need help with my order #12345',
  receivedTimestamp: '2025-03-07T18:12:14.123Z',
  segmentCount: 1,
};

const poison = (overrides: Partial<Parameters<typeof poisonEvent>[0]> = {}) =>
  poisonEvent({
    provider: 'acs',
    eventId: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
    eventType: 'Microsoft.Communication.SMSReceived',
    data: acsReceived,
    reason: 'data: to: not a phone number',
    receivedAt: RECEIVED,
    ...overrides,
  });

describe('the poison record of an event that could not be processed', () => {
  it('keeps the ids, the reason and the numbers masked, and never the text', () => {
    const record = poison({ occurredAt: '2025-03-07T18:12:15Z' });
    expect(record).toEqual({
      id: '2025-03-07T18:12:15.000Z|acs|Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      provider: 'acs',
      eventId: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      eventType: 'Microsoft.Communication.SMSReceived',
      receivedAt: RECEIVED,
      reason: 'data: to: not a phone number',
      providerMessageId: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      from: '+1********23',
      to: '+1********00',
    });
    expect(JSON.stringify(record)).not.toContain('order #12345');
  });

  it('is filed under the time the event happened, so a redelivery of it is the same record', () => {
    const first = poison({ occurredAt: '2025-03-07T18:12:15Z', receivedAt: '2025-03-07T18:12:20.000Z' });
    const again = poison({ occurredAt: '2025-03-07T18:12:15Z', receivedAt: '2025-03-07T18:20:00.000Z' });
    expect(again.id).toBe(first.id);
    expect(again.receivedAt).toBe('2025-03-07T18:20:00.000Z');
  });

  it('is filed under the time it arrived when the event does not say when it happened', () => {
    expect(poison().id).toBe(`${RECEIVED}|acs|Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c`);
  });

  it('is filed under the time it arrived when the event time is not a date', () => {
    expect(poison({ occurredAt: 'yesterday' }).id.startsWith(`${RECEIVED}|`)).toBe(true);
  });

  it('encodes the event id in its own id, which may not hold / \\ ? #', () => {
    const record = poison({ eventId: 'a/b?c#d' });
    expect(record.id).toBe(`${RECEIVED}|acs|a%2Fb%3Fc%23d`);
    expect(record.eventId).toBe('a/b?c#d');
  });

  it('names a missing or empty event id and type "unknown"', () => {
    for (const missing of [undefined, '']) {
      const record = poison({ eventId: missing, eventType: missing });
      expect(record.eventId).toBe('unknown');
      expect(record.eventType).toBe('unknown');
      expect(record.id).toBe(`${RECEIVED}|acs|unknown`);
    }
  });

  it('cuts an event id and type to 200 characters', () => {
    const record = poison({ eventId: 'e'.repeat(250), eventType: 't'.repeat(250) });
    expect(record.eventId).toBe('e'.repeat(200));
    expect(record.eventType).toBe('t'.repeat(200));
  });

  it('masks the numbers written in the reason and cuts it to 1,000 characters', () => {
    expect(poison({ reason: 'no channel has the number +1 800 555 0100' }).reason).toBe(
      'no channel has the number +1********00',
    );
    expect(poison({ reason: 'x'.repeat(1200) }).reason).toBe('x'.repeat(1000));
  });

  it("reads Twilio's capitalised field names too", () => {
    const record = poison({
      provider: 'twilio',
      data: { MessageId: 'SM1234567890abcdef1234567890abcdef', From: '+14255550123', To: '+18005550100' },
    });
    expect(record.providerMessageId).toBe('SM1234567890abcdef1234567890abcdef');
    expect(record.from).toBe('+1********23');
    expect(record.to).toBe('+1********00');
  });

  it('prefers the lower-case field when an event has both', () => {
    const record = poison({ data: { messageId: 'lower', MessageId: 'upper' } });
    expect(record.providerMessageId).toBe('lower');
  });

  it('keeps no ids or numbers that are empty, not text, or absent', () => {
    const record = poison({ data: { messageId: '', from: 14255550123 } });
    expect(record).toMatchObject({ providerMessageId: null, from: null, to: null });
  });

  it('cuts a field to 200 characters', () => {
    expect(poison({ data: { messageId: 'm'.repeat(250) } }).providerMessageId).toBe('m'.repeat(200));
  });

  it.each([
    ['no data', undefined],
    ['null data', null],
    ['data that is text', 'From=%2B14255550123'],
  ])('keeps an event with %s, without ids or numbers', (_name, data) => {
    expect(poison({ data })).toMatchObject({
      eventId: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      providerMessageId: null,
      from: null,
      to: null,
    });
  });
});
