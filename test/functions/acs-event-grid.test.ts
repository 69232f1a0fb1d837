import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import azureFunctions, { type EventGridEvent } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acsEventGridFunction } from '../../functions/acs-event-grid.js';
import { type App, createApp } from '../../shared/app.js';
import { loadConfig } from '../../shared/config.js';
import { jsonFixture } from '../support/fixtures.js';

const { InvocationContext } = azureFunctions;

/** The Event Grid trigger as the Functions host calls it: one event per invocation. */
describe('the ACS Event Grid trigger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-eg-'));
  let app: App;

  beforeAll(async () => {
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: ['+18005550100'],
            provider: 'acs',
            defaultQueueId: 'general',
          },
        ],
        queues: [{ id: 'general', name: 'General' }],
      }),
    );
    app = await createApp(
      loadConfig({
        SMS_DATA_DIR: dir,
        SMS_SEED_FILE: seed,
        SMS_CLOCK: 'manual',
        ACS_CONNECTION_STRING:
          'endpoint=https://acs-contoso.unitedstates.communication.azure.com/;accesskey=a2V5',
      }),
      { logSink: () => {} },
    );
  });
  afterAll(() => {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (event: EventGridEvent) =>
    acsEventGridFunction(app).handler(
      event,
      new InvocationContext({ functionName: 'acsEventGrid', invocationId: 'i1' }),
    );
  const received = () => {
    const [raw] = jsonFixture<(EventGridEvent & { eventTime: string })[]>(
      'acs/acs-sms-received.eventgrid.json',
    );
    if (!raw) throw new Error('no fixture event');
    return raw;
  };

  it('puts an inbound message on the inbound queue, once however often Event Grid redelivers it', async () => {
    await invoke(received());
    await invoke(received());
    expect(await app.queue.depth('sms-inbound')).toBe(1);
  });

  it('keeps a malformed event as a poison record and acknowledges it (Event Grid does not retry a 400)', async () => {
    const bad = {
      ...received(),
      id: 'x',
      data: { messageId: 'Incoming_x', from: 'nobody', to: '+18005550100', message: 'hi' },
    };
    await invoke(bad);
    expect(await app.queue.depth('sms-inbound')).toBe(1);
    expect(await app.deps.store.listPoisonEvents({ limit: 10 })).toEqual([
      expect.objectContaining({
        eventId: 'x',
        providerMessageId: 'Incoming_x',
        reason: expect.stringMatching(/from: missing \+ and country code/),
      }),
    ]);
  });

  it('keeps one poison record however often Event Grid redelivers the event, later each time', async () => {
    const bad = {
      ...received(),
      id: 'redelivered',
      data: { messageId: 'Incoming_r', from: 'nobody', to: '+18005550100', message: 'hi' },
    };
    await invoke(bad);
    app.manualClock?.advance(60_000);
    await invoke(bad);
    const kept = await app.deps.store.listPoisonEvents({ limit: 10 });
    expect(kept.filter((record) => record.eventId === 'redelivered')).toHaveLength(1);
  });

  it('queues a message whose sender libphonenumber calls invalid for its country, instead of refusing it', async () => {
    const event = {
      ...received(),
      id: 'y',
      data: { ...received().data, messageId: 'Incoming_y', from: '+10005550123' },
    };
    await invoke(event);
    expect(await app.queue.depth('sms-inbound')).toBe(2);
  });
});
