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
});
export type ContactInput = z.input<typeof contactSchema>;

export interface Contact {
  number: PhoneNumber;
  name: string;
  language?: string | undefined;
  attributes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}
