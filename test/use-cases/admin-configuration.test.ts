import { describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/domain/channel.js';
import type { Configuration } from '../../shared/domain/configuration.js';
import {
  ConfigurationError,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../shared/errors.js';
import {
  changeChannel,
  deleteChannel,
  deleteQueue,
  putChannel,
  putQueue,
  readConfiguration,
  replaceConfiguration,
} from '../../shared/use-cases/admin-configuration.js';
import { aConversation } from '../support/builders.js';
import { type CoreHarness, coreHarness, testSeed } from '../support/core.js';

const seeded: Configuration = testSeed.configuration;

async function withConfiguration(): Promise<CoreHarness> {
  const h = coreHarness();
  await h.store.putConfiguration(structuredClone(seeded), null);
  return h;
}

/** Everything replacing the configuration could change, to prove a refusal changed nothing. */
async function snapshot(h: CoreHarness) {
  return { configuration: await h.store.getConfiguration(), agents: await h.store.listAgents() };
}

async function refusal(h: CoreHarness, input: unknown): Promise<Error> {
  const before = await snapshot(h);
  const error = await replaceConfiguration(h.deps, input).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('the replacement was accepted');
  expect(await snapshot(h)).toEqual(before);
  return error;
}

describe('replacing the whole configuration', () => {
  it.each([
    ['an empty object', {}, 'the configuration needs channels and queues'],
    ['no queues', { channels: seeded.channels }, 'the configuration needs queues'],
    ['queues that are not a list', { channels: [], queues: {} }, 'the configuration needs queues'],
    ['a list', [], 'must be a JSON object'],
    ['null', null, 'must be a JSON object'],
  ])('refuses %s, naming what is missing, and changes nothing', async (_name, input, message) => {
    const h = await withConfiguration();
    const error = await refusal(h, input);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(message);
  });

  it('names the field of each refusal: the whole body, or each list missing', async () => {
    const h = await withConfiguration();
    expect(await refusal(h, 'channels and queues')).toMatchObject({
      message: 'the configuration must be a JSON object with channels and queues',
      issues: [{ path: '', message: 'expected an object with channels and queues' }],
    });
    expect(await refusal(h, {})).toMatchObject({
      message: 'the configuration needs channels and queues (a list each, even if empty); nothing changed',
      issues: [
        { path: 'channels', message: 'required: a list' },
        { path: 'queues', message: 'required: a list' },
      ],
    });
  });

  it('refuses to remove a channel with a conversation under way, naming it', async () => {
    const h = await withConfiguration();
    await h.store.createConversation(aConversation({ id: 'conv-7', channelId: 'support' }));
    const error = await refusal(h, {
      channels: seeded.channels.filter((c) => c.id !== 'support'),
      queues: seeded.queues,
    });
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'the new configuration would strand work: channel support has conversations under way (conv-7); close them first',
    );
  });

  it('refuses to empty everything while work is under way, naming every channel and queue in the way', async () => {
    const h = await withConfiguration();
    await h.store.createConversation(
      aConversation({ id: 'conv-7', channelId: 'support', queueId: 'general' }),
    );
    await h.addAgent({ id: 'alice', queueIds: ['general'] });
    await h.addAgent({ id: 'bea', queueIds: ['billing'] });
    const error = await refusal(h, { channels: [], queues: [] });
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'the new configuration would strand work: ' +
        'channel support has conversations under way (conv-7); close them first; ' +
        'queue general has members (alice); move them first; ' +
        'queue billing has members (bea); move them first',
    );
  });

  it('refuses to remove a queue with a conversation waiting in it', async () => {
    const h = await withConfiguration();
    await h.store.createConversation(aConversation({ id: 'conv-8', queueId: 'billing' }));
    const error = await refusal(h, {
      channels: seeded.channels,
      queues: [{ id: 'general', name: 'General' }],
    });
    expect(error.message).toContain(
      'queue billing has conversations under way (conv-8); transfer them first',
    );
  });

  it('removes channels and queues nothing uses, and keeps the ones it is given', async () => {
    const h = await withConfiguration();
    await h.store.createConversation(
      aConversation({ id: 'conv-9', channelId: 'support', queueId: 'general' }),
    );
    const saved = await replaceConfiguration(h.deps, {
      channels: seeded.channels.filter((c) => c.id === 'support'),
      queues: [{ id: 'general', name: 'General' }],
    });
    expect(saved.value.channels.map((c) => c.id)).toEqual(['support']);
    expect(saved.value.queues.map((q) => q.id)).toEqual(['general']);
  });

  it('lets a deployment with nothing under way be emptied on purpose', async () => {
    const h = await withConfiguration();
    const saved = await replaceConfiguration(h.deps, { channels: [], queues: [] });
    expect(saved.value).toEqual({ channels: [], queues: [] });
  });
});

/** A channel as an admin PUTs it: the fields they choose, defaults for the rest. */
const sales = {
  name: 'Sales',
  numbers: ['+14255550150'],
  provider: 'local',
  defaultQueueId: 'billing',
};

/** Senders that record which channels were made ready, and refuse the ones told to. */
function recordingSenders(h: CoreHarness, refuse: (channel: Channel) => Error | undefined = () => undefined) {
  const prepared: string[] = [];
  h.deps.senders = {
    ...h.deps.senders,
    prepare: async (channel) => {
      const error = refuse(channel);
      if (error) throw error;
      prepared.push(channel.id);
    },
  };
  return prepared;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('it was accepted');
  return error;
}

describe('reading the configuration', () => {
  it('is empty, with no ETag, before anything was saved', async () => {
    const h = coreHarness();
    expect(await readConfiguration(h.deps)).toEqual({ value: { channels: [], queues: [] }, etag: '' });
  });

  it('reads a channel saved with plain numbers in the current shape, with its ETag', async () => {
    const h = coreHarness();
    const old = {
      ...seeded,
      channels: seeded.channels.map((c) => ({ ...c, numbers: c.numbers.map((n) => n.number) })),
    } as unknown as Configuration;
    const saved = await h.store.putConfiguration(old, null);
    const read = await readConfiguration(h.deps);
    expect(read.etag).toBe(saved.etag);
    expect(read.value.channels.find((c) => c.id === 'support')?.numbers).toEqual([
      { number: '+14255550100' },
    ]);
  });
});

describe('changing the configuration', () => {
  it('saves the change, tells every reader, and logs what it holds', async () => {
    const h = await withConfiguration();
    let told = 0;
    h.deps.configurationChanged = async () => {
      told += 1;
    };
    const saved = await putQueue(h.deps, 'returns', { name: 'Returns' });
    expect(saved).toEqual({ id: 'returns', name: 'Returns', distribution: 'push' });
    expect(told).toBe(1);
    const stored = await h.store.getConfiguration();
    expect(stored?.value.queues.map((q) => q.id)).toEqual(['general', 'billing', 'returns']);
    const logged = h.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.event === 'configuration.changed');
    expect(logged).toMatchObject([{ level: 'info', channels: 2, queues: 3 }]);
  });

  it('starts from nothing when nothing was saved yet', async () => {
    const h = coreHarness();
    await putQueue(h.deps, 'general', { name: 'General' });
    const saved = await putChannel(h.deps, 'sales', { ...sales, defaultQueueId: 'general' });
    expect(saved).toMatchObject({
      id: 'sales',
      defaultQueueId: 'general',
      numbers: [{ number: '+14255550150' }],
    });
    expect((await readConfiguration(h.deps)).value.queues).toEqual([
      { id: 'general', name: 'General', distribution: 'push' },
    ]);
  });

  it('refuses, changing nothing, when the configuration changed since the caller read it (If-Match)', async () => {
    const h = await withConfiguration();
    const read = await readConfiguration(h.deps);
    await putQueue(h.deps, 'returns', { name: 'Returns' });
    const before = await h.store.getConfiguration();
    const error = await failure(
      replaceConfiguration(h.deps, { channels: read.value.channels, queues: read.value.queues }, read.etag),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error.message).toBe('the configuration changed since it was read (If-Match); read it again');
    expect(await h.store.getConfiguration()).toEqual(before);
  });

  it('takes the If-Match of what was read: the current ETag, or none before the first save', async () => {
    const h = coreHarness();
    const first = await replaceConfiguration(h.deps, { channels: [], queues: seeded.queues }, '');
    const second = await replaceConfiguration(h.deps, { channels: [], queues: [] }, first.etag);
    expect(second.value.queues).toEqual([]);
  });

  it('makes every new or changed channel ready to send, and only those', async () => {
    const h = await withConfiguration();
    const prepared = recordingSenders(h);
    await putChannel(h.deps, 'sales', sales);
    expect(prepared).toEqual(['sales']);
    await putQueue(h.deps, 'returns', { name: 'Returns' });
    expect(prepared).toEqual(['sales']);
    await changeChannel(h.deps, 'support', (channel) => ({ ...channel, name: 'Customer care' }));
    expect(prepared).toEqual(['sales', 'support']);
  });

  it("refuses a channel whose provider this deployment cannot send through, with the provider's reason", async () => {
    const h = await withConfiguration();
    recordingSenders(h, (channel) =>
      channel.provider === 'acs'
        ? new ConfigurationError('ACS is not configured: set ACS_ENDPOINT')
        : undefined,
    );
    const before = await h.store.getConfiguration();
    const error = await failure(putChannel(h.deps, 'sales', { ...sales, provider: 'acs' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('ACS is not configured: set ACS_ENDPOINT');
    // The provider's own error stays the cause, so the log shows the whole chain.
    expect(error.cause).toBeInstanceOf(ConfigurationError);
    expect((error.cause as Error).message).toBe('ACS is not configured: set ACS_ENDPOINT');
    expect(await h.store.getConfiguration()).toEqual(before);
  });

  it('lets any other failure to make a channel ready through as it is', async () => {
    const h = await withConfiguration();
    const outage = new Error('Key Vault is unreachable');
    recordingSenders(h, () => outage);
    expect(await failure(putChannel(h.deps, 'sales', sales))).toBe(outage);
  });

  it('checks the whole result: a channel whose default queue does not exist is refused', async () => {
    const h = await withConfiguration();
    const error = await failure(putChannel(h.deps, 'sales', { ...sales, defaultQueueId: 'returns' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('unknown queue returns');
  });
});

describe('one channel or queue at a time', () => {
  it('adds a channel at the end and replaces one in its place, returning it with its defaults', async () => {
    const h = await withConfiguration();
    const added = await putChannel(h.deps, 'sales', sales);
    expect(added).toMatchObject({
      id: 'sales',
      name: 'Sales',
      direction: 'inbound-outbound',
      language: 'en',
    });
    const renamed = await putChannel(h.deps, 'support', {
      ...seeded.channels.find((c) => c.id === 'support'),
      name: 'Customer care',
    });
    expect(renamed.name).toBe('Customer care');
    const { value } = await readConfiguration(h.deps);
    expect(value.channels.map((c) => [c.id, c.name])).toEqual([
      ['support', 'Customer care'],
      ['alerts', 'Alerts'],
      ['sales', 'Sales'],
    ]);
  });

  it('names every problem of an invalid channel, the first in the message', async () => {
    const h = await withConfiguration();
    const error = await failure(putChannel(h.deps, 'sales', { ...sales, numbers: [] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('the channel is invalid: numbers: a channel needs at least one number');
    expect(error).toMatchObject({
      issues: [{ path: 'numbers', message: 'a channel needs at least one number' }],
    });
  });

  it('takes the id from the address, refusing a body that names another', async () => {
    const h = await withConfiguration();
    expect((await putChannel(h.deps, 'sales', { ...sales, id: 'sales' })).id).toBe('sales');
    const error = await failure(putChannel(h.deps, 'outlet', { ...sales, id: 'sales' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      message: "the body's id sales is not the channel id outlet in the address",
      issues: [{ path: 'id', message: 'must be outlet or absent' }],
    });
  });

  it.each([
    ['a list', [sales]],
    ['null', null],
    ['text', 'Sales'],
  ])('refuses %s as a queue or channel body', async (_name, body) => {
    const h = await withConfiguration();
    await expect(putQueue(h.deps, 'returns', body)).rejects.toThrow(
      new ValidationError('queue must be a JSON object'),
    );
    await expect(putChannel(h.deps, 'sales', body)).rejects.toThrow('channel must be a JSON object');
  });

  it('changes one part of one channel, and is not found for a channel that does not exist', async () => {
    const h = await withConfiguration();
    const changed = await changeChannel(h.deps, 'alerts', (channel) => ({ ...channel, language: 'fr' }));
    expect(changed).toMatchObject({ id: 'alerts', language: 'fr' });
    const { value } = await readConfiguration(h.deps);
    expect(value.channels.map((c) => [c.id, c.language])).toEqual([
      ['support', 'en'],
      ['alerts', 'fr'],
    ]);
    const error = await failure(changeChannel(h.deps, 'sales', (channel) => channel));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('channel sales does not exist');
  });

  it('removes a channel with nothing under way, and refuses one with a conversation under way', async () => {
    const h = await withConfiguration();
    await h.store.createConversation(aConversation({ id: 'conv-3', channelId: 'support' }));
    const error = await failure(deleteChannel(h.deps, 'support'));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('channel support has conversations under way (conv-3); close them first');
    await deleteChannel(h.deps, 'alerts');
    expect((await readConfiguration(h.deps)).value.channels.map((c) => c.id)).toEqual(['support']);
    await expect(deleteChannel(h.deps, 'alerts')).rejects.toThrow(
      new NotFoundError('channel alerts does not exist'),
    );
  });

  it('replaces a queue in its place', async () => {
    const h = await withConfiguration();
    await putQueue(h.deps, 'general', { name: 'Everyone', distribution: 'pick' });
    expect((await readConfiguration(h.deps)).value.queues).toEqual([
      { id: 'general', name: 'Everyone', distribution: 'pick' },
      { id: 'billing', name: 'Billing', distribution: 'push' },
    ]);
  });

  it('removes a queue nothing uses', async () => {
    const h = await withConfiguration();
    await putQueue(h.deps, 'returns', { name: 'Returns' });
    await deleteQueue(h.deps, 'returns');
    expect((await readConfiguration(h.deps)).value.queues.map((q) => q.id)).toEqual(['general', 'billing']);
    await expect(deleteQueue(h.deps, 'returns')).rejects.toThrow(
      new NotFoundError('queue returns does not exist'),
    );
  });

  it('refuses to remove a queue a channel uses, by default or in its routing, naming the channels', async () => {
    const h = await withConfiguration();
    await putQueue(h.deps, 'returns', { name: 'Returns' });
    await putChannel(h.deps, 'sales', {
      ...sales,
      routing: [{ when: { keywords: ['refund'] }, queueId: 'returns' }],
    });
    await putChannel(h.deps, 'outlet', { ...sales, numbers: ['+14255550151'], defaultQueueId: 'returns' });
    const error = await failure(deleteQueue(h.deps, 'returns'));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('queue returns is used by channel sales, outlet (default queue or routing)');
  });

  it("names the first problem of an invalid queue, and removes a queue other channels' routing does not name", async () => {
    const h = await withConfiguration();
    await expect(
      putQueue(h.deps, 'returns', { name: 'Returns', distribution: 'round-robin' }),
    ).rejects.toThrow(/^the queue is invalid: distribution: /);
    await putQueue(h.deps, 'returns', { name: 'Returns' });
    await putChannel(h.deps, 'sales', {
      ...sales,
      routing: [{ when: { keywords: ['bill'] }, queueId: 'billing' }],
    });
    await deleteQueue(h.deps, 'returns');
    expect((await readConfiguration(h.deps)).value.queues.map((q) => q.id)).toEqual(['general', 'billing']);
  });

  it('refuses to remove a queue with members, naming them, or with a conversation under way', async () => {
    const h = await withConfiguration();
    await putQueue(h.deps, 'returns', { name: 'Returns' });
    await h.addAgent({ id: 'alice', queueIds: ['returns'] });
    await h.addAgent({ id: 'bea', queueIds: ['returns', 'general'] });
    const members = await failure(deleteQueue(h.deps, 'returns'));
    expect(members).toBeInstanceOf(ConflictError);
    expect(members.message).toBe('queue returns has members (alice, bea); move them first');

    await putQueue(h.deps, 'vip', { name: 'VIP' });
    await h.store.createConversation(aConversation({ id: 'conv-4', queueId: 'vip' }));
    const waiting = await failure(deleteQueue(h.deps, 'vip'));
    expect(waiting).toBeInstanceOf(ConflictError);
    expect(waiting.message).toBe('queue vip has conversations under way (conv-4); transfer them first');
  });

  it('lets a queue go once its conversations are closed', async () => {
    const h = await withConfiguration();
    await putQueue(h.deps, 'vip', { name: 'VIP' });
    await h.store.createConversation(aConversation({ id: 'conv-5', queueId: 'vip', state: 'closed' }));
    await deleteQueue(h.deps, 'vip');
    expect((await readConfiguration(h.deps)).value.queues.map((q) => q.id)).not.toContain('vip');
  });
});
