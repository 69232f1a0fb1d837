import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { CredentialsRefusedError, SendError, ValidationError } from '../../shared/errors.js';
import type { SendRequest } from '../../shared/ports.js';
import { TwilioSender } from '../../shared/providers/twilio/sender.js';
import {
  parseTwilioInbound,
  parseTwilioStatus,
  readForm,
  signedUrl,
  verifyTwilioSignature,
} from '../../shared/providers/twilio/webhook.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { readHttpFixture } from '../support/http-fixture.js';

const AUTH_TOKEN = '12345abcde67890fghij12345abcde67';
const PUBLIC_BASE = 'https://func-contoso-sms.azurewebsites.net';
const AT = '2026-11-23T10:00:00.000Z';

const fixtures = [
  'twilio/twilio-inbound-sms.http.txt',
  'twilio/twilio-inbound-mms.http.txt',
  'twilio/twilio-inbound-stop-optout.http.txt',
  'twilio/twilio-status-callback.sent.http.txt',
  'twilio/twilio-status-callback.delivered.http.txt',
  'twilio/twilio-status-callback.undelivered.http.txt',
  'twilio/twilio-status-callback.failed.http.txt',
];

function verify(path: string, body: string, signature: string | null, base = PUBLIC_BASE) {
  // The local host sees its own address; the signed URL is rebuilt from configuration.
  const url = signedUrl(base, `http://127.0.0.1:7071${path}`);
  return verifyTwilioSignature({ authToken: AUTH_TOKEN, signature, url, params: readForm(body) });
}

describe('Twilio webhook signatures', () => {
  it.each(fixtures)('accepts the signed request %s', async (file) => {
    const request = readHttpFixture(file);
    expect(await verify(request.path, request.body, request.headers['x-twilio-signature'] ?? null)).toBe(
      'valid',
    );
  });

  it.each(fixtures)('refuses %s when a field was changed', async (file) => {
    const request = readHttpFixture(file);
    const forged = request.body.replace(/From=%2B1\d+/, 'From=%2B14255550999');
    expect(forged).not.toBe(request.body);
    expect(await verify(request.path, forged, request.headers['x-twilio-signature'] ?? null)).toBe('invalid');
  });

  it.each(fixtures)('refuses %s replayed to another URL', async (file) => {
    const request = readHttpFixture(file);
    const signature = request.headers['x-twilio-signature'] ?? null;
    expect(await verify(request.path.replace('/api/twilio/', '/api/other/'), request.body, signature)).toBe(
      'invalid',
    );
    expect(await verify(request.path, request.body, signature, 'https://attacker.example')).toBe('invalid');
  });

  it.each(fixtures)('refuses %s truncated', async (file) => {
    const request = readHttpFixture(file);
    const truncated = request.body.slice(0, request.body.lastIndexOf('&'));
    expect(await verify(request.path, truncated, request.headers['x-twilio-signature'] ?? null)).toBe(
      'invalid',
    );
  });

  it('says when the signature is missing', async () => {
    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    expect(await verify(request.path, request.body, null)).toBe('missing');
  });

  it('works behind a proxy and with a function key: the public base and the exact query are what count', async () => {
    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    const params = readForm(request.body);
    const publicBase = 'https://sms.contoso.com/support-line';
    const signature = twilio.getExpectedTwilioSignature(
      AUTH_TOKEN,
      `${publicBase}/api/twilio/inbound?code=function-key%3D%3D`,
      params,
    );
    const seenUrl = 'http://10.0.0.4:8080/api/twilio/inbound?code=function-key%3D%3D';
    const url = signedUrl(publicBase, seenUrl);
    expect(await verifyTwilioSignature({ authToken: AUTH_TOKEN, signature, url, params })).toBe('valid');
    const withoutKey = signedUrl(publicBase, 'http://10.0.0.4:8080/api/twilio/inbound');
    expect(await verifyTwilioSignature({ authToken: AUTH_TOKEN, signature, url: withoutKey, params })).toBe(
      'invalid',
    );
  });

  it('accepts the URL signed with or without its default port, as Twilio signs either', async () => {
    const request = readHttpFixture('twilio/twilio-inbound-sms.http.txt');
    const params = readForm(request.body);
    const url = `${PUBLIC_BASE}/api/twilio/inbound`;
    const withPort = twilio.getExpectedTwilioSignature(
      AUTH_TOKEN,
      `${PUBLIC_BASE}:443/api/twilio/inbound`,
      params,
    );
    expect(await verifyTwilioSignature({ authToken: AUTH_TOKEN, signature: withPort, url, params })).toBe(
      'valid',
    );
    const withoutPort = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);
    expect(
      await verifyTwilioSignature({
        authToken: AUTH_TOKEN,
        signature: withoutPort,
        url: `${PUBLIC_BASE}:443/api/twilio/inbound`,
        params,
      }),
    ).toBe('valid');
    expect(
      await verifyTwilioSignature({
        authToken: AUTH_TOKEN,
        signature: withPort,
        url: `${PUBLIC_BASE}:8443/api/twilio/inbound`,
        params,
      }),
    ).toBe('invalid');
  });

  it('refuses a form that repeats a field', () => {
    expect(() => readForm('From=%2B14255550123&From=%2B14255550124')).toThrow(
      'form field From appears twice',
    );
  });
});

describe('Twilio inbound messages', () => {
  const parse = (file: string) => parseTwilioInbound(readForm(readHttpFixture(file).body), AT);

  it('become the domain inbound message, keyed by MessageSid, from a Messaging Service number', () => {
    expect(parse('twilio/twilio-inbound-sms.http.txt')).toEqual({
      id: 'twilio:SM1f2e3d4c5b6a79880716253443526170',
      provider: 'twilio',
      providerMessageId: 'SM1f2e3d4c5b6a79880716253443526170',
      from: '+14255550123',
      to: '+12065550100',
      text: 'Hi, I need help with my order #12345',
      media: [],
      receivedAt: AT,
    });
  });

  it('keep MMS media: URLs and content types', () => {
    expect(parse('twilio/twilio-inbound-mms.http.txt').media).toEqual([
      {
        url: 'https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/MM0a1b2c3d4e5f60718293a4b5c6d7e8f9/Media/ME0123456789abcdef0123456789abcdef',
        contentType: 'image/jpeg',
      },
    ]);
  });

  it('accept a picture without words, but not an empty text', () => {
    const picture = {
      MessageSid: 'MM1',
      From: '+14255550123',
      To: '+12065550100',
      Body: '',
      NumMedia: '1',
      MediaUrl0: 'https://api.twilio.com/media/1',
      MediaContentType0: 'image/png',
    };
    expect(parseTwilioInbound(picture, AT).media).toHaveLength(1);
    expect(() => parseTwilioInbound({ ...picture, NumMedia: '0' }, AT)).toThrow(ValidationError);
  });

  it('fall back to the legacy SmsSid', () => {
    const sms = parseTwilioInbound(
      { SmsSid: 'SMlegacy', From: '+14255550123', To: '+12065550100', Body: 'hi' },
      AT,
    );
    expect(sms.id).toBe('twilio:SMlegacy');
  });

  it.each([
    ['no sender', { MessageSid: 'SM1', To: '+12065550100', Body: 'hi' }],
    ['an invalid sender', { MessageSid: 'SM1', From: '+1425', To: '+12065550100', Body: 'hi' }],
    ['no message id', { From: '+14255550123', To: '+12065550100', Body: 'hi' }],
    [
      '1601 characters',
      { MessageSid: 'SM1', From: '+14255550123', To: '+12065550100', Body: 'a'.repeat(1601) },
    ],
  ])('refuse %s', (_name, params) => {
    expect(() => parseTwilioInbound(params, AT)).toThrow(ValidationError);
  });
});

describe('Twilio status callbacks', () => {
  const parse = (file: string, query = 'conversationId=c1&messageId=m1') =>
    parseTwilioStatus(readForm(readHttpFixture(file).body), new URLSearchParams(query), AT);

  it.each([
    ['twilio/twilio-status-callback.sent.http.txt', 'sent', null],
    ['twilio/twilio-status-callback.delivered.http.txt', 'delivered', null],
    [
      'twilio/twilio-status-callback.undelivered.http.txt',
      'failed',
      expect.stringMatching(/^Twilio undelivered \(error \d+: .+\)$/),
    ],
    [
      'twilio/twilio-status-callback.failed.http.txt',
      'failed',
      'Twilio failed (error 30007: the carrier filtered the message)',
    ],
  ])('%s reports %s', (file, status, reason) => {
    expect(parse(file)?.report).toEqual({
      provider: 'twilio',
      providerMessageId: 'SM33333333333333333333333333333333',
      conversationId: 'c1',
      messageId: 'm1',
      status,
      reason,
      recipientOptedOut: false,
      reportedAt: AT,
    });
  });

  it('names our number and the customer, for the session', () => {
    expect(parse('twilio/twilio-status-callback.sent.http.txt')).toMatchObject({
      ourNumber: '+12065550100',
      customer: '+14255550123',
    });
  });

  it('names only the MessageSid when the callback URL is not ours (a Messaging Service callback)', () => {
    for (const query of ['', 'conversationId=7f3c2a10']) {
      const report = parse('twilio/twilio-status-callback.sent.http.txt', query)?.report;
      expect(report).toEqual({
        provider: 'twilio',
        providerMessageId: 'SM33333333333333333333333333333333',
        status: 'sent',
        reason: null,
        recipientOptedOut: false,
        reportedAt: AT,
      });
    }
  });

  it('ignores statuses it does not track', () => {
    const params = readForm(readHttpFixture('twilio/twilio-status-callback.sent.http.txt').body);
    expect(
      parseTwilioStatus(
        { ...params, MessageStatus: 'partially_delivered' },
        new URLSearchParams('conversationId=c&messageId=m'),
        AT,
      ),
    ).toBeUndefined();
  });
});

describe('Twilio credential check', () => {
  it('reports refused credentials in words an admin can act on', async () => {
    const server = new TwilioApiServer('ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', AUTH_TOKEN);
    const apiBaseUrl = await server.start();
    const sender = (authToken: string) =>
      new TwilioSender({
        accountSid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        authToken,
        apiBaseUrl,
        publicBaseUrl: PUBLIC_BASE,
      });
    try {
      expect(await sender(AUTH_TOKEN).checkCredentials()).toMatchObject({ ok: true });
      expect(await sender('wrong-token').checkCredentials()).toEqual({
        ok: false,
        refused: true,
        detail:
          'Twilio refused the account SID and auth token (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)',
      });
    } finally {
      await server.stop();
    }
  });
});

describe('Twilio accounts at the API stand-in', () => {
  const A = `AC${'a'.repeat(32)}`;
  const B = `AC${'b'.repeat(32)}`;
  const SERVICE_OF_A = `MG${'a'.repeat(32)}`;
  const request = (messagingServiceSid?: string) =>
    ({
      channel: { id: 'sales', twilio: messagingServiceSid ? { messagingServiceSid } : undefined },
      idempotencyKey: 'm1',
      from: '+12065550100',
      to: '+14255550123',
      text: 'Hello',
      conversationId: 'c1',
      firstAttemptAt: '2026-11-23T09:00:00.000Z',
    }) as unknown as SendRequest;

  it("refuses another account's token (credentials, to re-read) and another account's Messaging Service (21701, permanent), and takes each account's own", async () => {
    const server = new TwilioApiServer(A, 'token-of-a');
    server.addAccount(B, 'token-of-b', { messagingServices: [] });
    const apiBaseUrl = await server.start();
    const sender = (accountSid: string, authToken: string) =>
      new TwilioSender({ accountSid, authToken, apiBaseUrl, publicBaseUrl: PUBLIC_BASE });
    try {
      await expect(sender(B, 'token-of-a').send(request())).rejects.toBeInstanceOf(CredentialsRefusedError);
      const foreign = await sender(B, 'token-of-b')
        .send(request(SERVICE_OF_A))
        .catch((error: unknown) => error);
      expect(foreign).toBeInstanceOf(SendError);
      expect(foreign).not.toBeInstanceOf(CredentialsRefusedError);
      expect((foreign as SendError).kind).toBe('permanent');
      expect((foreign as Error).message).toContain('21701');
      await sender(A, 'token-of-a').send(request(SERVICE_OF_A));
      await sender(B, 'token-of-b').send(request());
      expect(server.sends.map((send) => send.accountSid)).toEqual([A, B]);
      server.rotateToken(A, 'token-of-a-2');
      await expect(sender(A, 'token-of-a').send(request())).rejects.toBeInstanceOf(CredentialsRefusedError);
      await sender(A, 'token-of-a-2').send(request());
      // A secondary token is taken beside the primary until it is promoted, then alone.
      server.addSecondaryToken(A, 'token-of-a-3');
      await sender(A, 'token-of-a-3').send(request());
      await sender(A, 'token-of-a-2').send(request());
      server.promoteSecondaryToken(A);
      await expect(sender(A, 'token-of-a-2').send(request())).rejects.toBeInstanceOf(CredentialsRefusedError);
      await sender(A, 'token-of-a-3').send(request());
      expect(server.refused).toEqual([`authentication ${B}`, `authentication ${A}`, `authentication ${A}`]);
    } finally {
      await server.stop();
    }
  });
});
