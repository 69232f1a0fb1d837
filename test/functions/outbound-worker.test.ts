import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundWorkerFunction } from '../../functions/outbound-worker.js';
import { type App, createApp } from '../../shared/app.js';
import { loadConfig } from '../../shared/config.js';
import type { SmsSender } from '../../shared/ports.js';

const { InvocationContext } = azureFunctions;

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/** A sender that fails in a way no provider answer explains (a bug, a broken connection pool). */
const broken: SmsSender = {
  provider: 'local',
  idempotent: true,
  send: async () => {
    throw new Error('socket hang up');
  },
  checkCredentials: async () => ({ ok: true, detail: 'fine' }),
};

/**
 * The outbound worker on its last allowed delivery: a failure that is not the provider's answer
 * marks the message failed, so the agent sees it did not go, and is still thrown, so the queue
 * dead-letters the work and it stays there for an operator (no trigger drains the dead letters).
 */
describe('the outbound worker when every delivery failed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-outbound-worker-'));
  let app: App;
  let failing: App;

  beforeAll(async () => {
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: [SUPPORT],
            provider: 'local',
            defaultQueueId: 'general',
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
      }),
    );
    app = await createApp(
      loadConfig({ SMS_DATA_DIR: dir, SMS_SEED_FILE: seed, SMS_QUEUE_MAX_DELIVERY_COUNT: '3' }),
      { logSink: () => {} },
    );
    failing = { ...app, deps: { ...app.deps, senders: { ...app.deps.senders, forChannel: () => broken } } };
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const reply = (id: string) => ({
    id,
    conversationId: 'c-1',
    seq: 2,
    direction: 'outbound',
    author: { kind: 'agent', agentId: 'alice' },
    from: SUPPORT,
    to: CUSTOMER,
    text: 'Your parcel is on its way',
    segments: { count: 1, encoding: 'GSM-7' },
    createdAt: '2026-12-02T12:00:00.000Z',
    provider: 'local',
    providerMessageId: null,
    status: 'queued',
    failureReason: null,
  });
  const deliver = (id: string, deliveryCount: number) =>
    outboundWorkerFunction(failing).handler(
      reply(id),
      new InvocationContext({ functionName: 'outboundWorker', triggerMetadata: { deliveryCount } }),
    );
  const stored = async (id: string) => (await app.deps.store.getMessage('c-1', id))?.value;

  it('leaves the message queued and throws on a delivery before the last, so the queue tries again', async () => {
    await expect(deliver('m-early', 2)).rejects.toThrow('socket hang up');
    expect(await stored('m-early')).toMatchObject({ status: 'queued', failureReason: null });
  });

  it('marks the message failed on the last delivery and still throws, so the work is dead-lettered', async () => {
    await expect(deliver('m-last', 3)).rejects.toThrow('socket hang up');
    expect(await stored('m-last')).toMatchObject({
      status: 'failed',
      failureReason: 'it could not be sent after repeated failures (3 attempts failed); nothing went out',
    });
  });

  it('sends nothing when that dead letter is replayed: the agent was told it failed', async () => {
    await expect(deliver('m-replayed', 3)).rejects.toThrow('socket hang up');
    // The replay reaches a worker whose provider works again, as a first delivery.
    await outboundWorkerFunction(app).handler(
      reply('m-replayed'),
      new InvocationContext({ functionName: 'outboundWorker', triggerMetadata: { deliveryCount: 1 } }),
    );
    expect(await stored('m-replayed')).toMatchObject({ status: 'failed', providerMessageId: null });
    expect(app.embedded?.localProvider.outbox({ to: CUSTOMER })).toEqual([]);
  });
});
