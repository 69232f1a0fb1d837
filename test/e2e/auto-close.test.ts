import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const PICK_NUMBER = '+14255550100';
const CLOSED_NUMBER = '+14255550101';
const FIRST = '+14255550123';
const SECOND = '+14255550124';

/** A channel that is never open now: its only opening hours are on a day long past. */
const neverOpen = {
  timeZone: 'Europe/Paris',
  weekly: {},
  exceptions: [{ date: '2020-01-06', ranges: [{ from: '09:00', to: '17:00' }] }],
};

/** Waiting work over HTTP, on the local host with a manual clock: the timer leaves it alone. */
describe('auto-close leaves waiting work alone, over HTTP', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost(
      {},
      {
        channels: [
          {
            id: 'support',
            name: 'Support',
            numbers: [PICK_NUMBER],
            provider: 'local',
            autoCloseMinutes: 30,
            defaultQueueId: 'picks',
            automatedMessages: { ended: { enabled: true } },
          },
          {
            id: 'after-hours',
            name: 'After hours',
            numbers: [CLOSED_NUMBER],
            provider: 'local',
            autoCloseMinutes: 30,
            defaultQueueId: 'picks',
            hours: neverOpen,
            automatedMessages: { ended: { enabled: true } },
          },
        ],
        queues: [{ id: 'picks', name: 'Pick line', distribution: 'pick' }],
        agents: [{ id: 'alice', name: 'Alice', capacity: 2, queueIds: ['picks'], presence: 'offline' }],
      },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  const outbox = async (to: string) =>
    (await t.api('GET', `local/outbox?to=${encodeURIComponent(to)}`)).body.messages.map(
      (m: { text: string }) => m.text,
    );

  it('keeps a conversation nobody picks, and one waiting for the opening, open for days', async () => {
    await t.api('POST', 'local/inbound', { from: FIRST, to: PICK_NUMBER, text: 'Can someone help?' });
    await t.api('POST', 'local/inbound', { from: SECOND, to: CLOSED_NUMBER, text: 'Call me back please' });
    const waiting = await t.eventually(async () => {
      const { body } = await t.api('GET', 'queues/picks/conversations');
      return body.conversations.length === 2 && body.conversations;
    }, 'both conversations in the pick line');
    await t.settle();
    expect(await outbox(SECOND)).toEqual([
      expect.stringMatching(/^After hours is closed now\. We open again/),
    ]);

    for (let day = 0; day < 3; day++) {
      expect((await t.api('POST', 'local/clock', { advanceMinutes: 24 * 60 })).status).toBe(200);
      expect((await fetch(`${t.host.url}/admin/functions/autoCloseTimer`, { method: 'POST' })).status).toBe(
        202,
      );
    }
    await t.settle();

    for (const { id } of waiting) {
      expect((await t.api('GET', `conversations/${id}`)).body.conversation.state).toBe('open');
    }
    expect(await outbox(FIRST)).toEqual([]);
    expect(await outbox(SECOND)).toHaveLength(1);
  });
});
