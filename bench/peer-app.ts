/**
 * The yardstick for the Functions entry point: a minimal Functions app written by hand, as one
 * would without this project. It verifies each provider's webhook (Twilio's signature, ACS's
 * shared secret, TeleSign's HMAC), reads the message and puts it on the inbound Service Bus queue,
 * with no configuration loader, store, directory, validation library or logging. Never deployed:
 * `npm run bench` compares the app's cold start and per-request CPU with this one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import azureFunctions, { type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { ServiceBusClient } from '@azure/service-bus';

const { app } = azureFunctions;
const env = (name: string) => process.env[name] ?? '';
const publicBase = env('SMS_PUBLIC_BASE_URL');
const bus = new ServiceBusClient(env('ServiceBusConnection'));
const inbound = bus.createSender('sms-inbound');

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

async function enqueue(id: string, to: string, from: string, text: string): Promise<void> {
  await inbound.sendMessages({
    messageId: id,
    sessionId: `${to}:${from}`,
    body: { kind: 'sms', sms: { id, to, from, text } },
  });
}

app.http('twilioInbound', {
  route: 'twilio/inbound',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
    const params = Object.fromEntries(new URLSearchParams(await request.text()));
    const { pathname, search } = new URL(request.url);
    let signed = `${publicBase}${pathname}${search}`;
    for (const key of Object.keys(params).sort()) signed += key + params[key];
    const expected = createHmac('sha1', env('TWILIO_AUTH_TOKEN')).update(signed).digest('base64');
    if (!same(request.headers.get('x-twilio-signature') ?? '', expected)) return { status: 403 };
    const { MessageSid, To, From, Body } = params;
    if (!MessageSid || !To || !From) return { status: 400 };
    await enqueue(`twilio:${MessageSid}`, To, From, Body ?? '');
    return { status: 200, headers: { 'content-type': 'text/xml' }, body: '<Response></Response>' };
  },
});

app.http('acsEvents', {
  route: 'acs/events',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
    if (!same(request.headers.get('x-sms-webhook-secret') ?? '', env('ACS_WEBHOOK_SECRET')))
      return { status: 401 };
    const events = (await request.json()) as {
      eventType?: string;
      data?: { messageId?: string; to?: string; from?: string; message?: string };
    }[];
    for (const { eventType, data } of events) {
      if (eventType !== 'Microsoft.Communication.SMSReceived' || !data?.messageId || !data.to || !data.from)
        continue;
      await enqueue(`acs:${data.messageId}`, data.to, data.from, data.message ?? '');
    }
    return { status: 200 };
  },
});

app.http('teleSignCallback', {
  route: 'telesign/callback',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
    const raw = await request.text();
    const expected = createHmac('sha256', Buffer.from(env('TELESIGN_API_KEY'), 'base64'))
      .update(raw)
      .digest('base64');
    if (!same(request.headers.get('authorization') ?? '', `TSA ${env('TELESIGN_CUSTOMER_ID')}:${expected}`))
      return { status: 401 };
    const callback = JSON.parse(raw) as {
      reference_id?: string;
      user_response?: { phone_number?: string; sender_id?: string; mo_message?: string };
    };
    const mo = callback.user_response;
    if (!callback.reference_id || !mo?.phone_number || !mo.sender_id) return { status: 400 };
    await enqueue(
      `telesign:${callback.reference_id}`,
      `+${mo.sender_id}`,
      `+${mo.phone_number}`,
      mo.mo_message ?? '',
    );
    return { status: 200, jsonBody: { status: 'ok' } };
  },
});
