import { z } from 'zod';
import { languageTag, nameSchema } from './fields.js';
import { type PhoneNumber, parsePhoneNumber } from './phone.js';

const number = z.string().transform((value, ctx): PhoneNumber => {
  try {
    return parsePhoneNumber(value, 'number');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export { languageTag } from './fields.js';

/** What an admin (or a CRM sync) says about a customer, found by their mobile number. */
export const contactSchema = z.object({
  number,
  name: nameSchema(200),
  language: languageTag.optional(),
  /** Free fields routing rules may test (tier, account, region...). */
  attributes: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'an attribute name is a letter then letters, digits, _ . -'),
      z.string().max(500),
    )
    .refine((attributes) => Object.keys(attributes).length <= 50, 'at most 50 attributes')
    .default({}),
  /**
   * The customer's record in the contact center's CRM, as Dynamics links a conversation to a
   * contact: its id there, and the address an agent opens it at (shown in the customer panel).
   */
  crm: z
    .strictObject({
      id: z.string().trim().min(1, 'the CRM id cannot be empty').max(200),
      url: z
        .url({ protocol: /^https?$/, error: 'an http or https URL' })
        .max(2000)
        .optional(),
    })
    .optional(),
});
export type ContactInput = z.input<typeof contactSchema>;

/** A contact's record in the CRM: its id there and, when known, where an agent opens it. */
export interface ContactCrmLink {
  id: string;
  url?: string | undefined;
}

export interface Contact {
  number: PhoneNumber;
  name: string;
  language?: string | undefined;
  attributes: Record<string, string>;
  crm?: ContactCrmLink | undefined;
  createdAt: string;
  updatedAt: string;
}
