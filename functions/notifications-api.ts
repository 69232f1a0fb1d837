import { notificationRequestSchema } from '../shared/domain/notification.js';

/**
 * The notifications API, described once. `openapi.json` (OpenAPI 3.0, for any client) and the Power
 * Platform connector (`apiDefinition.swagger.json`, Swagger 2.0, the only version custom connectors
 * take) are both generated from this, so the two never drift. Schemas are written in the subset
 * both versions share (no `oneOf`; a field that may be null says `x-nullable`, the connectors'
 * extension, which the OpenAPI 3.0 writer turns into `nullable`); references point at
 * `#/definitions/<name>` and the OpenAPI 3.0 writer moves them under `components`. The `x-ms-*` extensions are the connector
 * coding standards' (summaries and visibility for the flow designer); OpenAPI 3.0 allows them too.
 */

export type Schema = { [key: string]: unknown };

export type Visibility = 'important' | 'advanced' | 'internal';

export interface ApiParameter {
  name: string;
  in: 'path' | 'header' | 'query';
  required: boolean;
  /** The label a flow's designer shows. */
  summary: string;
  description: string;
  visibility?: Visibility;
  schema: Schema;
}

export interface ApiResponse {
  description: string;
  /** A definition's name; absent for answers without a body worth describing. */
  schema?: string;
}

export interface ApiOperation {
  path: string;
  method: 'get' | 'post';
  /** PascalCase, as the connector standards ask. */
  operationId: string;
  summary: string;
  description: string;
  visibility?: Visibility;
  parameters: ApiParameter[];
  body?: { schema: string; description: string };
  responses: Record<string, ApiResponse>;
}

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

const recipientStatuses = ['queued', 'sent', 'delivered', 'failed', 'refused'] as const;

/** The request body's fields are the ones the function validates with (the test holds them equal). */
export const notificationRequestFields = Object.keys(notificationRequestSchema.shape);

const notificationRequest: Schema = {
  type: 'object',
  required: ['channelId', 'to'],
  description: 'Give either text, or templateId with the values its variables need.',
  properties: {
    channelId: {
      type: 'string',
      'x-ms-summary': 'Channel',
      description: 'The channel to send from (its id in the configuration)',
    },
    to: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      'x-ms-summary': 'Recipients',
      description: 'Recipients in E.164 form (+ and the country code), at most 100',
      items: { type: 'string', example: '+14255550123', 'x-ms-summary': 'Recipient' },
    },
    text: {
      type: 'string',
      maxLength: 1600,
      'x-ms-summary': 'Text',
      description: 'The message, at most 1600 characters (leave empty to send a template)',
    },
    templateId: {
      type: 'string',
      'x-ms-summary': 'Template',
      description: 'A stored template to send instead of text (its newest version)',
      'x-ms-dynamic-values': {
        operationId: 'ListTemplates',
        'value-collection': 'templates',
        'value-path': 'id',
        'value-title': 'name',
      },
    },
    values: {
      type: 'object',
      additionalProperties: { type: 'string' },
      'x-ms-summary': 'Template values',
      description: 'The template\'s variables and their values, for example {"order": "A-1234"}',
    },
    language: {
      type: 'string',
      example: 'fr',
      'x-ms-summary': 'Language',
      'x-ms-visibility': 'advanced',
      description: "Send the template in this language rather than each recipient's own (their contact's)",
    },
    sendAt: {
      type: 'string',
      format: 'date-time',
      'x-ms-summary': 'Send at',
      'x-ms-visibility': 'advanced',
      description: 'Send at this time instead of now',
    },
    quietHours: {
      type: 'string',
      enum: ['hold', 'refuse'],
      default: 'hold',
      'x-ms-summary': 'Quiet hours',
      'x-ms-visibility': 'advanced',
      description: "Outside a recipient's quiet-hours window: hold the message until it opens, or refuse it",
    },
  },
};

const recipient: Schema = {
  type: 'object',
  required: ['to', 'status'],
  properties: {
    to: { type: 'string', 'x-ms-summary': 'Recipient', description: 'The number, in E.164 form' },
    status: {
      type: 'string',
      enum: [...recipientStatuses],
      'x-ms-summary': 'Status',
      description: 'queued, sent, delivered, failed or refused',
    },
    messageId: {
      type: 'string',
      'x-nullable': true,
      'x-ms-summary': 'Message id',
      description: 'The message sent to this recipient (absent when refused)',
    },
    reason: {
      type: 'string',
      'x-nullable': true,
      'x-ms-summary': 'Reason',
      description: 'Why it was refused or failed (opted out, quiet hours, invalid number, the provider)',
    },
    heldUntil: {
      type: 'string',
      format: 'date-time',
      'x-ms-summary': 'Held until',
      description: "When a message held for the recipient's quiet hours goes out",
    },
    language: {
      type: 'string',
      'x-ms-summary': 'Language',
      description: 'The template language chosen for this recipient',
    },
  },
};

const recipients = {
  type: 'array',
  'x-ms-summary': 'Recipients',
  description: 'One entry per recipient',
  items: ref('Recipient'),
};

const notificationAccepted: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string', 'x-ms-summary': 'Notification id', description: 'To ask for its status later' },
    recipients,
  },
};

const notificationStatus: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string', 'x-ms-summary': 'Notification id', description: 'The notification' },
    channelId: { type: 'string', 'x-ms-summary': 'Channel', description: 'The channel it was sent from' },
    createdAt: {
      type: 'string',
      format: 'date-time',
      'x-ms-summary': 'Created at',
      description: 'When the notification was accepted',
    },
    sendAt: {
      type: 'string',
      format: 'date-time',
      'x-nullable': true,
      'x-ms-summary': 'Send at',
      description: 'When it was asked to go out (absent: at once)',
    },
    recipients,
  },
};

const templateList: Schema = {
  type: 'object',
  properties: {
    templates: {
      type: 'array',
      'x-ms-summary': 'Templates',
      description: 'Every stored template, by id',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', 'x-ms-summary': 'Template id', description: 'What templateId takes' },
          name: { type: 'string', 'x-ms-summary': 'Name', description: "The template's name" },
          version: { type: 'integer', 'x-ms-summary': 'Version', description: 'The version sent now' },
          languages: {
            type: 'array',
            'x-ms-summary': 'Languages',
            description: 'The languages it has texts in',
            items: { type: 'string', 'x-ms-summary': 'Language' },
          },
          variables: {
            type: 'array',
            'x-ms-summary': 'Variables',
            description: 'The values it needs',
            items: { type: 'string', 'x-ms-summary': 'Variable' },
          },
        },
      },
    },
  },
};

const error: Schema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      'x-ms-summary': 'Error',
      description: 'What was refused and why',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', 'x-ms-summary': 'Code', description: 'A stable code, such as validation' },
        message: { type: 'string', 'x-ms-summary': 'Message', description: 'What was wrong, in words' },
        issues: {
          type: 'array',
          'x-ms-summary': 'Issues',
          description: 'Each invalid field',
          items: {
            type: 'object',
            properties: {
              path: { type: 'string', 'x-ms-summary': 'Field', description: 'The field' },
              message: { type: 'string', 'x-ms-summary': 'Problem', description: 'What is wrong with it' },
            },
          },
        },
      },
    },
  },
};

export const definitions: Record<string, Schema> = {
  NotificationRequest: notificationRequest,
  NotificationAccepted: notificationAccepted,
  NotificationStatus: notificationStatus,
  Recipient: recipient,
  TemplateList: templateList,
  Error: error,
};

const refusal = (description: string): ApiResponse => ({ description, schema: 'Error' });

export const operations: ApiOperation[] = [
  {
    path: '/notifications',
    method: 'post',
    operationId: 'SendNotification',
    summary: 'Send an SMS notification',
    description:
      'Sends a text or a stored template to up to 100 recipients from a channel, now or at a set time. ' +
      'Opted-out recipients, invalid numbers and quiet hours are answered per recipient.',
    visibility: 'important',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        summary: 'Idempotency key',
        description: 'Makes a retried call send once and answer the first answer again',
        visibility: 'advanced',
        schema: { type: 'string', maxLength: 200 },
      },
    ],
    body: { schema: 'NotificationRequest', description: 'What to send, to whom, from which channel' },
    responses: {
      '202': {
        description: 'Accepted: one entry per recipient, queued or refused',
        schema: 'NotificationAccepted',
      },
      '400': refusal('Invalid request'),
      '401': refusal('Not signed in'),
      '403': refusal('The caller may not send notifications'),
      '404': refusal('Unknown channel or template'),
      '409': refusal('The Idempotency-Key was used for another request'),
    },
  },
  {
    path: '/notifications/{notificationId}',
    method: 'get',
    operationId: 'GetNotificationStatus',
    summary: "Get a notification's status",
    description: 'Where each message of a notification is: queued, sent, delivered, failed or refused.',
    parameters: [
      {
        name: 'notificationId',
        in: 'path',
        required: true,
        summary: 'Notification id',
        description: 'The id the send answered',
        schema: { type: 'string' },
      },
    ],
    responses: {
      '200': { description: 'The status per recipient', schema: 'NotificationStatus' },
      '401': refusal('Not signed in'),
      '403': refusal('The caller may not read notifications'),
      '404': refusal('Unknown notification'),
    },
  },
  {
    path: '/templates',
    method: 'get',
    operationId: 'ListTemplates',
    summary: 'List message templates',
    description: 'The stored templates a notification can send, with their languages and variables.',
    parameters: [],
    responses: {
      '200': { description: 'Every template', schema: 'TemplateList' },
      '401': refusal('Not signed in'),
      '403': refusal('The caller may not read templates'),
    },
  },
];
