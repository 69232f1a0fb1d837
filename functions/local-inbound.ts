import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../shared/app.js';
import { type InboundSms, inboundMessageId } from '../shared/domain/inbound-sms.js';
import { maskPhone } from '../shared/domain/mask.js';
import { validateMessageText } from '../shared/domain/message.js';
import { parsePhoneNumber, parseSenderNumber } from '../shared/domain/phone.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { queueNames } from '../shared/ports.js';
import { httpFunction, json, readJson } from './http.js';

const body = z.object({
  from: z.string(),
  to: z.string(),
  text: z.string(),
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
      const text = validateMessageText(input.text);
      const channel = deps.directory.channelForNumber(to);
      if (!channel) throw new NotFoundError(`no channel has the number ${input.to}`);
      if (channel.direction === 'outbound-only') {
        throw new ConflictError(`channel ${channel.id} is outbound-only; it does not take inbound messages`);
      }
      const providerMessageId = input.messageId ?? randomUUID();
      const sms: InboundSms = {
        id: inboundMessageId('local', providerMessageId),
        provider: 'local',
        providerMessageId,
        from,
        to,
        text,
        receivedAt: deps.clock.now().toISOString(),
      };
      await deps.queue.send(queueNames.inbound, { id: sms.id, sessionId: `${to}:${from}`, body: sms });
      deps.logger.info('inbound.accepted', {
        messageId: sms.id,
        channelId: channel.id,
        customer: maskPhone(from),
      });
      return json(202, { status: 'accepted', messageId: sms.id });
    },
  });
}
