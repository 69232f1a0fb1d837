import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { builtInFallbacks } from './automated-messages.js';
import { languageTag, nameSchema } from './fields.js';
import { fill, type LocalizedText, localizedTextSchema, pickText, variablesOf } from './localized.js';

/**
 * The variables a quick reply may use: those of the automated messages that have a value in any
 * conversation an agent answers (the customer, the agent using it, the channel, the case, the
 * queue). The queue position, next opening and holiday name belong to the moments those automated
 * messages are sent, not to a reply.
 */
export const quickReplyVariables = [
  'customerName',
  'agentName',
  'channelName',
  'caseNumber',
  'queueName',
] as const;
/** As in automated messages: a customer we have no name for is left out and the text tidied. */
const OPTIONAL = ['customerName'];

/** How many an organization keeps, and an agent for themselves: a list to pick from, not a library. */
export const ORGANIZATION_QUICK_REPLIES_MAX = 200;
export const PERSONAL_QUICK_REPLIES_MAX = 50;

export const quickReplyScopes = ['organization', 'personal'] as const;
export type QuickReplyScope = (typeof quickReplyScopes)[number];

export const quickReplyInputSchema = z
  .object({
    /** What the agent picks it by in the composer. */
    name: nameSchema(100),
    /** The text, or texts by language; a plain string is in the default language. */
    texts: localizedTextSchema,
    /** The language used when the customer's is not among the texts. */
    defaultLanguage: languageTag.default('en'),
  })
  .superRefine((value, ctx) => {
    const texts = typeof value.texts === 'string' ? [value.texts] : Object.values(value.texts);
    const unknown = [...new Set(texts.flatMap(variablesOf))].filter(
      (name) => !(quickReplyVariables as readonly string[]).includes(name),
    );
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['texts'],
        message: `uses {${unknown.join('}, {')}}; a quick reply may use {${quickReplyVariables.join('}, {')}}`,
      });
    }
  });
export type QuickReplyInput = z.input<typeof quickReplyInputSchema>;

/** A stored quick reply: the organization's (admins manage it) or one agent's own. */
export interface QuickReply {
  id: string;
  scope: QuickReplyScope;
  /** The agent it belongs to (personal ones only). */
  agentId?: string;
  name: string;
  texts: LocalizedText;
  defaultLanguage: string;
  /** The variables its texts use (all languages together). */
  variables: string[];
  updatedAt: string;
  updatedBy: string;
}

/** Where a quick reply is kept: the organization's together, each agent's together. */
export function quickReplyOwner(reply: { scope: QuickReplyScope; agentId?: string | undefined }): string {
  if (reply.scope === 'organization') return 'organization';
  if (!reply.agentId) throw new Error('a personal quick reply names its agent');
  return `agent:${reply.agentId}`;
}

export function makeQuickReply(
  base: { id: string; scope: QuickReplyScope; agentId?: string | undefined },
  input: z.output<typeof quickReplyInputSchema>,
  at: string,
  by: string,
): QuickReply {
  const texts: LocalizedText =
    typeof input.texts === 'string' ? { [input.defaultLanguage]: input.texts } : input.texts;
  return {
    id: base.id,
    scope: base.scope,
    ...(base.scope === 'personal' && base.agentId ? { agentId: base.agentId } : {}),
    name: input.name,
    texts,
    defaultLanguage: input.defaultLanguage,
    variables: [...new Set(Object.values(texts).flatMap(variablesOf))],
    updatedAt: at,
    updatedBy: by,
  };
}

/** What a conversation gives a quick reply's variables. */
export interface QuickReplyValues {
  customerName?: string | undefined;
  agentName?: string | undefined;
  channelName: string;
  caseNumber?: string | undefined;
  queueName?: string | undefined;
}

/**
 * A quick reply's text for a conversation: in the customer's language (else the reply's default,
 * else any), its variables filled as automated messages fill them. The agent edits it before it
 * goes, so this is a draft: it is checked as any text we send.
 */
export function resolveQuickReply(
  reply: Pick<QuickReply, 'id' | 'texts' | 'defaultLanguage'>,
  language: string | undefined,
  values: QuickReplyValues,
): { language: string; text: string } {
  const picked = pickText(reply.texts, language, reply.defaultLanguage);
  const filled: Record<string, string | undefined> = { ...values };
  if (!filled.agentName?.trim()) {
    const fallback = builtInFallbacks.agentName;
    if (fallback) filled.agentName = pickText(fallback, picked.language, 'en').text;
  }
  try {
    return {
      language: picked.language,
      text: fill(picked.text, filled, { field: `quick reply ${reply.id}`, optional: OPTIONAL }),
    };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(`quick reply ${reply.id} cannot be filled`, [], { cause: error });
  }
}
