import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import {
  deliveryTag,
  normaliseAcsNumber,
  parseDeliveryReport,
  parseSmsReceived,
  readEvents,
  SMS_DELIVERY_REPORT,
  SMS_RECEIVED,
} from '../../shared/providers/acs/events.js';
import { jsonFixture } from '../support/fixtures.js';

const NOW = '2026-11-23T10:00:00.000Z';
type Raw = Record<string, unknown> & { data: Record<string, unknown> };
const eventGrid = (file: string) => jsonFixture<Raw[]>(`acs/${file}`);
const withData = (event: Raw, data: Record<string, unknown>): Raw => ({
  ...event,
  data: { ...event.data, ...data },
});

describe('ACS event deliveries', () => {
  it('read the Event Grid schema', async () => {
    const [event] = await readEvents(eventGrid('acs-sms-received.eventgrid.json'));
    expect(event).toMatchObject({
      id: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      type: SMS_RECEIVED,
    });
  });

  it('read CloudEvents, single or batched', async () => {
    const single = jsonFixture<Raw>('acs/acs-sms-received.cloudevents.json');
    expect(await readEvents(single)).toHaveLength(1);
    expect(
      await readEvents([single, jsonFixture<Raw>('acs/acs-sms-delivery-report.cloudevents.json')]),
    ).toHaveLength(2);
  });

  it('read a mixed batch in order', async () => {
    const events = await readEvents(eventGrid('acs-sms.batch-mixed.eventgrid.json'));
    expect(events.map((e) => e.type)).toContain(SMS_DELIVERY_REPORT);
    expect(events[0]?.type).toBe(SMS_RECEIVED);
  });

  it('refuse what is not an Event Grid or CloudEvents envelope', async () => {
    await expect(readEvents([{ id: 'x' }])).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents({ hello: 'world' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('check the envelope as the Event Grid SDK does: required properties, schema versions, a readable time', async () => {
    const grid = () => eventGrid('acs-sms-received.eventgrid.json')[0] as Raw;
    const cloud = () => jsonFixture<Raw>('acs/acs-sms-received.cloudevents.json');
    const without = (event: Raw, key: string) => {
      const copy: Record<string, unknown> = { ...event };
      delete copy[key];
      return copy;
    };
    for (const key of [
      'id',
      'topic',
      'subject',
      'eventType',
      'eventTime',
      'dataVersion',
      'metadataVersion',
      'data',
    ])
      await expect(readEvents([without(grid(), key)]), key).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents([{ ...grid(), metadataVersion: '2' }])).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents([{ ...grid(), eventTime: 'yesterday' }])).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents([{ ...grid(), data: null }])).resolves.toHaveLength(1);
    for (const key of ['id', 'source', 'type'])
      await expect(readEvents([without(cloud(), key)]), key).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents([{ ...cloud(), specversion: '0.3' }])).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents([{ ...cloud(), subject: 42 }])).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents([{ ...cloud(), time: 'soon' }])).rejects.toBeInstanceOf(ValidationError);
    await expect(readEvents([without(cloud(), 'data')])).resolves.toHaveLength(1);
  });

  it('give the event time as an ISO instant, and binary CloudEvents data decoded', async () => {
    const [grid] = await readEvents(eventGrid('acs-sms-received.eventgrid.json'));
    expect(grid?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const { data: _data, ...binary } = jsonFixture<Raw>('acs/acs-sms-received.cloudevents.json');
    const [decoded] = await readEvents([{ ...binary, data_base64: Buffer.from('hello').toString('base64') }]);
    expect(Buffer.from(decoded?.data as Uint8Array).toString()).toBe('hello');
    await expect(
      readEvents([{ ...binary, data: {}, data_base64: Buffer.from('hello').toString('base64') }]),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('ACS SMSReceived', () => {
  const parse = async (raw: Raw) => {
    const [event] = await readEvents([raw]);
    if (!event) throw new Error('no event');
    return parseSmsReceived(event, NOW);
  };
  const base = () => eventGrid('acs-sms-received.eventgrid.json')[0] as Raw;

  it('becomes the domain inbound message', async () => {
    expect(await parse(base())).toEqual({
      id: 'acs:Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      provider: 'acs',
      providerMessageId: 'Incoming_20250307181214b7a2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      from: '+14255550123',
      to: '+18005550100',
      text: 'Hi, I need help with my order #12345',
      media: [],
      receivedAt: '2025-03-07T18:12:14.123Z',
    });
  });

  it('reads PascalCase keys, numbers without +, seven fractional digits and a missing segment count', async () => {
    const event = base();
    const pascal: Raw = {
      ...event,
      data: {
        MessageId: 'Incoming_1',
        From: '14255550123',
        To: '18005550100',
        Message: 'hello',
        ReceivedTimestamp: '2025-03-07T18:12:14.1234567Z',
        SomethingNew: true,
      },
    };
    expect(await parse(pascal)).toMatchObject({
      providerMessageId: 'Incoming_1',
      from: '+14255550123',
      to: '+18005550100',
      text: 'hello',
      receivedAt: '2025-03-07T18:12:14.123Z',
    });
  });

  it.each([
    ['a range libphonenumber does not know', '+10005550123', '+10005550123'],
    ['the same without its +', '10005550123', '+10005550123'],
    ['a short code', '55123', '55123'],
  ])('takes a sender in %s, marked not validated', async (_name, from, expected) => {
    expect(await parse(withData(base(), { from }))).toMatchObject({ from: expected, fromValidated: false });
  });

  it('keeps a short code as it is', () => {
    expect(normaliseAcsNumber('12345')).toBe('12345');
    expect(normaliseAcsNumber('14255550123')).toBe('+14255550123');
  });

  it('keeps a multi-segment Unicode text whole', async () => {
    const [event] = eventGrid('acs-sms-received.eventgrid.unicode-multisegment.json');
    const sms = await parse(event as Raw);
    expect(sms.text).toContain('📦');
  });

  it.each([
    ['no sender', { from: undefined }],
    ['an invalid sender', { from: '+1425' }],
    ['no message id', { messageId: undefined }],
    ['1601 characters', { message: 'a'.repeat(1601) }],
  ])('refuses %s', async (_name, change) => {
    await expect(parse(withData(base(), change))).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('ACS delivery reports', () => {
  const ours = deliveryTag('conv-1', 'msg-1');
  const parse = async (file: string, data: Record<string, unknown> = {}) => {
    const [raw] = eventGrid(file);
    const [event] = await readEvents([withData(raw as Raw, data)]);
    if (!event) throw new Error('no event');
    return parseDeliveryReport(event, NOW);
  };

  it('report delivery of our message, found through its tag', async () => {
    expect(await parse('acs-sms-delivery-report.delivered.eventgrid.json', { tag: ours })).toEqual({
      report: {
        provider: 'acs',
        providerMessageId: 'Outgoing_202503071813058813a09b-0cbf-4304-9b03-1546683bb910',
        conversationId: 'conv-1',
        messageId: 'msg-1',
        status: 'delivered',
        reason: null,
        recipientOptedOut: false,
        reportedAt: '2025-03-07T18:13:09.285Z',
      },
      ourNumber: '+18005550100',
      customer: '+14255550123',
    });
  });

  it('report a blocked recipient as a failure that opts them out', async () => {
    const parsed = await parse('acs-sms-delivery-report.failed-optout.eventgrid.json', { tag: ours });
    expect(parsed?.report).toMatchObject({
      status: 'failed',
      reason: 'ACS: Sender blocked for given recipient.',
      recipientOptedOut: true,
    });
  });

  it('ignore reports about messages that are not ours', async () => {
    expect(await parse('acs-sms-delivery-report.delivered.eventgrid.json')).toBeUndefined();
    expect(
      await parse('acs-sms-delivery-report.delivered.eventgrid.json', { tag: undefined }),
    ).toBeUndefined();
  });
});
