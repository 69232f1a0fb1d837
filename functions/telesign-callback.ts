import type { HttpRequest } from '@azure/functions';
import type { App } from '../shared/app.js';
import { ValidationError } from '../shared/errors.js';
import { type TeleSignAccount, verifiedWith } from '../shared/providers/accounts.js';
import { parseTeleSignCallback, teleSignToE164 } from '../shared/providers/telesign/callback.js';
import { verifyTeleSignCallback } from '../shared/providers/telesign/signing.js';
import { acceptDeliveryReport, acceptInboundSms } from '../shared/use-cases/accept-inbound.js';
import { httpFunction, json } from './http.js';

/** The body as JSON, read once (the sender id picks the account before the signature is checked). */
function jsonOf(rawBody: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(rawBody) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The sender id of an inbound message (`mo_sms`): our number, which names the channel. */
function inboundSenderId(body: unknown): string | undefined {
  const senderId = (body as { user_response?: { sender_id?: unknown } } | null)?.user_response?.sender_id;
  return typeof senderId === 'string' ? senderId : undefined;
}

/**
 * The accounts a callback may be signed by, from the channels in memory and never from the store: a
 * forged callback must cost no read. An inbound message's sender id is our number, so its
 * channel's account; a delivery report names only a conversation (in the callback URL, which the
 * signature does not cover), so every TeleSign account in use, narrowed to the customer id the TSA
 * header names. The conversation is read after the signature matched, to check that its channel
 * uses the account that signed.
 */
function candidateAccounts(app: App, senderId: string | undefined, request: HttpRequest): TeleSignAccount[] {
  if (senderId !== undefined) {
    const account = app.accounts.telesign(app.directory.channelForNumber(teleSignToE164(senderId)));
    return account ? [account] : [];
  }
  const byKey = new Map<string, TeleSignAccount>();
  for (const channel of [undefined, ...app.directory.channels().filter((c) => c.provider === 'telesign')]) {
    const account = app.accounts.telesign(channel);
    if (account) byKey.set(account.key, account);
  }
  const named = [request.headers.get('authorization'), request.headers.get('x-ts-authorization')].flatMap(
    (value) => /^TSA ([^:]+):/.exec(value?.trim() ?? '')?.[1] ?? [],
  );
  const all = [...byKey.values()];
  return named.length > 0 ? all.filter((account) => named.includes(account.customerId)) : all;
}

/** The account whose key signed the callback, or why none did. */
async function signer(
  candidates: TeleSignAccount[],
  rawBody: string,
  request: HttpRequest,
): Promise<TeleSignAccount | 'missing' | 'invalid'> {
  const input = {
    rawBody,
    authorization: request.headers.get('authorization'),
    xTsAuthorization: request.headers.get('x-ts-authorization'),
  };
  if (!input.authorization && !input.xTsAuthorization) return 'missing';
  for (const account of candidates) {
    const verification = await verifiedWith(account.apiKey, (apiKey) =>
      verifyTeleSignCallback({ customerId: account.customerId, apiKey }, input),
    );
    if (verification === 'valid') return account;
  }
  return 'invalid';
}

/**
 * TeleSign's one callback endpoint, for inbound messages (`mo_sms`) and delivery reports: verify
 * the signature over the raw body, parse, queue, answer 200 (anything else is retried).
 */
export function teleSignCallbackFunction(app: App) {
  return httpFunction({
    name: 'teleSignCallback',
    route: 'telesign/callback',
    methods: ['POST'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => {
      const rawBody = await request.text();
      const body = jsonOf(rawBody);
      const senderId = body.ok ? inboundSenderId(body.value) : undefined;
      const candidates = candidateAccounts(app, senderId, request);
      if (!app.accounts.telesign(undefined) && !app.directory.channels().some((c) => c.telesign))
        return json(404, { error: { code: 'not-found', message: 'TeleSign is not configured here' } });
      const signed = await signer(candidates, rawBody, request);
      if (typeof signed === 'string') {
        app.deps.logger.warn('webhook.rejected', { provider: 'telesign', reason: `${signed} signature` });
        return signed === 'missing'
          ? json(401, { error: { code: 'unauthorized', message: 'the TSA signature is missing' } })
          : json(403, { error: { code: 'forbidden', message: 'the TSA signature does not match' } });
      }
      if (!body.ok) throw new ValidationError('request body is not valid JSON', [], { cause: body.error });
      const conversationId = senderId === undefined ? request.query.get('conversationId') : null;
      if (conversationId) {
        // Signed, but the URL is not: the report may touch only a conversation of the signer's account.
        const conversation = await app.deps.store.getConversation(conversationId);
        const channel = conversation && app.directory.findChannel(conversation.value.channelId);
        if (channel && app.accounts.telesign(channel)?.key !== signed.key) {
          app.deps.logger.warn('webhook.rejected', {
            provider: 'telesign',
            reason: "signed by another channel's account",
            channelId: channel.id,
          });
          return json(403, { error: { code: 'forbidden', message: 'the TSA signature does not match' } });
        }
      }
      const callback = parseTeleSignCallback(body.value, request.query, app.deps.clock.now().toISOString());
      if (callback.kind === 'sms') await acceptInboundSms(app.deps, callback.sms);
      else if (callback.kind === 'report') {
        await acceptDeliveryReport(
          app.deps,
          callback.report,
          `conversation:${callback.report.conversationId}`,
        );
      } else app.deps.logger.info('webhook.ignored', { provider: 'telesign', why: callback.why });
      return json(200, { status: 'ok' });
    },
  });
}
