import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../shared/app.js';
import { type InboundSms, inboundMessageId, validateInboundText } from '../shared/domain/inbound-sms.js';
import { mediaSchema } from '../shared/domain/message.js';
import { parsePhoneNumber, parseSenderNumber } from '../shared/domain/phone.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { acceptInboundSms } from '../shared/use-cases/accept-inbound.js';
import { httpFunction, json, readJson } from './http.js';

const body = z.object({
  from: z.string(),
  to: z.string(),
  text: z.string(),
  /** MMS attachments as a provider hosts them (a picture may come without words). */
  media: z.array(mediaSchema).max(10).default([]),
  /** The provider's message id; repeat it to simulate a provider redelivery. */
  messageId: z.string().min(1).max(200).optional(),
});

/**
 * The local provider's inbound webhook: a customer's text arrives. Like every provider edge it
 * validates, hands the message to the inbound queue (durably) and only then answers 202.
 */
export function localInboundFunction(app: App) {
  const { deps } = app;
  return httpFunction({
    name: 'localInbound',
    route: 'local/inbound',
    methods: ['POST'],
    authLevel: 'anonymous',
    logger: deps.logger,
    handle: async (request) => {
      const input = await readJson(request, body);
      const from = parsePhoneNumber(input.from, 'from');
      const to = parseSenderNumber(input.to, 'to');
      const text = validateInboundText(input.text, input.media.length > 0);
      const providerMessageId = input.messageId ?? randomUUID();
      const sms: InboundSms = {
        id: inboundMessageId('local', providerMessageId),
        provider: 'local',
        providerMessageId,
        from,
        to,
        text,
        media: input.media,
        receivedAt: deps.clock.now().toISOString(),
      };
      const channel = deps.directory.channelForNumber(to);
      if (channel && channel.provider !== 'local') {
        throw new ConflictError(
          `channel ${channel.id} uses ${channel.provider}; its customers' texts come through that provider's webhook`,
        );
      }
      const acceptance = await acceptInboundSms(deps, sms);
      if (acceptance.status === 'unknown-number')
        throw new NotFoundError(`no channel has the number ${input.to}`);
      if (acceptance.status === 'outbound-only') {
        throw new ConflictError(
          `channel ${acceptance.channel.id} is outbound-only; it does not take inbound messages`,
        );
      }
      return json(202, { status: 'accepted', messageId: sms.id });
    },
  });
}
