import { z } from 'zod';
import { parseSenderNumber, type SenderNumber } from './phone.js';
import { type NumberType, numberType } from './sender-pace.js';

export const numberTypes = ['long-code', 'toll-free', 'short-code'] as const satisfies readonly NumberType[];

const SHORT_CODE = /^[0-9]{5,6}$/;

const senderNumber = z.string().transform((value, ctx): SenderNumber => {
  try {
    return parseSenderNumber(value, 'number');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/**
 * One of a channel's numbers, as Dynamics keeps an SMS number: the number, its type and a
 * description. An object so that more can be said of a number later (a pool it belongs to) without
 * another change of shape. A bare string is the shape stored before numbers had details, and is
 * still accepted (seed files, saved configurations): it is a number whose type is not set.
 */
export const channelNumberSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { number: value } : value),
  z
    .object({
      number: senderNumber,
      /** Long code, toll-free or short code: what carriers pace it by. Inferred from the number when absent. */
      type: z.enum(numberTypes).optional(),
      /** What the number is for, in the admin's words (shown, never sent). */
      description: z.string().trim().min(1).max(200).optional(),
    })
    .superRefine((value, ctx) => {
      // A short code is 5-6 digits and nothing else is: a type contradicting the shape is a typo.
      const shortCode = SHORT_CODE.test(value.number);
      if (value.type === 'short-code' && !shortCode) {
        ctx.addIssue({ code: 'custom', path: ['type'], message: 'a short code is 5 or 6 digits' });
      }
      if (value.type && value.type !== 'short-code' && shortCode) {
        ctx.addIssue({ code: 'custom', path: ['type'], message: `${value.number} is a short code` });
      }
    }),
);
export type ChannelNumber = z.output<typeof channelNumberSchema>;
export type ChannelNumberInput = z.input<typeof channelNumberSchema>;

/**
 * The type a number is paced by: the one the admin set; for a number without one (configurations
 * saved before numbers had a type), the type read from the number as before, so an upgrade changes
 * no number's pace.
 */
export function typeOf(entry: ChannelNumber): NumberType {
  return entry.type ?? numberType(entry.number);
}

/** The numbers alone, in the channel's order (the first is the one a new conversation comes from). */
export function numbersOf(channel: { numbers: readonly ChannelNumber[] }): SenderNumber[] {
  return channel.numbers.map((entry) => entry.number);
}

export function hasNumber(channel: { numbers: readonly ChannelNumber[] }, number: string): boolean {
  return channel.numbers.some((entry) => entry.number === number);
}
