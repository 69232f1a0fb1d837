import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSeed } from '../../shared/domain/seed.js';
import { ValidationError } from '../../shared/errors.js';

const bounds = { defaultMinutes: 1440, minMinutes: 5, maxMinutes: 10_080 };
const shipped = JSON.parse(readFileSync(new URL('../../config/seed.json', import.meta.url), 'utf8'));

function issuesOf(input: unknown) {
  try {
    parseSeed(input, bounds);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the seed to be refused');
}

const channel = (overrides: Record<string, unknown> = {}) => ({
  id: 'support',
  name: 'Support',
  numbers: ['+14255550100'],
  provider: 'local',
  defaultQueueId: 'general',
  ...overrides,
});
const seedWith = (overrides: Record<string, unknown> = {}) => ({
  channels: [channel()],
  queues: [{ id: 'general', name: 'General' }],
  agents: [],
  ...overrides,
});

describe('seed configuration', () => {
  it('accepts the shipped config/seed.json', () => {
    const seed = parseSeed(shipped, bounds);
    expect(seed.channels.map((c) => c.id)).toEqual(['support', 'alerts']);
    expect(seed.agents.map((a) => [a.id, a.capacity])).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
  });

  it('fills defaults: direction, language and the configured auto-close limit', () => {
    const [parsed] = parseSeed(seedWith(), bounds).channels;
    expect(parsed).toMatchObject({ direction: 'inbound-outbound', language: 'en', autoCloseMinutes: 1440 });
  });

  it('normalises numbers to E.164', () => {
    const [parsed] = parseSeed(
      seedWith({ channels: [channel({ numbers: ['+1 (425) 555-0100'] })] }),
      bounds,
    ).channels;
    expect(parsed?.numbers).toEqual([{ number: '+14255550100' }]);
  });

  it.each([
    ['a channel without numbers', seedWith({ channels: [channel({ numbers: [] })] }), 'channels.0.numbers'],
    [
      'an invalid number',
      seedWith({ channels: [channel({ numbers: ['+1425'] })] }),
      'channels.0.numbers.0.number',
    ],
    [
      'an unknown provider',
      seedWith({ channels: [channel({ provider: 'carrier-pigeon' })] }),
      'channels.0.provider',
    ],
    [
      'an unknown direction',
      seedWith({ channels: [channel({ direction: 'inbound-only' })] }),
      'channels.0.direction',
    ],
    [
      'an unknown default queue',
      seedWith({ channels: [channel({ defaultQueueId: 'vip' })] }),
      'channels.0.defaultQueueId',
    ],
    [
      'auto-close below the minimum',
      seedWith({ channels: [channel({ autoCloseMinutes: 1 })] }),
      'channels.0.autoCloseMinutes',
    ],
    [
      'auto-close above the maximum',
      seedWith({ channels: [channel({ autoCloseMinutes: 20_000 })] }),
      'channels.0.autoCloseMinutes',
    ],
    ['one number on two channels', seedWith({ channels: [channel(), channel({ id: 'sales' })] }), 'channels'],
    [
      'duplicate queue ids',
      seedWith({
        queues: [
          { id: 'general', name: 'A' },
          { id: 'general', name: 'B' },
        ],
      }),
      'queues',
    ],
    [
      'an agent in an unknown queue',
      seedWith({ agents: [{ id: 'alice', name: 'Alice', capacity: 1, queueIds: ['vip'] }] }),
      'agents.0.queueIds',
    ],
    [
      'an agent with no capacity',
      seedWith({ agents: [{ id: 'alice', name: 'Alice', capacity: 0, queueIds: ['general'] }] }),
      'agents.0.capacity',
    ],
    ['no channels at all', seedWith({ channels: [] }), 'channels'],
    [
      'a routing rule to an unknown queue',
      seedWith({
        channels: [channel({ routing: [{ when: { keywords: ['refund'] }, queueId: 'billing' }] })],
      }),
      'channels.0.routing.0.queueId',
    ],
    [
      'a routing rule on another channel number',
      seedWith({
        channels: [channel({ routing: [{ when: { numbers: ['+14255550111'] }, queueId: 'general' }] })],
      }),
      'channels.0.routing.0.when.numbers',
    ],
  ])('refuses %s, naming where', (_name, input, path) => {
    expect(issuesOf(input).map((issue) => issue.path)).toContain(path);
  });

  it('tells the admin what is wrong with the agents, and that the seed is refused', () => {
    const agent = { id: 'alice', name: 'Alice', capacity: 1, queueIds: ['general'] };
    const seed = seedWith({ agents: [agent, { ...agent, queueIds: ['vip'] }] });
    expect(() => parseSeed(seed, bounds)).toThrow('seed configuration is invalid');
    expect(issuesOf(seed)).toEqual([
      { path: 'agents', message: 'duplicate id alice' },
      { path: 'agents.1.queueIds', message: 'unknown queue vip' },
    ]);
  });

  it('says the seed is refused when a part of it does not parse', () => {
    expect(() => parseSeed(seedWith({ channels: [] }), bounds)).toThrow('seed configuration is invalid');
  });
});
