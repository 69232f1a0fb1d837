import { z } from 'zod';
import type { IdentitySource } from '../shared/config.js';
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
    required: generated.required.filter((name) => name === 'channelId' || name === 'to'),
    description: 'Give either text, or templateId with the values its variables need.',
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
      templateId: {
        type: 'string',
        description: 'A stored template to send instead of text (its newest version)',
      },
      values: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'The template\'s variables and their values, for example {"order": "A-1234"}',
      },
      language: {
        type: 'string',
        example: 'fr',
        description: "Send the template in this language rather than each recipient's own (their contact's)",
      },
      sendAt: { type: 'string', format: 'date-time', description: 'Send at this time instead of now' },
      quietHours: {
        type: 'string',
        enum: ['hold', 'refuse'],
        default: 'hold',
        description:
          "Outside a recipient's quiet-hours window: hold the message until it opens, or refuse it",
      },
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

/**
 * How callers authenticate, by the deployment's identity source: the function key, Entra ID
 * (App Service Authentication: a custom connector's OAuth 2.0 security, or a bearer token), or the
 * development sign-in.
 */
function security(identity: IdentitySource) {
  switch (identity) {
    case 'function-keys':
      return { name: 'functionKey', scheme: { type: 'apiKey', in: 'header', name: 'x-functions-key' } };
    case 'app-service':
      return {
        name: 'entraId',
        scheme: {
          type: 'oauth2',
          description:
            "Microsoft Entra ID. The caller's token must be for this app's registration and carry the Sms.Notify (or Sms.Supervisor, Sms.Admin) app role.",
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize',
              tokenUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
              scopes: {},
            },
          },
        },
      };
    case 'dev-sign-in':
      return {
        name: 'devSignIn',
        scheme: {
          type: 'apiKey',
          in: 'header',
          name: 'x-sms-user',
          description: 'The development sign-in of the embedded default (with x-sms-roles: notifier)',
        },
      };
  }
}

/** The notifications API as OpenAPI 3.0, good enough to import as a Power Automate custom connector. */
export function openApiDocument(identity: IdentitySource = 'function-keys') {
  const auth = security(identity);
  return {
    openapi: '3.0.3',
    info: {
      title: 'Omnichannel SMS notifications',
      version: '1.0.0',
      description:
        'Send an SMS to up to 100 recipients through a configured channel, and follow each message.',
    },
    servers: [{ url: '/api' }],
    security: [{ [auth.name]: [] }],
    components: {
      securitySchemes: { [auth.name]: auth.scheme },
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
            '401': refusal('Not signed in'),
            '403': refusal('The caller may not send notifications'),
            '404': refusal('Unknown channel or template'),
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
