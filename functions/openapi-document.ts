import { z } from 'zod';
import { notificationRequestSchema } from '../shared/domain/notification.js';

const error = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: 'What was wrong, in words' },
        issues: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
      required: ['code', 'message'],
    },
  },
};

/**
 * The request body from the same zod schema the function validates with, simplified where Power
 * Automate's connector editor needs it: recipients as a plain list (a single string is accepted
 * too), and a date-time without the long pattern.
 */
function requestBody() {
  const generated = z.toJSONSchema(notificationRequestSchema, { target: 'openapi-3.0', io: 'input' }) as {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
  const { to: _to, sendAt: _sendAt, ...rest } = generated.properties;
  return {
    type: 'object',
    required: generated.required,
    properties: {
      ...rest,
      channelId: { ...rest.channelId, description: 'The channel to send from (its id in the configuration)' },
      to: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: { type: 'string', example: '+14255550123' },
        description: 'Recipients in E.164 form (+ and the country code)',
      },
      text: { type: 'string', maxLength: 1600, description: 'The message, at most 1600 characters' },
      sendAt: { type: 'string', format: 'date-time', description: 'Send at this time instead of now' },
    },
  };
}

/** An error answer: the same JSON shape for every refusal. */
const refusal = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const recipient = {
  type: 'object',
  properties: {
    to: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'sent', 'delivered', 'failed', 'refused'] },
    messageId: { type: 'string', nullable: true },
    reason: { type: 'string', nullable: true },
  },
  required: ['to', 'status'],
};

/** The notifications API as OpenAPI 3.0, good enough to import as a Power Automate custom connector. */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Omnichannel SMS notifications',
      version: '1.0.0',
      description:
        'Send an SMS to up to 100 recipients through a configured channel, and follow each message.',
    },
    servers: [{ url: '/api' }],
    security: [{ functionKey: [] }],
    components: {
      securitySchemes: { functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' } },
      schemas: { NotificationRequest: requestBody(), Recipient: recipient, Error: error },
    },
    paths: {
      '/notifications': {
        post: {
          operationId: 'SendNotification',
          summary: 'Send an SMS notification',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 200 },
              description: 'Makes a retried call send once and answer the first answer again',
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/NotificationRequest' } } },
          },
          responses: {
            '202': {
              description: 'Accepted: one entry per recipient, queued or refused',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      recipients: { type: 'array', items: { $ref: '#/components/schemas/Recipient' } },
                    },
                  },
                },
              },
            },
            '400': refusal('Invalid request'),
            '404': refusal('Unknown channel'),
            '409': refusal('The Idempotency-Key was used for another request'),
          },
        },
      },
      '/notifications/{notificationId}': {
        get: {
          operationId: 'GetNotificationStatus',
          summary: 'Where each message of a notification is',
          parameters: [{ name: 'notificationId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The status per recipient',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      channelId: { type: 'string' },
                      sendAt: { type: 'string', format: 'date-time', nullable: true },
                      recipients: { type: 'array', items: { $ref: '#/components/schemas/Recipient' } },
                    },
                  },
                },
              },
            },
            '404': refusal('Unknown notification'),
          },
        },
      },
    },
  };
}
