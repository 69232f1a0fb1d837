import { z } from 'zod';
import { automatedMessagesSchema } from './automated-messages.js';
import { channelNumberSchema } from './channel-number.js';
import { consentSchema } from './consent.js';
import { languageTag, nameSchema } from './fields.js';
import { hoursSchema } from './hours.js';
import { type InactivityLimits, inactivityLimitsSchema } from './inactivity.js';
import { notificationWindowSchema } from './quiet-hours.js';
import { routingRuleSchema } from './routing.js';
import { queueWrapUpSchema } from './wrap-up.js';

export const providerNames = ['local', 'acs', 'twilio', 'telesign'] as const;
export type ProviderName = (typeof providerNames)[number];

export const channelDirections = ['inbound-outbound', 'outbound-only'] as const;
export type ChannelDirection = (typeof channelDirections)[number];

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes (at most 63)');

/** A secret's name in the secret store (Key Vault's rule): never its value. */
const secretName = z
  .string()
  .regex(
    /^[0-9A-Za-z-]{1,127}$/,
    "a secret name (Key Vault's rule: letters, digits and dashes, at most 127)",
  );

export const channelSchema = z.object({
  id,
  name: nameSchema(),
  /** The channel's numbers with their details; the first is the one a new conversation comes from. */
  numbers: z.array(channelNumberSchema).min(1, 'a channel needs at least one number'),
  provider: z.enum(providerNames),
  direction: z.enum(channelDirections).default('inbound-outbound'),
  language: languageTag.default('en'),
  /**
   * Idle minutes before auto-close while active or waiting (set aside), when `autoClose` does not
   * name that state; the configured default applies when absent.
   */
  autoCloseMinutes: z.number().int().positive().optional(),
  /**
   * The inactivity limit of each state, as Dynamics 365 sets one per state (minutes; null: never).
   * Open and active wait on the center, so only the channel's opening hours count for them.
   */
  autoClose: inactivityLimitsSchema.optional(),
  defaultQueueId: id,
  /** Quiet hours for notifications: outside this window (the recipient's time) they wait for it. */
  notificationWindow: notificationWindowSchema.optional(),
  /**
   * The messages the system sends on its own (greeting, place in the queue, agent assigned, out of
   * hours, holiday, transfer, ended, survey link), each on or off, localized, with variables.
   */
  automatedMessages: automatedMessagesSchema,
  /** What an agent may do when starting a conversation with a customer. */
  agentInitiated: z
    .object({
      enabled: z.boolean().default(true),
      /** Only while the channel is open (its opening hours). */
      onlyWhenOpen: z.boolean().default(false),
      /** Not in the recipient's quiet hours (the channel's notification window). */
      respectQuietHours: z.boolean().default(true),
    })
    .default({ enabled: true, onlyWhenOpen: false, respectQuietHours: true }),
  /** A returning customer goes back to the agent who last served them, when that agent can take it. */
  affinity: z.boolean().default(false),
  /** Ordered rules choosing the queue and skills of a new conversation; the default queue otherwise. */
  routing: z.array(routingRuleSchema).default([]),
  /** Opening hours; always open when absent. Outside them customers are told, and wait. */
  hours: hoursSchema.optional(),
  /** Consent keywords and their replies (STOP, START, HELP and their synonyms by default). */
  consent: consentSchema.default(consentSchema.parse({})),
  /**
   * Days a message is kept (the transcript); the conversation itself, which holds the figures and
   * no text, stays. Kept for ever when absent.
   */
  retentionDays: z.number().int().min(1).max(3650).optional(),
  /** Messages per second each of the channel's numbers may send; by each number's type when absent. */
  sendRatePerSecond: z.number().positive().max(1000).optional(),
  /**
   * ACS only: the channel's own Communication Services resource, found by the app's identity
   * (`resourceId`), or named by its endpoint, reached with the app's identity or, when
   * `accessKeySecret` names one, with the access key held in the secret store.
   */
  acs: z
    .object({
      resourceId: z
        .string()
        .regex(
          /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Communication\/communicationServices\/[^/]+$/i,
          'an ACS resource id is /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Communication/communicationServices/<name>',
        )
        .optional(),
      endpoint: z
        .url({
          protocol: /^https?$/,
          error: 'the resource endpoint, for example https://contoso.communication.azure.com',
        })
        .optional(),
      accessKeySecret: secretName.optional(),
    })
    .superRefine((acs, ctx) => {
      if ((acs.resourceId === undefined) === (acs.endpoint === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'name the resource by resourceId or by endpoint (one of them)',
        });
      }
      if (acs.accessKeySecret !== undefined && acs.endpoint === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['accessKeySecret'],
          message: 'an access key goes with an endpoint (a resource id is reached with the app identity)',
        });
      }
    })
    .optional(),
  /**
   * Twilio only: the channel's own Twilio account (its SID and the name of the secret holding its
   * auth token), and a Messaging Service to send through instead of from the number itself.
   * Without an account the deployment's (TWILIO_ACCOUNT_SID) serves the channel.
   */
  twilio: z
    .object({
      accountSid: z
        .string()
        .regex(/^AC[0-9a-f]{32}$/, 'an account SID is AC and 32 hex digits')
        .optional(),
      authTokenSecret: secretName.optional(),
      messagingServiceSid: z
        .string()
        .regex(/^MG[0-9a-f]{32}$/, 'a Messaging Service SID is MG and 32 hex digits')
        .optional(),
    })
    .superRefine((account, ctx) => {
      if ((account.accountSid === undefined) !== (account.authTokenSecret === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [account.accountSid === undefined ? 'accountSid' : 'authTokenSecret'],
          message: 'an account names its SID and the secret holding its auth token together',
        });
      }
    })
    .optional(),
  /**
   * TeleSign only: the channel's own TeleSign account (customer id and the name of the secret
   * holding its API key). Without one the deployment's (TELESIGN_CUSTOMER_ID) serves the channel.
   */
  telesign: z
    .object({
      customerId: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, 'the customer id as TeleSign shows it (letters, digits and dashes)'),
      apiKeySecret: secretName,
    })
    .optional(),
});
export type ChannelInput = z.input<typeof channelSchema>;
/** A channel as configured and stored: the auto-close limit is absent when it follows the default. */
export type ChannelSettings = z.output<typeof channelSchema>;
/** A channel as the use cases see it, with its inactivity limits filled in. */
export type Channel = Omit<ChannelSettings, 'autoCloseMinutes' | 'autoClose'> & {
  autoCloseMinutes: number;
  autoClose: InactivityLimits;
};

export const distributionModes = ['push', 'pick'] as const;

export const queueSchema = z.object({
  id,
  name: nameSchema(),
  /** push: the system assigns to the least-loaded able agent; pick: agents take from the line. */
  distribution: z.enum(distributionModes).default('push'),
  /** The service level target: the share of conversations answered within this many seconds. */
  serviceLevelSeconds: z.number().int().min(1).max(86_400).optional(),
  /** The wrap-up codes an agent chooses from on ending a conversation of this queue, and whether one is required. */
  wrapUp: queueWrapUpSchema.optional(),
});
export type Queue = z.output<typeof queueSchema>;

export const idSchema = id;
