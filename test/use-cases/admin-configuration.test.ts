import { describe, expect, it } from 'vitest';
import type { Configuration } from '../../shared/domain/configuration.js';
import { ConflictError, ValidationError } from '../../shared/errors.js';
import { replaceConfiguration } from '../../shared/use-cases/admin-configuration.js';
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
