import { describe, expect, it } from 'vitest';
import { automatedMessagesSchema } from '../../shared/domain/automated-messages.js';
import type { Channel } from '../../shared/domain/channel.js';
import { channelNumberSchema, hasNumber, numbersOf, typeOf } from '../../shared/domain/channel-number.js';
import { type Configuration, configurationSchema } from '../../shared/domain/configuration.js';
import { addNumber, listNumbers } from '../../shared/use-cases/channel-numbers.js';
import { LiveDirectory } from '../../shared/use-cases/live-directory.js';
import { rateFor } from '../../shared/use-cases/send-pace.js';
import { coreHarness } from '../support/core.js';

describe("a channel's numbers", () => {
  it('read a configuration saved before numbers had details: a bare number has no type set', () => {
    const stored = configurationSchema.parse({
      channels: [
        {
          id: 'support',
          name: 'Support',
          numbers: ['+14255550100', '+18005550100', '12345'],
          provider: 'local',
          defaultQueueId: 'general',
        },
      ],
    });
    const numbers = stored.channels[0]?.numbers ?? [];
    expect(numbers).toEqual([{ number: '+14255550100' }, { number: '+18005550100' }, { number: '12345' }]);
    // Untyped numbers keep the pace they had: their type is read from the number.
    expect(numbers.map(typeOf)).toEqual(['long-code', 'toll-free', 'short-code']);
  });

  it("take the admin's type over what the number looks like", () => {
    const entry = channelNumberSchema.parse({ number: '+1 425 555 0100', type: 'toll-free' });
    expect(entry).toEqual({ number: '+14255550100', type: 'toll-free' });
    expect(typeOf(entry)).toBe('toll-free');
  });

  it.each([
    [{ number: '+14255550100', type: 'short-code' }, 'a short code is 5 or 6 digits'],
    [{ number: '12345', type: 'long-code' }, '12345 is a short code'],
    [{ number: '+14255550100', type: 'premium' }, 'Invalid option'],
    [{ number: '+14255550100', description: '   ' }, 'description'],
    [{ number: '4255550100' }, 'international form'],
    [{ type: 'long-code' }, 'number'],
  ])('refuse %j', (input, reason) => {
    const parsed = channelNumberSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(reason);
  });
});

describe('a configuration stored before numbers had details', () => {
  const stored = {
    channels: [
      {
        id: 'support',
        name: 'Support',
        numbers: ['+14255550100', '+18005550100'],
        provider: 'local',
        defaultQueueId: 'general',
        automatedMessages: automatedMessagesSchema.parse(undefined),
      },
    ],
    queues: [{ id: 'general', name: 'General' }],
  } as unknown as Configuration;

  it('still routes texts to its numbers, paced as they were', async () => {
    const h = coreHarness();
    await h.store.putConfiguration(stored, null);
    const directory = new LiveDirectory(h.store, h.deps.limits.autoClose, h.deps.logger);
    await directory.refresh();
    const channel = directory.channelForNumber('+18005550100');
    expect(channel?.id).toBe('support');
    expect(rateFor(h.deps.sendRates, channel as Channel, '+18005550100')).toBe(h.deps.sendRates.tollFree);
  });

  it('takes a new number and shows the old ones without a type set', async () => {
    const h = coreHarness();
    await h.store.putConfiguration(stored, null);
    await addNumber(h.deps, 'support', { number: '+14255550101', type: 'toll-free' });
    expect(await listNumbers(h.deps, 'support')).toEqual([
      expect.objectContaining({ number: '+14255550100', type: 'long-code', typeInferred: true }),
      expect.objectContaining({ number: '+18005550100', type: 'toll-free', typeInferred: true }),
      expect.objectContaining({ number: '+14255550101', type: 'toll-free', typeInferred: false }),
    ]);
  });
});

describe('one number of a channel, as saved', () => {
  const issues = (input: unknown) =>
    channelNumberSchema
      .safeParse(input)
      .error?.issues.map((issue) => ({ path: issue.path, message: issue.message }));

  it('says which field is wrong and why, in the words of the number rules', () => {
    expect(issues({ number: '4255550100' })).toEqual([
      {
        path: ['number'],
        message: 'number must be in international form, starting with + and the country code',
      },
    ]);
    expect(issues({ number: '+14255550100', type: 'short-code' })).toEqual([
      { path: ['type'], message: 'a short code is 5 or 6 digits' },
    ]);
    expect(issues({ number: '12345', type: 'toll-free' })).toEqual([
      { path: ['type'], message: '12345 is a short code' },
    ]);
  });

  it('takes a short code typed as one, and a short code or a number left untyped', () => {
    expect(channelNumberSchema.parse({ number: '12345', type: 'short-code' })).toEqual({
      number: '12345',
      type: 'short-code',
    });
    expect(channelNumberSchema.parse('12345')).toEqual({ number: '12345' });
    expect(channelNumberSchema.parse({ number: '+18005550100', description: ' Order updates ' })).toEqual({
      number: '+18005550100',
      description: 'Order updates',
    });
  });
});

describe("a channel's number list", () => {
  const channel = {
    numbers: [
      channelNumberSchema.parse('+14255550100'),
      channelNumberSchema.parse({ number: '12345', type: 'short-code' }),
    ],
  };

  it('gives the numbers alone, in order', () => {
    expect(numbersOf(channel)).toEqual(['+14255550100', '12345']);
  });

  it('says whether a number is one of them', () => {
    expect(hasNumber(channel, '12345')).toBe(true);
    expect(hasNumber(channel, '+14255550199')).toBe(false);
  });
});
