import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { type DeadLetter, type DeadLetterPage, type QueueName, replayMessageId } from '../../shared/ports.js';
import {
  countDeadLetters,
  type DeadLetterQueues,
  deadLetterView,
  discardDeadLetter,
  listDeadLetters,
  replayDeadLetter,
  workQueue,
} from '../../shared/use-cases/dead-letters.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';
const TEXT = 'My parcel never came, order 5521';

/**
 * The queue's dead letters as the port describes them: oldest first by sequence, a page after a
 * sequence, replay and discard by sequence (false when there is none). It records what was
 * replayed, and can let another admin discard a letter between a read and the replay.
 */
class FakeDeadLetterQueues implements DeadLetterQueues {
  readonly letters = new Map<QueueName, DeadLetter[]>();
  readonly replayed: { queue: QueueName; id: string; sessionId: string; body: unknown }[] = [];
  readonly pages: { queue: QueueName; page: DeadLetterPage | undefined }[] = [];
  /** Runs just before a replay: another admin acting meanwhile. */
  beforeReplay: (() => void) | undefined;

  add(queue: QueueName, letter: DeadLetter) {
    const list = this.letters.get(queue) ?? [];
    list.push(letter);
    list.sort((a, b) => (BigInt(a.sequence) < BigInt(b.sequence) ? -1 : 1));
    this.letters.set(queue, list);
  }

  async deadLetters(queue: QueueName, page?: DeadLetterPage) {
    this.pages.push({ queue, page });
    // As the embedded queue: a page after something that is no sequence holds nothing.
    if (page?.after !== undefined && !/^\d+$/.test(page.after)) return [];
    const after = page?.after === undefined ? -1n : BigInt(page.after);
    const later = (this.letters.get(queue) ?? []).filter((l) => BigInt(l.sequence) > after);
    return page?.limit === undefined ? later : later.slice(0, page.limit);
  }

  async replayDeadLetter(queue: QueueName, sequence: string) {
    this.beforeReplay?.();
    const letter = this.take(queue, sequence);
    if (!letter) return false;
    this.replayed.push({
      queue,
      id: replayMessageId(letter.id, sequence),
      sessionId: letter.sessionId,
      body: letter.body,
    });
    return true;
  }

  async discardDeadLetter(queue: QueueName, sequence: string) {
    return this.take(queue, sequence) !== undefined;
  }

  take(queue: QueueName, sequence: string) {
    const list = this.letters.get(queue) ?? [];
    const index = list.findIndex((l) => l.sequence === sequence);
    if (index < 0) return undefined;
    return list.splice(index, 1)[0];
  }

  sequences(queue: QueueName) {
    return (this.letters.get(queue) ?? []).map((l) => l.sequence);
  }
}

/** An inbound text as the webhook queues it, dead-lettered after its deliveries failed. */
function deadLetteredText(sequence: string, overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    sequence,
    id: `local:SM${sequence}`,
    sessionId: `${SUPPORT}:${CUSTOMER}`,
    body: {
      kind: 'sms',
      sms: {
        id: `local:SM${sequence}`,
        provider: 'local',
        providerMessageId: `SM${sequence}`,
        from: CUSTOMER,
        to: SUPPORT,
        text: TEXT,
        media: [{ url: 'https://media.example.com/parcel.jpg', contentType: 'image/jpeg' }],
        receivedAt: '2026-11-23T08:59:00.000Z',
      },
    },
    deliveryCount: 10,
    reason: `store unreachable while saving ${CUSTOMER}`,
    enqueuedAt: new Date('2026-11-23T09:00:00.000Z'),
    ...overrides,
  };
}

function harness() {
  const queue = new FakeDeadLetterQueues();
  const logs: string[] = [];
  const deps = { queue, logger: createLogger((line) => logs.push(line), 'debug') };
  const logged = (event: string) =>
    logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.event === event);
  return { queue, deps, logged };
}

describe('a dead letter as an admin reads it', () => {
  it('says why and where, masks every number, and leaves out what the customer wrote', () => {
    const view = deadLetterView(
      'sms-inbound',
      deadLetteredText('42', {
        id: `${SUPPORT}:${CUSTOMER}:1`,
        description: `Cosmos DB said 503 for ${CUSTOMER}`,
      }),
      false,
    );
    expect(view).toEqual({
      queue: 'sms-inbound',
      sequence: '42',
      messageId: '+1********00:+1********23:1',
      session: '+1********00:+1********23',
      reason: 'store unreachable while saving +1********23',
      description: 'Cosmos DB said 503 for +1********23',
      deliveryCount: 10,
      enqueuedAt: '2026-11-23T09:00:00.000Z',
      work: {
        kind: 'sms',
        sms: {
          id: 'local:SM42',
          provider: 'local',
          providerMessageId: 'SM42',
          from: '+1********23',
          to: '+1********00',
          receivedAt: '2026-11-23T08:59:00.000Z',
        },
      },
      textIncluded: false,
    });
  });

  it('shows the text and media as written only when asked, still masking the numbers around them', () => {
    const view = deadLetterView('sms-inbound', deadLetteredText('42'), true);
    expect(view.textIncluded).toBe(true);
    expect(view.work).toEqual({
      kind: 'sms',
      sms: {
        id: 'local:SM42',
        provider: 'local',
        providerMessageId: 'SM42',
        from: '+1********23',
        to: '+1********00',
        text: TEXT,
        media: [{ url: 'https://media.example.com/parcel.jpg', contentType: 'image/jpeg' }],
        receivedAt: '2026-11-23T08:59:00.000Z',
      },
    });
  });

  it('has no description when the queue kept none, and keeps numbers, flags, nulls and lists in the work', () => {
    const view = deadLetterView(
      'sms-outbound',
      deadLetteredText('7', {
        body: {
          id: 'reply-1',
          seq: 3,
          resent: false,
          providerMessageId: null,
          recipients: [CUSTOMER, '+14255550124'],
          parts: [{ text: 'Hello', to: CUSTOMER }],
        },
      }),
      false,
    );
    expect(view).not.toHaveProperty('description');
    expect(view.work).toEqual({
      id: 'reply-1',
      seq: 3,
      resent: false,
      providerMessageId: null,
      recipients: ['+1********23', '+1********24'],
      parts: [{ to: '+1********23' }],
    });
  });
});

describe('finding the dead letters', () => {
  it('counts each work queue’s, in the order the queues are listed', async () => {
    const { queue, deps } = harness();
    queue.add('sms-outbound', deadLetteredText('3'));
    queue.add('sms-outbound', deadLetteredText('4'));
    queue.add('sms-inbound', deadLetteredText('9'));
    expect(await countDeadLetters(deps)).toEqual({
      queues: [
        { queue: 'sms-inbound', deadLetters: 1 },
        { queue: 'sms-assignment', deadLetters: 0 },
        { queue: 'sms-outbound', deadLetters: 2 },
      ],
    });
  });

  it('names the work queues when asked for another, cutting a long name short', async () => {
    expect(workQueue('sms-assignment')).toBe('sms-assignment');
    const { deps } = harness();
    const error = await listDeadLetters(deps, { queue: 'sms-inbound-dlq', includeText: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(
      'there is no work queue named sms-inbound-dlq; the work queues are sms-inbound, sms-assignment, sms-outbound',
    );
    expect(() => workQueue('x'.repeat(150))).toThrow(`there is no work queue named ${'x'.repeat(100)};`);
  });

  it('lists a queue oldest first, 100 at a time unless told, and says where the next page starts', async () => {
    const { queue, deps } = harness();
    for (let n = 1; n <= 101; n += 1) queue.add('sms-inbound', deadLetteredText(String(n)));
    const first = await listDeadLetters(deps, { queue: 'sms-inbound', includeText: false });
    expect(first.deadLetters).toHaveLength(100);
    expect(first.deadLetters[0]?.sequence).toBe('1');
    expect(first.next).toBe('100');
    expect(queue.pages.at(-1)?.page).toEqual({ limit: 100 });

    const rest = await listDeadLetters(deps, { queue: 'sms-inbound', after: first.next, includeText: false });
    expect(rest.deadLetters.map((d) => d.sequence)).toEqual(['101']);
    expect(rest.next).toBeUndefined();
    expect(queue.pages.at(-1)?.page).toEqual({ after: '100', limit: 100 });
  });

  it('pages by the limit given, from 1 to 1000', async () => {
    const { queue, deps } = harness();
    for (const n of ['5', '6', '7']) queue.add('sms-outbound', deadLetteredText(n));
    const one = await listDeadLetters(deps, { queue: 'sms-outbound', limit: 1, includeText: true });
    expect(one.deadLetters.map((d) => [d.sequence, d.textIncluded])).toEqual([['5', true]]);
    expect(one.next).toBe('5');
    const all = await listDeadLetters(deps, { queue: 'sms-outbound', limit: 1000, includeText: false });
    expect(all.deadLetters.map((d) => d.sequence)).toEqual(['5', '6', '7']);
    expect(all.next).toBeUndefined();
  });

  it.each([
    ['none', 0],
    ['more than 1000', 1001],
    ['a fraction', 2.5],
  ])('refuses a limit of %s', async (_name, limit) => {
    const { queue, deps } = harness();
    const error = await listDeadLetters(deps, { queue: 'sms-inbound', limit, includeText: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      message: 'limit is a whole number from 1 to 1000',
      issues: [{ path: 'limit', message: 'out of range' }],
    });
    expect(queue.pages).toEqual([]);
  });

  it('refuses a page start that is not a sequence number, naming it', async () => {
    const { queue, deps } = harness();
    await expect(
      listDeadLetters(deps, { queue: 'sms-inbound', after: 'local:SM1', includeText: false }),
    ).rejects.toMatchObject({ issues: [{ path: 'after', message: 'not a sequence number' }] });
    expect(queue.pages).toEqual([]);
  });
});

describe('replaying a dead letter', () => {
  it('sends that one letter back to its queue as new work, says under which id, and logs who did it', async () => {
    const { queue, deps, logged } = harness();
    for (const n of ['0', '1', '2', '3']) queue.add('sms-inbound', deadLetteredText(n));
    const replayed = await replayDeadLetter(deps, {
      queue: 'sms-inbound',
      sequence: '2',
      by: 'admin@contoso',
    });
    expect(replayed).toEqual({ queue: 'sms-inbound', sequence: '2', replayedAs: 'local:SM2:replay-2' });
    expect(queue.replayed).toEqual([
      {
        queue: 'sms-inbound',
        id: 'local:SM2:replay-2',
        sessionId: `${SUPPORT}:${CUSTOMER}`,
        body: deadLetteredText('2').body,
      },
    ]);
    expect(queue.sequences('sms-inbound')).toEqual(['0', '1', '3']);
    expect(logged('dead-letter.replayed')).toMatchObject([
      { level: 'info', queue: 'sms-inbound', sequence: '2', by: 'admin@contoso' },
    ]);
  });

  it('replays the oldest letter and its neighbour, each by its own sequence', async () => {
    const { queue, deps } = harness();
    for (const n of ['0', '1', '2']) queue.add('sms-outbound', deadLetteredText(n));
    await replayDeadLetter(deps, { queue: 'sms-outbound', sequence: '1', by: 'admin' });
    await replayDeadLetter(deps, { queue: 'sms-outbound', sequence: '0', by: 'admin' });
    expect(queue.replayed.map((r) => r.id)).toEqual(['local:SM1:replay-1', 'local:SM0:replay-0']);
    expect(queue.sequences('sms-outbound')).toEqual(['2']);
  });

  it('masks the numbers in the id it was replayed under', async () => {
    const { queue, deps } = harness();
    queue.add('sms-assignment', deadLetteredText('12', { id: `assign:${CUSTOMER}` }));
    const replayed = await replayDeadLetter(deps, { queue: 'sms-assignment', sequence: '12', by: 'admin' });
    expect(replayed.replayedAs).toBe('assign:+1********23:replay-12');
  });

  it('is not found, and replays nothing, when that sequence is gone though later letters remain', async () => {
    const { queue, deps, logged } = harness();
    for (const n of ['4', '6']) queue.add('sms-inbound', deadLetteredText(n));
    const error = await replayDeadLetter(deps, { queue: 'sms-inbound', sequence: '5', by: 'admin' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(
      'sms-inbound has no dead letter 5 (it may have been replayed or discarded already)',
    );
    await expect(
      replayDeadLetter(deps, { queue: 'sms-inbound', sequence: '7', by: 'admin' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(queue.replayed).toEqual([]);
    expect(queue.sequences('sms-inbound')).toEqual(['4', '6']);
    expect(logged('dead-letter.replayed')).toEqual([]);
  });

  it('is not found when another admin discarded the letter between the read and the replay', async () => {
    const { queue, deps, logged } = harness();
    queue.add('sms-inbound', deadLetteredText('8'));
    queue.beforeReplay = () => queue.take('sms-inbound', '8');
    await expect(
      replayDeadLetter(deps, { queue: 'sms-inbound', sequence: '8', by: 'admin' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(queue.replayed).toEqual([]);
    expect(logged('dead-letter.replayed')).toEqual([]);
  });

  it('replays only a letter it has read: one dead-lettered meanwhile waits for the next request', async () => {
    const { queue, deps } = harness();
    queue.add('sms-inbound', deadLetteredText('9'));
    // Sequence 8 was still being delivered when the admin's request read the dead letters.
    queue.beforeReplay = () => queue.add('sms-inbound', deadLetteredText('8'));
    await expect(
      replayDeadLetter(deps, { queue: 'sms-inbound', sequence: '8', by: 'admin' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    queue.letters.set('sms-inbound', []);
    await expect(
      replayDeadLetter(deps, { queue: 'sms-inbound', sequence: '8', by: 'admin' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(queue.replayed).toEqual([]);
  });

  it.each([
    ['a message id', 'local:SM8'],
    ['a negative number', '-1'],
    ['a number with words after it', '8 OR 1=1'],
    ['a number with words before it', 'seq8'],
    ['more digits than a 64-bit number has', '12345678901234567890'],
    ['nothing', ''],
  ])('refuses %s as a sequence, changing nothing', async (_name, sequence) => {
    const { queue, deps } = harness();
    queue.add('sms-inbound', deadLetteredText('8'));
    const error = await replayDeadLetter(deps, { queue: 'sms-inbound', sequence, by: 'admin' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      message: 'a dead letter is named by its sequence number, a whole number (from the list)',
      issues: [{ path: 'sequence', message: 'not a sequence number' }],
    });
    expect(queue.sequences('sms-inbound')).toEqual(['8']);
  });

  it('takes the largest sequence a 64-bit queue hands out', async () => {
    const { queue, deps } = harness();
    queue.add('sms-inbound', deadLetteredText('9223372036854775807'));
    await replayDeadLetter(deps, { queue: 'sms-inbound', sequence: '9223372036854775807', by: 'admin' });
    expect(queue.sequences('sms-inbound')).toEqual([]);
  });
});

describe('discarding a dead letter', () => {
  it('removes it for good and logs who did it', async () => {
    const { queue, deps, logged } = harness();
    for (const n of ['1', '2']) queue.add('sms-outbound', deadLetteredText(n));
    await discardDeadLetter(deps, { queue: 'sms-outbound', sequence: '1', by: 'admin@contoso' });
    expect(queue.sequences('sms-outbound')).toEqual(['2']);
    expect(queue.replayed).toEqual([]);
    expect(logged('dead-letter.discarded')).toMatchObject([
      { level: 'info', queue: 'sms-outbound', sequence: '1', by: 'admin@contoso' },
    ]);
  });

  it('is not found when there is no such letter, and logs nothing', async () => {
    const { queue, deps, logged } = harness();
    queue.add('sms-outbound', deadLetteredText('2'));
    const error = await discardDeadLetter(deps, { queue: 'sms-outbound', sequence: '1', by: 'admin' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(
      'sms-outbound has no dead letter 1 (it may have been replayed or discarded already)',
    );
    expect(queue.sequences('sms-outbound')).toEqual(['2']);
    expect(logged('dead-letter.discarded')).toEqual([]);
  });

  it('refuses an unknown queue or a sequence that is no number', async () => {
    const { queue, deps } = harness();
    queue.add('sms-outbound', deadLetteredText('2'));
    await expect(
      discardDeadLetter(deps, { queue: 'sms-poison', sequence: '2', by: 'admin' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      discardDeadLetter(deps, { queue: 'sms-outbound', sequence: 'two', by: 'admin' }),
    ).rejects.toMatchObject({ issues: [{ path: 'sequence' }] });
    expect(queue.sequences('sms-outbound')).toEqual(['2']);
  });
});
