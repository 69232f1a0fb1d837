import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/adapters/clocks.js';
import type { SqliteDatabase } from '../../shared/adapters/sqlite-database.js';
import { openSqlite } from '../../shared/adapters/sqlite-database.js';
import { SqliteQueue } from '../../shared/adapters/sqlite-queue.js';
import type { InboundWork } from '../../shared/domain/inbound-work.js';
import { maskPhone } from '../../shared/domain/mask.js';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';
const OTHER_CUSTOMER = '+14255550177';
const TEXT = 'My parcel never came, order 5521';

const agent = { user: 'alice' };
const supervisor = { user: 'dana', roles: 'supervisor' };

/**
 * Dead letters on the local host: an inbound text the worker gave up on is listed for an admin
 * (without its text unless asked), replayed once (it is stored once, and a provider's redelivery of
 * it afterwards changes nothing) or discarded; anyone else, and any wrong name, changes nothing.
 */
describe('dead letters through the admin API, on the local host', () => {
  let t: TestHost;
  let db: SqliteDatabase;
  let outside: SqliteQueue;
  const ahead = new ManualClock(new Date(Date.now() + 86_400_000));

  beforeAll(async () => {
    t = await startTestHost({ SMS_QUEUE_MAX_DELIVERY_COUNT: '3' });
    db = openSqlite(join(t.dataDir, 'sms.db'));
    // A second connection to the host's queue whose clock is a day ahead: what it schedules is not
    // yet due for the host's consumers, and what it receives it holds past any lock of theirs.
    outside = new SqliteQueue(db, ahead, {
      lockMs: 30_000,
      maxDeliveryCount: 3,
      duplicateWindowMs: 600_000,
    });
  });
  afterAll(async () => {
    db.close();
    await t.stop();
  });

  /**
   * An inbound text exactly as the webhook accepts it, dead-lettered with a reason, as the inbound
   * worker's queue does when every delivery failed (a store outage). Returns its sequence.
   */
  async function deadLetteredText(customer: string, providerMessageId: string, reason: string) {
    const sms = {
      id: `local:${providerMessageId}`,
      provider: 'local',
      providerMessageId,
      from: customer,
      to: SUPPORT,
      text: TEXT,
      media: [],
      receivedAt: new Date().toISOString(),
    };
    const work: InboundWork = { kind: 'sms', sms };
    await outside.send('sms-inbound', {
      id: sms.id,
      sessionId: `${SUPPORT}:${customer}`,
      body: work,
      scheduledAt: new Date(ahead.now().getTime() + 1000),
    });
    ahead.advance(1000);
    const message = await outside.receive('sms-inbound');
    expect(message?.id).toBe(sms.id);
    if (!message) throw new Error('the text did not reach the queue');
    await outside.deadLetter('sms-inbound', message, reason);
    const letters = await outside.deadLetters('sms-inbound');
    const letter = letters.find((d) => d.id === sms.id);
    if (!letter) throw new Error('the text was not dead-lettered');
    return letter.sequence;
  }

  const conversationsOf = async (customer: string) =>
    (
      await t.api(
        'GET',
        `customers/${encodeURIComponent(customer)}/conversations?channelId=support`,
        undefined,
        supervisor,
      )
    ).body;

  /** Every message stored from the customer, across their conversations on the channel. */
  const messagesOf = async (customer: string): Promise<{ text: string }[]> =>
    (await conversationsOf(customer)).conversations.flatMap(
      (c: { messages: { text: string }[] }) => c.messages,
    );

  let sequence = '';

  it('lists a dead-lettered text with its reason for an admin, numbers masked and no text', async () => {
    sequence = await deadLetteredText(CUSTOMER, 'SMdead1', `store unreachable while saving ${CUSTOMER}`);
    const counts = await t.api('GET', 'manage/dead-letters');
    expect(counts.status).toBe(200);
    expect(counts.body.queues).toEqual([
      { queue: 'sms-inbound', deadLetters: 1 },
      { queue: 'sms-assignment', deadLetters: 0 },
      { queue: 'sms-outbound', deadLetters: 0 },
    ]);

    const list = await t.api('GET', 'manage/dead-letters/sms-inbound');
    expect(list.status).toBe(200);
    expect(list.body.deadLetters).toHaveLength(1);
    expect(list.body.deadLetters[0]).toMatchObject({
      queue: 'sms-inbound',
      sequence,
      messageId: 'local:SMdead1',
      reason: `store unreachable while saving ${maskPhone(CUSTOMER)}`,
      deliveryCount: 1,
      textIncluded: false,
      work: {
        kind: 'sms',
        sms: { provider: 'local', providerMessageId: 'SMdead1', from: maskPhone(CUSTOMER) },
      },
    });
    expect(list.text).not.toContain(TEXT);
    expect(list.text).not.toContain(CUSTOMER);
    expect(list.body.deadLetters[0].work.sms).not.toHaveProperty('text');
  });

  it('shows the text only to an admin who asks for it with include=text', async () => {
    const withText = await t.api('GET', 'manage/dead-letters/sms-inbound?include=text');
    expect(withText.status).toBe(200);
    expect(withText.body.deadLetters[0]).toMatchObject({ textIncluded: true, work: { sms: { text: TEXT } } });
    expect(withText.text).not.toContain(CUSTOMER);

    const unknownInclude = await t.api('GET', 'manage/dead-letters/sms-inbound?include=everything');
    expect(unknownInclude.status).toBe(400);
    expect(unknownInclude.text).toContain('include takes only text');
  });

  it('refuses agents and supervisors, with or without include=text, and changes nothing', async () => {
    for (const who of [agent, supervisor]) {
      for (const [method, path] of [
        ['GET', 'manage/dead-letters'],
        ['GET', 'manage/dead-letters/sms-inbound?include=text'],
        ['POST', `manage/dead-letters/sms-inbound/${sequence}/replay`],
        ['DELETE', `manage/dead-letters/sms-inbound/${sequence}`],
      ] as const) {
        const refused = await t.api(method, path, undefined, who);
        expect(refused.status, `${who.user} ${method} ${path}`).toBe(403);
        expect(refused.text).not.toContain(TEXT);
      }
    }
    expect((await t.api('GET', 'manage/dead-letters', undefined, null)).status).toBe(401);
    expect((await t.api('GET', 'manage/dead-letters/sms-inbound')).body.deadLetters).toHaveLength(1);
  });

  it('answers a wrong queue or dead letter with a clear 404 or 400, and changes nothing', async () => {
    const cases: [string, string, number, string][] = [
      ['POST', 'manage/dead-letters/sms-inbound/999999/replay', 404, 'sms-inbound has no dead letter 999999'],
      ['DELETE', 'manage/dead-letters/sms-inbound/999999', 404, 'sms-inbound has no dead letter 999999'],
      ['POST', 'manage/dead-letters/sms-inbound/not-a-number/replay', 400, 'sequence number'],
      ['DELETE', 'manage/dead-letters/sms-inbound/-1', 400, 'sequence number'],
      [
        'POST',
        `manage/dead-letters/sms-outbound/${sequence}/replay`,
        404,
        `sms-outbound has no dead letter ${sequence}`,
      ],
      [
        'POST',
        `manage/dead-letters/sms-elsewhere/${sequence}/replay`,
        404,
        'no work queue named sms-elsewhere',
      ],
      [
        'GET',
        'manage/dead-letters/sms-elsewhere',
        404,
        'the work queues are sms-inbound, sms-assignment, sms-outbound',
      ],
      ['GET', 'manage/dead-letters/sms-inbound?after=soon', 400, 'sequence number'],
      ['GET', 'manage/dead-letters/sms-inbound?limit=0', 400, 'limit'],
    ];
    for (const [method, path, status, words] of cases) {
      const answer = await t.api(method, path);
      expect(answer.status, `${method} ${path}`).toBe(status);
      expect(answer.text, `${method} ${path}`).toContain(words);
    }
    expect(
      (await t.api('GET', 'manage/dead-letters/sms-inbound')).body.deadLetters.map(
        (d: { sequence: string }) => d.sequence,
      ),
    ).toEqual([sequence]);
    await t.settle();
    expect(await messagesOf(CUSTOMER)).toEqual([]);
  });

  it('replays the text once: it is stored once, and neither a second replay nor a redelivery adds to it', async () => {
    const replay = await t.api('POST', `manage/dead-letters/sms-inbound/${sequence}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.replayed).toMatchObject({ queue: 'sms-inbound', sequence });
    const stored = await t.eventually(async () => {
      const messages = await messagesOf(CUSTOMER);
      return messages.length > 0 && messages;
    }, 'the replayed text to be stored');
    expect(stored.map((m) => m.text)).toEqual([TEXT]);
    expect((await t.api('GET', 'manage/dead-letters/sms-inbound')).body.deadLetters).toEqual([]);

    const again = await t.api('POST', `manage/dead-letters/sms-inbound/${sequence}/replay`);
    expect(again.status).toBe(404);
    // The provider sends the same text again (its retry): the inbound worker knows it.
    const redelivered = await t.api('POST', 'local/inbound', {
      from: CUSTOMER,
      to: SUPPORT,
      text: TEXT,
      messageId: 'SMdead1',
    });
    expect(redelivered.status).toBe(202);
    await t.settle();
    expect((await messagesOf(CUSTOMER)).map((m) => m.text)).toEqual([TEXT]);
    expect((await conversationsOf(CUSTOMER)).conversations).toHaveLength(1);
  });

  it('discards a dead letter for good: nothing of it is processed', async () => {
    const discarded = await deadLetteredText(OTHER_CUSTOMER, 'SMdead2', 'store unreachable');
    const gone = await t.api('DELETE', `manage/dead-letters/sms-inbound/${discarded}`);
    expect(gone.status).toBe(204);
    expect((await t.api('GET', 'manage/dead-letters/sms-inbound')).body.deadLetters).toEqual([]);
    expect((await t.api('DELETE', `manage/dead-letters/sms-inbound/${discarded}`)).status).toBe(404);
    await t.settle();
    expect(await messagesOf(OTHER_CUSTOMER)).toEqual([]);
  });
});
