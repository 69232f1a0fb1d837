import { createServer, type IncomingMessage } from 'node:http';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneNumber, SenderNumber } from '../../shared/domain/phone.js';
import { CredentialsRefusedError, SendError, SendInDoubtError } from '../../shared/errors.js';
import { TwilioSender } from '../../shared/providers/twilio/sender.js';
import { closeServer, listenOnLoopback, readBody } from '../../stand-ins/http.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';
import { aChannel } from '../support/builders.js';

const ACCOUNT_SID = `AC${'c'.repeat(32)}`;
const AUTH_TOKEN = 'twilio-sender-token';
const from = '+12065550142' as SenderNumber;
const channel = aChannel({ provider: 'twilio', numbers: [{ number: from }] });
const request = {
  channel,
  idempotencyKey: 'msg-7',
  conversationId: 'conv 3',
  from,
  to: '+14255550123' as PhoneNumber,
  text: 'Your order #12 ships today: 50% off & free returns!',
  firstAttemptAt: '2026-12-02T09:00:00.000Z',
};

interface Seen {
  method: string | undefined;
  path: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  form: [string, string][];
}

/** Records what arrives and answers as Twilio does to a send. */
function recordingTwilio() {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req: IncomingMessage, res) => {
    void readBody(req).then((body) => {
      seen.push({
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form: [...new URLSearchParams(body)],
      });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid: `SM${String(seen.length).padStart(32, '0')}`, status: 'queued' }));
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  return { server, seen, connections: () => connections };
}

describe('sending through Twilio', () => {
  const recording = recordingTwilio();
  let baseUrl = '';
  const sender = () =>
    new TwilioSender({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: baseUrl,
      publicBaseUrl: 'https://sms.contoso.example',
    });

  beforeAll(async () => {
    baseUrl = await listenOnLoopback(recording.server);
  });
  afterAll(() => closeServer(recording.server));
  afterEach(() => {
    recording.seen.length = 0;
  });

  it('posts what the Twilio SDK posts for the same message: path, Basic auth, form fields', async () => {
    const sdk = twilio(ACCOUNT_SID, AUTH_TOKEN, { autoRetry: false });
    sdk.api.baseUrl = baseUrl;
    await sdk.messages.create({
      to: request.to,
      body: request.text,
      statusCallback: 'https://sms.contoso.example/api/twilio/status?conversationId=conv+3&messageId=msg-7',
      from,
    });
    const result = await sender().send(request);

    const [bySdk, byUs] = recording.seen;
    expect(result.providerMessageId).toBe(`SM${'0'.repeat(31)}2`);
    expect(byUs).toEqual(bySdk);
    expect(byUs?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(Object.fromEntries(byUs?.form ?? [])).toEqual({
      To: '+14255550123',
      From: from,
      Body: request.text,
      StatusCallback: 'https://sms.contoso.example/api/twilio/status?conversationId=conv+3&messageId=msg-7',
    });
  });

  it('sends through the channel’s Messaging Service instead of its number, with each picture as a MediaUrl', async () => {
    const service = `MG${'d'.repeat(32)}`;
    await sender().send({
      ...request,
      channel: { ...channel, twilio: { messagingServiceSid: service } },
      media: [
        { url: 'https://cdn.contoso.example/a.png', contentType: 'image/png' },
        { url: 'https://cdn.contoso.example/b.jpg', contentType: 'image/jpeg' },
      ],
    });
    const form = recording.seen[0]?.form ?? [];
    expect(form.filter(([key]) => key === 'From')).toEqual([]);
    expect(form.filter(([key]) => key === 'MessagingServiceSid')).toEqual([['MessagingServiceSid', service]]);
    expect(form.filter(([key]) => key === 'MediaUrl').map(([, url]) => url)).toEqual([
      'https://cdn.contoso.example/a.png',
      'https://cdn.contoso.example/b.jpg',
    ]);
  });

  it('keeps its connection open between sends', async () => {
    const before = recording.connections();
    const sending = sender();
    for (const id of ['msg-8', 'msg-9', 'msg-10']) await sending.send({ ...request, idempotencyKey: id });
    expect(recording.connections() - before).toBe(1);
  });
});

describe('a send Twilio refuses', () => {
  const api = new TwilioApiServer(ACCOUNT_SID, AUTH_TOKEN);
  let baseUrl = '';
  const sender = (authToken = AUTH_TOKEN, apiBaseUrl = baseUrl) =>
    new TwilioSender({
      accountSid: ACCOUNT_SID,
      authToken,
      apiBaseUrl,
      publicBaseUrl: 'https://sms.contoso.example',
    });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable('the send was taken'),
      (error: unknown) => error as SendError,
    );

  beforeAll(async () => {
    baseUrl = await api.start();
  });
  afterAll(() => api.stop());

  it('is an opt-out when the recipient replied STOP (21610)', async () => {
    api.failNext(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 });
    const error = await refusal(sender().send(request));
    expect(error).toBeInstanceOf(SendError);
    expect(error.kind).toBe('opted-out');
  });

  it('is rate-limited on a 429, transient on a 5xx, permanent with Twilio’s words otherwise', async () => {
    api.failNext(429, { code: 20429, message: 'Too Many Requests', status: 429 });
    expect((await refusal(sender().send(request))).kind).toBe('rate-limited');
    api.failNext(503, { code: 20503, message: 'Service Unavailable', status: 503 });
    expect((await refusal(sender().send(request))).kind).toBe('transient');
    api.failNext(400, { code: 21211, message: "The 'To' number is not a valid phone number", status: 400 });
    const permanent = await refusal(sender().send(request));
    expect(permanent.kind).toBe('permanent');
    expect(permanent.message).toBe(
      "Twilio refused the message (21211: The 'To' number is not a valid phone number)",
    );
  });

  it('names refused credentials as such', async () => {
    const error = await refusal(sender('not-the-token').send(request));
    expect(error).toBeInstanceOf(CredentialsRefusedError);
    expect(error.message).toBe("Twilio refused the account's credentials (20003)");
  });

  it('is transient when Twilio cannot be reached: nothing was sent', async () => {
    const closed = createServer();
    const unreachable = await listenOnLoopback(closed);
    await closeServer(closed);
    const error = await refusal(sender(AUTH_TOKEN, unreachable).send(request));
    expect(error.kind).toBe('transient');
    expect(error).not.toBeInstanceOf(SendInDoubtError);
    expect(error.message).toMatch(/^Twilio unreachable: /);
  });

  it('is in doubt when the connection breaks in the middle of the answer', async () => {
    const halfway = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"sid": "SM');
        setImmediate(() => req.socket.destroy());
      });
    });
    const url = await listenOnLoopback(halfway);
    try {
      expect(await refusal(sender(AUTH_TOKEN, url).send(request))).toBeInstanceOf(SendInDoubtError);
    } finally {
      await closeServer(halfway);
    }
  });

  it('is in doubt when the connection breaks after the request went out: Twilio may have taken it', async () => {
    const breaking = createServer((req) => {
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    const url = await listenOnLoopback(breaking);
    try {
      const error = await refusal(sender(AUTH_TOKEN, url).send(request));
      expect(error).toBeInstanceOf(SendInDoubtError);
      expect(error.message).toMatch(/^Twilio did not answer: /);
    } finally {
      await closeServer(breaking);
    }
  });
});
