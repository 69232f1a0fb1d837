import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Configuration, configurationSchema } from '../../shared/domain/configuration.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import {
  addNumber,
  listNumbers,
  putNumberDetails,
  removeNumber,
} from '../../shared/use-cases/channel-numbers.js';
import { LiveDirectory } from '../../shared/use-cases/live-directory.js';
import { coreHarness } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';
import { refusal } from '../support/thrown.js';

function configuration(numbers: unknown[] = ['+14255550100']): Configuration {
  return configurationSchema.parse({
    channels: [{ id: 'support', name: 'Support', numbers, provider: 'local', defaultQueueId: 'general' }],
    queues: [{ id: 'general', name: 'General' }],
  });
}

describe("an admin managing a channel's numbers", () => {
  async function harness(numbers?: unknown[]) {
    const h = coreHarness();
    await h.store.putConfiguration(configuration(numbers), null);
    const stored = async () => (await h.store.getConfiguration())?.value.channels[0]?.numbers;
    return { h, stored };
  }

  it('sees each number with its type, whether it was inferred, its description and its pace', async () => {
    const { h } = await harness([
      '+14255550100',
      { number: '+14255550101', type: 'toll-free', description: 'Marketing line' },
      '12345',
    ]);
    expect(await listNumbers(h.deps, 'support')).toEqual([
      {
        number: '+14255550100',
        type: 'long-code',
        typeInferred: true,
        description: null,
        sendRatePerSecond: 1,
      },
      {
        number: '+14255550101',
        type: 'toll-free',
        typeInferred: false,
        description: 'Marketing line',
        sendRatePerSecond: 3,
      },
      { number: '12345', type: 'short-code', typeInferred: true, description: null, sendRatePerSecond: 100 },
    ]);
  });

  it('adds a number at the end', async () => {
    const { h, stored } = await harness();
    await addNumber(h.deps, 'support', { number: '+14255550101', description: 'Spare' });
    expect(await stored()).toEqual([
      { number: '+14255550100' },
      { number: '+14255550101', description: 'Spare' },
    ]);
  });

  it('refuses a number the channel has already', async () => {
    const { h } = await harness();
    const error = await refusal(() => addNumber(h.deps, 'support', { number: '+14255550100' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('channel support has +14255550100 already');
  });

  it('refuses a number that is not one', async () => {
    const { h } = await harness();
    const error = await refusal(() => addNumber(h.deps, 'support', { number: 'call me' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/^the number is invalid: number/);
  });

  it("replaces a number's details in its place: what the body leaves out is unset", async () => {
    const { h, stored } = await harness([
      { number: '+14255550100', type: 'toll-free', description: 'Main' },
      '+14255550101',
    ]);
    const result = await putNumberDetails(h.deps, 'support', '+1 425 555 0100', { description: 'Main line' });
    expect(result.number).toEqual({
      number: '+14255550100',
      type: 'long-code',
      typeInferred: true,
      description: 'Main line',
      sendRatePerSecond: 1,
    });
    expect(result.channel.numbers).toEqual([
      { number: '+14255550100', description: 'Main line' },
      { number: '+14255550101' },
    ]);
    expect(await stored()).toEqual(result.channel.numbers);
  });

  it('sets a type on a number', async () => {
    const { h } = await harness();
    const result = await putNumberDetails(h.deps, 'support', '+14255550100', { type: 'toll-free' });
    expect(result.number).toMatchObject({ type: 'toll-free', typeInferred: false, sendRatePerSecond: 3 });
  });

  it('refuses details for a number the channel does not have, and details that are not', async () => {
    const { h } = await harness();
    const missing = await refusal(() => putNumberDetails(h.deps, 'support', '+14255550109', {}));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('channel support has no number +14255550109');
    const unknownField = await refusal(() =>
      putNumberDetails(h.deps, 'support', '+14255550100', { colour: 'blue' }),
    );
    expect(unknownField).toBeInstanceOf(ValidationError);
    expect(unknownField.message).toMatch(/^the number details is invalid/);
  });

  it('shows the details of the number changed, not of the first', async () => {
    const { h } = await harness(['+14255550100', '+14255550101']);
    const result = await putNumberDetails(h.deps, 'support', '+14255550101', { description: 'Spare' });
    expect(result.number).toMatchObject({ number: '+14255550101', description: 'Spare' });
  });

  it('refuses details that do not fit the number, naming the number', async () => {
    const { h } = await harness();
    const error = await refusal(() =>
      putNumberDetails(h.deps, 'support', '+14255550100', { type: 'short-code' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/^the number is invalid: /);
  });

  it('writes nothing when the number to change is not there', async () => {
    const { h } = await harness();
    const before = await h.store.getConfiguration();
    await refusal(() => putNumberDetails(h.deps, 'support', '+14255550109', { description: 'Lost' }));
    expect((await h.store.getConfiguration())?.etag).toBe(before?.etag);
  });

  it('refuses an address that is no number, calling it the number', async () => {
    const { h } = await harness();
    for (const action of [
      () => putNumberDetails(h.deps, 'support', 'call me', {}),
      () => removeNumber(h.deps, 'support', 'call me'),
    ]) {
      const error = await refusal(action);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^number /);
    }
  });

  it('removes a number, keeping the others in order', async () => {
    const { h, stored } = await harness(['+14255550100', '+14255550101', '+14255550102']);
    await removeNumber(h.deps, 'support', '+14255550101');
    expect(await stored()).toEqual([{ number: '+14255550100' }, { number: '+14255550102' }]);
  });

  it('refuses to remove a number the channel does not have', async () => {
    const { h } = await harness();
    const error = await refusal(() => removeNumber(h.deps, 'support', '+14255550109'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('channel support has no number +14255550109');
  });
});

describe('the configuration as an instance knows it', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A store counting its configuration reads. */
  class CountingStore extends MemoryStore {
    reads = 0;
    failNext: Error | undefined;
    override async getConfiguration() {
      this.reads += 1;
      const failure = this.failNext;
      this.failNext = undefined;
      if (failure) throw failure;
      return super.getConfiguration();
    }
  }

  function live() {
    const h = coreHarness();
    const store = new CountingStore();
    const directory = new LiveDirectory(store, h.deps.limits.autoClose, h.deps.logger);
    return { store, directory, logs: h.logs };
  }

  it('is empty until a configuration is stored', async () => {
    const { directory } = live();
    await directory.refresh();
    expect(directory.channels()).toEqual([]);
    expect(directory.queues()).toEqual([]);
  });

  it('answers from the stored document, with the inactivity limits filled in', async () => {
    const { store, directory, logs } = live();
    await store.putConfiguration(configuration(), null);
    await directory.refresh();
    expect(directory.channels().map((c) => c.id)).toEqual(['support']);
    expect(directory.channel('support').autoCloseMinutes).toBe(1440);
    expect(directory.findChannel('support')?.name).toBe('Support');
    expect(directory.findChannel('sales')).toBeUndefined();
    expect(directory.channelForNumber('+14255550100')?.id).toBe('support');
    expect(directory.queues().map((q) => q.id)).toEqual(['general']);
    expect(directory.queue('general').name).toBe('General');
    expect(directory.findQueue('general')?.id).toBe('general');
    expect(directory.findQueue('vip')).toBeUndefined();
    expect(logs.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ event: 'configuration.applied', channels: 1, queues: 1 }),
    );
  });

  it('tells its listeners of a change, once per new version', async () => {
    const { store, directory } = live();
    const seen: string[] = [];
    directory.onChange((c) => {
      seen.push(c.channels.map((channel) => channel.name).join());
    });
    const first = await store.putConfiguration(configuration(), null);
    await directory.refresh();
    await directory.refresh();
    expect(seen).toEqual(['Support']);
    await store.putConfiguration(
      { ...first.value, channels: first.value.channels.map((c) => ({ ...c, name: 'Help desk' })) },
      first.etag,
    );
    await directory.refresh();
    expect(seen).toEqual(['Support', 'Help desk']);
    expect(directory.channel('support').name).toBe('Help desk');
  });

  it('shares one read among concurrent refreshes, and reads again after', async () => {
    const { store, directory } = live();
    await store.putConfiguration(configuration(), null);
    await Promise.all([directory.refresh(), directory.refresh(), directory.refresh()]);
    expect(store.reads).toBe(1);
    await directory.refresh();
    expect(store.reads).toBe(2);
  });

  it('re-reads on a timer until stopped, logging a failed read and trying again next time', async () => {
    vi.useFakeTimers();
    const { store, directory, logs } = live();
    await store.putConfiguration(configuration(), null);
    directory.start(5000);
    directory.start(5000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.reads).toBe(1);
    expect(directory.channels()).toHaveLength(1);
    store.failNext = new Error('store unreachable');
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.reads).toBe(2);
    expect(logs.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        level: 'error',
        event: 'configuration.refresh-failed',
        errorMessage: 'store unreachable',
      }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.reads).toBe(3);
    directory.stop();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(store.reads).toBe(3);
    directory.start(5000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.reads).toBe(4);
    directory.stop();
    directory.stop();
  });
});
