import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PhoneNumber, SenderNumber } from '../../shared/domain/phone.js';
import { SendError } from '../../shared/errors.js';
import { deliveryTag } from '../../shared/providers/acs/events.js';
import { AcsSender, repeatabilityId } from '../../shared/providers/acs/sender.js';
import { AcsSmsServer, acsSignature } from '../support/acs-sms-server.js';
import { aChannel } from '../support/builders.js';
import { jsonFixture } from '../support/fixtures.js';

const vector = jsonFixture<{
  accessKeyBase64: string;
  method: string;
  pathAndQuery: string;
  host: string;
  xMsDate: string;
  body: string;
  expected: { 'x-ms-content-sha256': string; stringToSign: string; Authorization: string };
}>('acs/acs-hmac-test-vector.json');

describe('the ACS test server', () => {
  it('checks signatures exactly as the published vector signs them', () => {
    const signed = acsSignature({
      accessKeyBase64: vector.accessKeyBase64,
      method: vector.method,
      pathAndQuery: vector.pathAndQuery,
      host: vector.host,
      date: vector.xMsDate,
      body: vector.body,
    });
    expect(signed).toEqual({
      contentHash: vector.expected['x-ms-content-sha256'],
      stringToSign: vector.expected.stringToSign,
      authorization: vector.expected.Authorization,
    });
  });
});

describe('sending through ACS with the SDK', () => {
  const server = new AcsSmsServer(vector.accessKeyBase64);
  let endpoint = '';
  let sender: AcsSender;
  const channel = aChannel({ provider: 'acs', numbers: [{ number: '+18005550100' as SenderNumber }] });
  const request = (id = 'b7b2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c') => ({
    channel,
    idempotencyKey: id,
    conversationId: 'conv-1',
    from: '+18005550100' as SenderNumber,
    to: '+14255550123' as PhoneNumber,
    text: 'Your parcel ships today',
    firstAttemptAt: '2026-11-23T09:00:00.000Z',
  });

  beforeAll(async () => {
    endpoint = await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    sender = new AcsSender(
      { connectionString: `endpoint=${endpoint}/;accesskey=${vector.accessKeyBase64}` },
      { allowInsecureConnection: true },
    );
  });

  it('sends with a signed request, our tag and our repeatability id', async () => {
    const result = await sender.send(request());
    expect(result.providerMessageId).toMatch(/^Outgoing_/);
    expect(server.sends.at(-1)).toEqual({
      from: '+18005550100',
      to: '+14255550123',
      message: 'Your parcel ships today',
      tag: deliveryTag('conv-1', 'b7b2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c'),
      repeatabilityRequestId: 'b7b2c1e4-5f6d-4e7a-9b8c-0d1e2f3a4b5c',
      repeatabilityFirstSent: 'Mon, 23 Nov 2026 09:00:00 GMT',
    });
  });

  it('never sends twice when a send is retried: the repeat carries the same id and first-sent time', async () => {
    const before = server.sends.length;
    const first = await sender.send(request('4a1b2c3d-0000-4000-8000-000000000001'));
    const again = await new AcsSender(
      { connectionString: `endpoint=${endpoint}/;accesskey=${vector.accessKeyBase64}` },
      { allowInsecureConnection: true },
    ).send(request('4a1b2c3d-0000-4000-8000-000000000001'));
    expect(again.providerMessageId).toBe(first.providerMessageId);
    expect(server.sends.length).toBe(before + 1);
    expect(server.repeats).toContain('4a1b2c3d-0000-4000-8000-000000000001');
  });

  it('derives a stable UUID from ids that are not UUIDs', () => {
    expect(repeatabilityId('id-1')).toBe(repeatabilityId('id-1'));
    expect(repeatabilityId('id-1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(repeatabilityId('id-1')).not.toBe(repeatabilityId('id-2'));
  });

  const failure = async () => {
    try {
      await sender.send(request(crypto.randomUUID()));
    } catch (error) {
      if (error instanceof SendError) return error;
      throw error;
    }
    throw new Error('expected the send to fail');
  };

  it('reads a failed recipient inside a 202 as a permanent failure with its reason', async () => {
    server.script({
      kind: 'recipient-failure',
      httpStatusCode: 400,
      errorMessage: 'Invalid To phone number format.',
    });
    expect(await failure()).toMatchObject({
      kind: 'permanent',
      message: 'ACS: Invalid To phone number format.',
    });
  });

  it('reads an opted-out recipient as an opt-out', async () => {
    server.script({
      kind: 'recipient-failure',
      httpStatusCode: 400,
      errorMessage: 'Sender blocked for given recipient.',
    });
    expect(await failure()).toMatchObject({ kind: 'opted-out' });
  });

  it('takes the result for its own recipient when ACS answers with several, in any order', async () => {
    server.script({ kind: 'others-first', others: ['+14255550999', '+14255550888'] });
    const result = await sender.send(request(crypto.randomUUID()));
    expect(result.providerMessageId).toBe(`Outgoing_${String(server.sends.length).padStart(4, '0')}`);
  });

  it('reads 429 as a rate limit and keeps Retry-After', async () => {
    server.script({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'TooManyRequests', message: 'slow down' } },
    });
    expect(await failure()).toMatchObject({ kind: 'rate-limited', retryAfterMs: 7000 });
  });

  it('reads 5xx as transient', async () => {
    server.script({
      kind: 'status',
      status: 503,
      body: { error: { code: 'ServiceUnavailable', message: 'later' } },
    });
    expect(await failure()).toMatchObject({ kind: 'transient' });
  });

  it('checks its credentials: accepted with the right key, refused with a wrong one', async () => {
    expect(await sender.checkCredentials()).toEqual({ ok: true, detail: 'ACS accepted the credentials' });
    const wrong = new AcsSender(
      { connectionString: `endpoint=${endpoint}/;accesskey=${Buffer.from('wrong key').toString('base64')}` },
      { allowInsecureConnection: true },
    );
    expect(await wrong.checkCredentials()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/refused the credentials \(401\)/),
    });
  });

  it('is refused by the server with a wrong key, and says so', async () => {
    const wrong = new AcsSender(
      { connectionString: `endpoint=${endpoint}/;accesskey=${Buffer.from('wrong key').toString('base64')}` },
      { allowInsecureConnection: true },
    );
    await expect(wrong.send(request(crypto.randomUUID()))).rejects.toMatchObject({ kind: 'permanent' });
    expect(server.refused).toContain('signature');
  });
});
