import { z } from 'zod';
import type { ChannelSettings } from '../domain/channel.js';
import {
  type ChannelNumber,
  channelNumberSchema,
  hasNumber,
  numberTypes,
  typeOf,
} from '../domain/channel-number.js';
import { parseSenderNumber } from '../domain/phone.js';
import type { NumberType } from '../domain/sender-pace.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { changeChannel, findChannelSettings, parsePart, readConfiguration } from './admin-configuration.js';
import type { CoreDeps } from './deps.js';
import { rateFor } from './send-pace.js';

/** A channel's number as the admin API shows it: its details and the pace they give it. */
export interface NumberDetails {
  number: string;
  type: NumberType;
  /** True when the admin has not set the type and it was read from the number. */
  typeInferred: boolean;
  description: string | null;
  /** Messages per second this number sends at: the channel's rate, else its type's. */
  sendRatePerSecond: number;
}

export function numberDetails(deps: CoreDeps, channel: ChannelSettings): NumberDetails[] {
  return channel.numbers.map((entry) => ({
    number: entry.number,
    type: typeOf(entry),
    typeInferred: entry.type === undefined,
    description: entry.description ?? null,
    sendRatePerSecond: rateFor(deps.sendRates, channel, entry.number),
  }));
}

export async function listNumbers(deps: CoreDeps, channelId: string): Promise<NumberDetails[]> {
  const { value } = await readConfiguration(deps);
  return numberDetails(deps, findChannelSettings(value, channelId));
}

/** Adds a number (E.164 or a short code; on no other channel), with its type and description. */
export async function addNumber(deps: CoreDeps, channelId: string, input: unknown) {
  const entry = parsePart(channelNumberSchema, input, 'the number');
  return changeChannel(deps, channelId, (channel) => {
    if (hasNumber(channel, entry.number))
      throw new ConflictError(`channel ${channelId} has ${entry.number} already`);
    return { ...channel, numbers: [...channel.numbers, entry] };
  });
}

const detailsSchema = z.strictObject({
  type: z.enum(numberTypes).optional(),
  description: z.string().optional(),
});

/**
 * Replaces a number's details (PUT): what the body leaves out is unset, so a type removed goes back
 * to being read from the number. The number keeps its place in the channel's order.
 */
export async function putNumberDetails(
  deps: CoreDeps,
  channelId: string,
  input: string,
  body: unknown,
): Promise<{ channel: ChannelSettings; number: NumberDetails }> {
  const number = parseSenderNumber(input, 'number');
  const details = parsePart(detailsSchema, body, 'the number details');
  const entry: ChannelNumber = parsePart(channelNumberSchema, { ...details, number }, 'the number');
  const channel = await changeChannel(deps, channelId, (current) => {
    if (!hasNumber(current, number)) throw new NotFoundError(`channel ${channelId} has no number ${number}`);
    return { ...current, numbers: current.numbers.map((n) => (n.number === number ? entry : n)) };
  });
  const shown = numberDetails(deps, channel).find((n) => n.number === number);
  if (!shown) throw new NotFoundError(`channel ${channelId} has no number ${number}`);
  return { channel, number: shown };
}

/** Removes a number from a channel (never its last: a channel needs one). */
export async function removeNumber(deps: CoreDeps, channelId: string, input: string) {
  const number = parseSenderNumber(input, 'number');
  return changeChannel(deps, channelId, (channel) => {
    if (!hasNumber(channel, number)) throw new NotFoundError(`channel ${channelId} has no number ${number}`);
    return { ...channel, numbers: channel.numbers.filter((n) => n.number !== number) };
  });
}
