import { z } from 'zod';
import { languageTag } from './contact.js';
import { fill, type LocalizedText, localizedTextSchema, pickText, variablesOf } from './localized.js';

/** The messages the system sends on its own, as Dynamics 365 Omnichannel names them. */
export const automatedKinds = [
  'greeting',
  'queued',
  'agentAssigned',
  'outOfHours',
  'holiday',
  'transfer',
  'ended',
  'survey',
] as const;
export type AutomatedKind = (typeof automatedKinds)[number];

/** The variables each message may use. */
export const automatedVariables: Record<AutomatedKind, readonly string[]> = {
  greeting: ['customerName', 'channelName', 'caseNumber'],
  queued: ['position', 'customerName', 'channelName', 'caseNumber'],
  agentAssigned: ['agentName', 'customerName', 'channelName', 'caseNumber'],
  outOfHours: ['nextOpening', 'customerName', 'channelName', 'caseNumber'],
  holiday: ['holiday', 'nextOpening', 'customerName', 'channelName', 'caseNumber'],
  transfer: ['agentName', 'queueName', 'customerName', 'channelName', 'caseNumber'],
  ended: ['agentName', 'customerName', 'channelName', 'caseNumber'],
  survey: ['agentName', 'customerName', 'channelName', 'caseNumber'],
};

/** Variables a text may leave without a value (a customer we have no name for, no agent yet). */
const OPTIONAL = ['customerName', 'agentName'];

/**
 * What stands for a missing value when the message gives no fallback of its own. A missing name
 * is otherwise left out and the text tidied around it ("Hi, thanks"); an agent is "one of our
 * agents", since "You are now talking to." would not read.
 */
export const builtInFallbacks: Record<string, LocalizedText> = {
  agentName: {
    en: 'one of our agents',
    fr: 'un de nos conseillers',
    es: 'uno de nuestros agentes',
    de: 'einem unserer Mitarbeiter',
    pt: 'um dos nossos atendentes',
    it: 'uno dei nostri operatori',
    nl: 'een van onze medewerkers',
  },
};

const fallbackTextSchema = z.union([
  z.string().trim().min(1).max(100),
  z.record(languageTag, z.string().trim().min(1).max(100)),
]);

/** The texts used when a channel gives none, in English; an admin localizes them per channel. */
export const defaultAutomatedTexts: Record<AutomatedKind, string> = {
  greeting:
    'Thanks for contacting {channelName}. Your case number is {caseNumber}; an agent will be with you soon.',
  queued: 'You are number {position} in the queue. An agent will be with you as soon as possible.',
  agentAssigned: 'You are now talking to {agentName}.',
  outOfHours:
    '{channelName} is closed now. We open again {nextOpening}; your message is kept and we will answer then.',
  holiday:
    '{channelName} is closed today ({holiday}). We open again {nextOpening}; your message is kept and we will answer then.',
  transfer: 'We are passing your conversation to {queueName}. Thank you for your patience.',
  ended: 'This conversation has ended. Your case number is {caseNumber}. Text us any time.',
  survey: '',
};

/** Out of hours and holiday answers are on unless turned off: a customer must not wait unanswered. */
const onByDefault: readonly AutomatedKind[] = ['outOfHours', 'holiday'];

/** One automated message's setting: on or off, and its texts (the default text when absent). */
export const automatedMessageSchema = (kind: AutomatedKind) =>
  z
    .object({
      enabled: z.boolean().default(onByDefault.includes(kind)),
      text: localizedTextSchema.optional(),
      /** What a variable reads when its value is missing (a customer without a name), by variable. */
      fallbacks: z.record(z.string(), fallbackTextSchema).optional(),
    })
    .superRefine((value, ctx) => {
      const strays = Object.keys(value.fallbacks ?? {}).filter((v) => !automatedVariables[kind].includes(v));
      if (strays.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['fallbacks'],
          message: `has {${strays.join('}, {')}}; the ${kind} message may use {${automatedVariables[kind].join('}, {')}}`,
        });
      }
      const texts =
        value.text === undefined
          ? []
          : typeof value.text === 'string'
            ? [value.text]
            : Object.values(value.text);
      const unknown = [...new Set(texts.flatMap(variablesOf))].filter(
        (v) => !automatedVariables[kind].includes(v),
      );
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['text'],
          message: `uses {${unknown.join('}, {')}}; the ${kind} message may use {${automatedVariables[kind].join('}, {')}}`,
        });
      }
      if (kind === 'survey' && value.enabled && texts.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['text'],
          message: 'the survey message needs a text with its link',
        });
      }
    })
    .default({ enabled: onByDefault.includes(kind) });

export const automatedMessagesSchema = z
  .object(
    Object.fromEntries(automatedKinds.map((kind) => [kind, automatedMessageSchema(kind)])) as Record<
      AutomatedKind,
      ReturnType<typeof automatedMessageSchema>
    >,
  )
  .default(
    Object.fromEntries(
      automatedKinds.map((kind) => [kind, { enabled: onByDefault.includes(kind) }]),
    ) as never,
  );
export type AutomatedMessages = z.output<typeof automatedMessagesSchema>;

/**
 * A message's text for a conversation, filled with its values, in the customer's language (the
 * channel's when theirs is not among the texts), or undefined when the message is turned off.
 */
export function automatedText(
  channel: { name: string; language: string; automatedMessages: AutomatedMessages },
  kind: AutomatedKind,
  language: string | undefined,
  values: Record<string, string | number | undefined>,
): string | undefined {
  const configured = channel.automatedMessages[kind];
  if (!configured.enabled) return undefined;
  const texts: string | LocalizedText = configured.text ?? defaultAutomatedTexts[kind];
  const picked = pickText(texts, language, channel.language);
  const filled: Record<string, string | number | undefined> = { channelName: channel.name, ...values };
  for (const name of OPTIONAL) {
    const value = filled[name];
    if (value !== undefined && String(value).trim() !== '') continue;
    const fallback = configured.fallbacks?.[name] ?? builtInFallbacks[name];
    if (fallback) filled[name] = pickText(fallback, picked.language, channel.language).text;
  }
  return fill(picked.text, filled, { field: `automatedMessages.${kind}`, optional: OPTIONAL });
}
