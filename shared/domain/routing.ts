import { z } from 'zod';
import { languageTag } from './fields.js';
import { hoursSchema, opennessAt } from './hours.js';
import { patternFinds, patternSchema } from './pattern.js';
import { parseSenderNumber } from './phone.js';

const senderNumber = z.string().transform((value, ctx) => {
  try {
    return parseSenderNumber(value, 'number');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** One routing rule: every condition given must hold; the first rule that matches wins. */
export const routingRuleSchema = z.object({
  when: z
    .object({
      /** Any of these words appears in the first message (whole words, any case). */
      keywords: z.array(z.string().trim().min(1)).min(1).optional(),
      /** The first message matches this regular expression (case-insensitive, RE2 syntax). */
      pattern: patternSchema.optional(),
      /** The customer wrote to one of these of the channel's numbers. */
      numbers: z.array(senderNumber).min(1).optional(),
      /** The message arrived within these hours. */
      during: hoursSchema.optional(),
      /** The customer's language (their contact's, else the channel's) is one of these. */
      languages: z.array(languageTag).min(1).optional(),
      /** What we know of the customer: whether they are a known contact, and their attributes. */
      contact: z
        .object({
          known: z.boolean().optional(),
          /** Each attribute equals the value given (or one of the values). */
          attributes: z
            .record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)]))
            .optional(),
        })
        .optional(),
    })
    .default({}),
  queueId: z.string().min(1),
  /** Skills an agent needs to be given the conversation. */
  skills: z.array(z.string().trim().min(1)).default([]),
});
export type RoutingRule = z.output<typeof routingRuleSchema>;

export interface Route {
  queueId: string;
  skills: string[];
  /** Which rule matched (its position), or null for the channel's default queue. */
  rule: number | null;
}

const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean),
  );

/** What routing knows of a first message and its sender. */
export interface RoutingInput {
  text: string;
  to: string;
  at: Date;
  /** The sender's contact record, when there is one. */
  contact?: { language?: string | undefined; attributes: Record<string, string> } | undefined;
  /** The customer's language: their contact's, else the channel's. */
  language: string;
}

function sameLanguage(wanted: string, language: string): boolean {
  const a = wanted.toLowerCase();
  const b = language.toLowerCase();
  return a === b || b.startsWith(`${a}-`);
}

function matches(rule: RoutingRule, message: RoutingInput): boolean {
  const { when } = rule;
  if (when.keywords) {
    const inText = words(message.text);
    if (!when.keywords.some((keyword) => inText.has(keyword.toLowerCase()))) return false;
  }
  if (when.pattern && !patternFinds(when.pattern, message.text)) return false;
  if (when.numbers && !when.numbers.includes(message.to as never)) return false;
  if (when.during && !opennessAt(when.during, message.at).open) return false;
  if (when.languages && !when.languages.some((wanted) => sameLanguage(wanted, message.language)))
    return false;
  if (when.contact?.known !== undefined && when.contact.known !== (message.contact !== undefined))
    return false;
  for (const [name, expected] of Object.entries(when.contact?.attributes ?? {})) {
    const actual = message.contact?.attributes[name];
    if (actual === undefined || !(Array.isArray(expected) ? expected : [expected]).includes(actual))
      return false;
  }
  return true;
}

/** Picks the queue and the skills for a new conversation from its first message. */
export function route(
  channel: { defaultQueueId: string; routing: RoutingRule[] },
  message: RoutingInput,
): Route {
  const index = channel.routing.findIndex((rule) => matches(rule, message));
  const rule = channel.routing[index];
  return rule
    ? { queueId: rule.queueId, skills: rule.skills, rule: index }
    : { queueId: channel.defaultQueueId, skills: [], rule: null };
}

/** Whether a channel's new conversations may be routed to a queue: its default queue or a rule's. */
export function routesTo(channel: { defaultQueueId: string; routing: RoutingRule[] }, queueId: string) {
  return channel.defaultQueueId === queueId || channel.routing.some((rule) => rule.queueId === queueId);
}
