import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneNumber, SenderNumber } from '../../shared/domain/phone.js';
import { SendError, SendInDoubtError, ValidationError } from '../../shared/errors.js';
import { parseTeleSignCallback, teleSignToE164 } from '../../shared/providers/telesign/callback.js';
import { TeleSignSender } from '../../shared/providers/telesign/sender.js';
import { signTeleSignRequest, verifyTeleSignCallback } from '../../shared/providers/telesign/signing.js';
import { closeServer, listenOnLoopback } from '../../stand-ins/http.js';
import { aChannel } from '../support/builders.js';
import { jsonFixture } from '../support/fixtures.js';
import { readHttpFixture } from '../support/http-fixture.js';
import { TeleSignApiServer } from '../support/telesign-api-server.js';

const credentials = {
  customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
  apiKey: 'ABC12345yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==',
};
const NOW = '2026-11-23T10:00:00.000Z';

describe('TeleSign request signing', () => {
  it('matches the signed send request in the fixtures', () => {
    const request = readHttpFixture('telesign/telesign-send-sms.http.txt');
    const headers = signTeleSignRequest(credentials, {
      method: 'POST',
      contentType: request.headers['content-type'] ?? '',
      date: request.headers.date ?? '',
      nonce: request.headers['x-ts-nonce'] ?? '',
      body: request.body,
      path: request.path,
    });
    expect(headers.authorization).toBe(request.headers.authorization);
  });
});

describe('TeleSign callback signatures', () => {
  const mo = readHttpFixture('telesign/telesign-mo-sms.callback.http.txt');
  const verify = (rawBody: string, authorization: string | null, xTsAuthorization: string | null = null) =>
    verifyTeleSignCallback(credentials, { rawBody, authorization, xTsAuthorization });

  it('accept the signed callback, through either header', () => {
    expect(verify(mo.body, mo.headers.authorization ?? null)).toBe('valid');
    expect(verify(mo.body, null, mo.headers['x-ts-authorization'] ?? null)).toBe('valid');
    expect(verify(mo.body, null, `TSA ${credentials.customerId}:${mo.headers['x-ts-authorization']}`)).toBe(
      'valid',
    );
  });

  it('refuse a changed, truncated or foreign-customer body, and say when nothing is signed', () => {
    expect(verify(mo.body.replace('order #12345', 'order #99999'), mo.headers.authorization ?? null)).toBe(
      'invalid',
    );
    expect(verify(mo.body.slice(0, -10), mo.headers.authorization ?? null)).toBe('invalid');
    const sig = mo.headers['x-ts-authorization'] ?? '';
    expect(verify(mo.body, `TSA 00000000-0000-0000-0000-000000000000:${sig}`)).toBe('invalid');
    expect(verify(mo.body, null, null)).toBe('missing');
  });
});

describe('TeleSign callbacks', () => {
  it('turn mo_sms into the domain inbound message', () => {
    const parsed = parseTeleSignCallback(
      JSON.parse(readHttpFixture('telesign/telesign-mo-sms.callback.http.txt').body),
      new URLSearchParams(),
      NOW,
    );
    expect(parsed).toEqual({
      kind: 'sms',
      sms: {
        id: 'telesign:0143D53D86A2030BE20025B600000002',
        provider: 'telesign',
        providerMessageId: '0143D53D86A2030BE20025B600000002',
        from: '+14255550123',
        to: '+18005550100',
        text: 'Hi, I need help with my order #12345',
        media: [],
        receivedAt: '2025-03-07T18:12:14.787Z',
      },
    });
  });

  const query = new URLSearchParams('conversationId=c1&messageId=m1');
  it.each([
    ['telesign-dlr.delivered.callback.json', 'delivered', null],
    ['telesign-dlr.gateway.callback.json', 'sent', null],
    ['telesign-dlr.failed.callback.json', 'failed', 'TeleSign 210: Temporary phone error'],
  ])('report %s as %s', (file, status, reason) => {
    const parsed = parseTeleSignCallback(jsonFixture(`telesign/${file}`), query, NOW);
    expect(parsed).toMatchObject({
      kind: 'report',
      report: { provider: 'telesign', conversationId: 'c1', messageId: 'm1', status, reason },
    });
  });

  it('read updated_on in RFC 1123 as well as RFC 3339, and parts counts as strings', () => {
    const raw = jsonFixture<Record<string, unknown>>('telesign/telesign-dlr.delivered.callback.json');
    const parsed = parseTeleSignCallback(
      {
        ...raw,
        status: { code: '200', description: 'Delivered', updated_on: 'Fri, 07 Mar 2025 18:13:09 GMT' },
        additional_info: { message_parts_count: '1' },
      },
      query,
      NOW,
    );
    expect(parsed).toMatchObject({
      kind: 'report',
      report: { status: 'delivered', reportedAt: '2025-03-07T18:13:09.000Z' },
    });
  });

  it('ignore a report about a message this app did not send', () => {
    expect(
      parseTeleSignCallback(
        jsonFixture('telesign/telesign-dlr.delivered.callback.json'),
        new URLSearchParams(),
        NOW,
      ),
    ).toMatchObject({
      kind: 'ignored',
    });
  });

  it('refuse a malformed callback', () => {
    expect(() => parseTeleSignCallback({ sub_resource: 'mo_sms' }, query, NOW)).toThrow(ValidationError);
    expect(() =>
      parseTeleSignCallback(
        { reference_id: 'r', sub_resource: 'mo_sms', status: { code: 1500 } },
        query,
        NOW,
      ),
    ).toThrow(ValidationError);
  });

  it('write numbers as E.164', () => {
    expect(teleSignToE164('14255550123')).toBe('+14255550123');
    expect(teleSignToE164('12345')).toBe('12345');
  });
});

describe('sending through TeleSign', () => {
  const server = new TeleSignApiServer(credentials);
  let sender: TeleSignSender;
  let apiBaseUrl = '';
  const channel = aChannel({ provider: 'telesign', numbers: [{ number: '+18005550100' as SenderNumber }] });
  const request = (id = 'msg-1') => ({
    channel,
    idempotencyKey: id,
    conversationId: 'conv-1',
    from: '+18005550100' as SenderNumber,
    to: '+14255550123' as PhoneNumber,
    text: 'Your parcel ships today',
    firstAttemptAt: NOW,
  });
  beforeAll(async () => {
    apiBaseUrl = await server.start();
    sender = new TeleSignSender({ ...credentials, apiBaseUrl, publicBaseUrl: 'https://sms.contoso.com' });
  });
  afterAll(() => server.stop());

  it('sends a signed request in TeleSign form, with a callback naming the message', async () => {
    const result = await sender.send(request());
    expect(result.providerMessageId).toMatch(/^REF/);
    expect(server.sends.at(-1)).toEqual({
      phone_number: '14255550123',
      message: 'Your parcel ships today',
      message_type: 'ARN',
      sender_id: '18005550100',
      external_id: 'msg-1',
      callback_url: 'https://sms.contoso.com/api/telesign/callback?conversationId=conv-1&messageId=msg-1',
    });
  });

  it.each([
    [429, { 'retry-after': '5' }, 'rate-limited'],
    [503, {}, 'transient'],
    [400, {}, 'permanent'],
  ] as const)('reads %s as %s', async (status, headers, kind) => {
    server.failNext(status, { status: { code: 11000, description: 'nope' } }, headers);
    await expect(sender.send(request())).rejects.toSatisfy(
      (error: unknown) => error instanceof SendError && error.kind === kind,
    );
  });

  it('checks its credentials: accepted with the right key, refused with a wrong one', async () => {
    expect(await sender.checkCredentials()).toEqual({
      ok: true,
      detail: 'TeleSign accepted the credentials',
    });
    const wrong = new TeleSignSender({
      customerId: credentials.customerId,
      apiKey: Buffer.from('wrong').toString('base64'),
      apiBaseUrl,
      publicBaseUrl: 'https://sms.contoso.com',
    });
    expect(await wrong.checkCredentials()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/refused the credentials \(401\)/),
    });
  });

  it('is refused by the server with a wrong key, as a permanent failure', async () => {
    const wrong = new TeleSignSender({
      customerId: credentials.customerId,
      apiKey: Buffer.from('wrong').toString('base64'),
      apiBaseUrl,
      publicBaseUrl: 'https://sms.contoso.com',
    });
    await expect(wrong.send(request())).rejects.toSatisfy(
      (error: unknown) => error instanceof SendError && error.kind === 'permanent',
    );
    expect(server.refused).toContain('signature');
  });

  describe('when TeleSign does not answer', () => {
    /** A server that reads the request whole, then does `then` with the socket instead of answering. */
    async function silent(then: (socket: Socket) => void) {
      const quiet = createServer((req) => {
        req.resume();
        req.on('end', () => then(req.socket));
      });
      return { url: await listenOnLoopback(quiet), stop: () => closeServer(quiet) };
    }
    const senderAt = (url: string, answerTimeoutMs?: number) =>
      new TeleSignSender({
        ...credentials,
        apiBaseUrl: url,
        publicBaseUrl: 'https://sms.contoso.com',
        ...(answerTimeoutMs ? { answerTimeoutMs } : {}),
      });

    it('is in doubt when the connection breaks after the request went out: TeleSign may have taken it', async () => {
      const api = await silent((socket) => socket.destroy());
      try {
        const error = await senderAt(api.url)
          .send(request())
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SendInDoubtError);
        expect((error as Error).message).toMatch(/^TeleSign did not answer: /);
      } finally {
        await api.stop();
      }
    });

    it('is in doubt when no answer comes in time', async () => {
      const api = await silent(() => {});
      try {
        const error = await senderAt(api.url, 50)
          .send(request())
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SendInDoubtError);
      } finally {
        await api.stop();
      }
    });

    it('is only transient when it cannot be reached at all: nothing was sent', async () => {
      const closed = createServer();
      const url = await listenOnLoopback(closed);
      await closeServer(closed);
      const error = await senderAt(url)
        .send(request())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SendError);
      expect(error).not.toBeInstanceOf(SendInDoubtError);
      expect((error as SendError).kind).toBe('transient');
      expect((error as Error).message).toMatch(/^TeleSign unreachable: .*ECONNREFUSED/);
    });
  });
});
