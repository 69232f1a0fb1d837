import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockLostError } from '../../shared/errors.js';
import {
  type QueueReceiver,
  type QueueSender,
  type ReceivedMessage,
  replayMessageId,
} from '../../shared/ports.js';

export interface QueueHarness {
  queue: QueueSender & QueueReceiver;
  /** The queue's idea of now. */
  now(): Date;
  /** Moves the queue's clock forward (the queue's and, for a broker, the broker's clock too). */
  advance(ms: number): Promise<void>;
  /** Lets go of connections and servers the harness opened. */
  close?(): Promise<void>;
}

/** The settings every harness must be built with, so the suite knows the limits it tests. */
export const queueContractOptions = { lockMs: 30_000, maxDeliveryCount: 3, duplicateWindowMs: 600_000 };

const Q = 'sms-inbound' as const;

/**
 * What the Service Bus features the design relies on look like through the queue port: sessions,
 * duplicate detection, scheduled messages, locks that expire, delivery counts and dead-lettering.
 * Every queue adapter runs this suite.
 */
export function queueContract(name: string, makeHarness: () => Promise<QueueHarness> | QueueHarness) {
  describe(`Queue contract: ${name}`, () => {
    let h: QueueHarness;
    const send = (id: string, sessionId: string, body: unknown = { id }, scheduledAt?: Date) =>
      h.queue.send(Q, { id, sessionId, body, ...(scheduledAt ? { scheduledAt } : {}) });
    const receive = async (): Promise<ReceivedMessage> => {
      const message = await h.queue.receive(Q);
      if (!message) throw new Error('expected a message');
      return message;
    };

    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.close?.();
    });

    it('delivers what was sent, with its session, body and a first delivery count', async () => {
      await send('m1', 's1', { text: 'hello', n: 1 });
      const message = await receive();
      expect(message).toMatchObject({
        id: 'm1',
        sessionId: 's1',
        body: { text: 'hello', n: 1 },
        deliveryCount: 1,
      });
      expect(await h.queue.depth(Q)).toBe(1);
    });

    it("hands the receiver the message's trace context, scheduled or not, and none when it had none", async () => {
      const traced = {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        tracestate: 'congo=t61rcWkgMzE',
      };
      await h.queue.send(Q, { id: 'm1', sessionId: 's1', body: {}, traceContext: traced });
      await h.queue.send(Q, {
        id: 'm2',
        sessionId: 's2',
        body: {},
        traceContext: { traceparent: traced.traceparent },
        scheduledAt: new Date(h.now().getTime() + 60_000),
      });
      await send('m3', 's3');
      const first = await receive();
      expect(first.traceContext).toEqual(traced);
      const plain = await receive();
      expect(plain.id).toBe('m3');
      expect(plain.traceContext).toBeUndefined();
      await h.queue.complete(Q, first);
      await h.queue.complete(Q, plain);
      await h.advance(61_000);
      expect((await receive()).traceContext).toEqual({ traceparent: traced.traceparent });
    });

    it('forgets a completed message', async () => {
      await send('m1', 's1');
      await h.queue.complete(Q, await receive());
      expect(await h.queue.receive(Q)).toBeUndefined();
      expect(await h.queue.depth(Q)).toBe(0);
    });

    it('drops a message whose id was already sent inside the duplicate window', async () => {
      await send('m1', 's1', { copy: 1 });
      await h.queue.complete(Q, await receive());
      await send('m1', 's1', { copy: 2 });
      expect(await h.queue.receive(Q)).toBeUndefined();
    });

    it('accepts the same id again once the duplicate window has passed', async () => {
      await send('m1', 's1', { copy: 1 });
      await h.queue.complete(Q, await receive());
      await h.advance(queueContractOptions.duplicateWindowMs + 1000);
      await send('m1', 's1', { copy: 2 });
      expect((await receive()).body).toEqual({ copy: 2 });
    });

    it("delivers a session's messages in the order sent", async () => {
      for (const id of ['a1', 'a2', 'a3']) await send(id, 'a');
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        const message = await receive();
        seen.push(message.id);
        await h.queue.complete(Q, message);
      }
      expect(seen).toEqual(['a1', 'a2', 'a3']);
    });

    it('gives a session to one consumer at a time while other sessions go on', async () => {
      await send('a1', 'a');
      await send('a2', 'a');
      await send('b1', 'b');
      const first = await receive();
      const second = await receive();
      expect([first.id, second.id]).toEqual(['a1', 'b1']);
      expect(await h.queue.receive(Q)).toBeUndefined();
      await h.queue.complete(Q, first);
      expect((await receive()).id).toBe('a2');
    });

    it('returns an abandoned message to the head of its session with a higher delivery count', async () => {
      await send('a1', 'a');
      await send('a2', 'a');
      await h.queue.abandon(Q, await receive());
      const again = await receive();
      expect(again).toMatchObject({ id: 'a1', deliveryCount: 2 });
    });

    it('holds the whole session back while an abandoned message waits for its retry', async () => {
      await send('a1', 'a');
      await send('a2', 'a');
      await send('b1', 'b');
      await h.queue.abandon(Q, await receive(), 5000);
      expect((await receive()).id).toBe('b1');
      expect(await h.queue.receive(Q)).toBeUndefined();
      await h.advance(5001);
      expect((await receive()).id).toBe('a1');
    });

    it('dead-letters a message abandoned on its last allowed delivery, and the session moves on', async () => {
      await send('a1', 'a', { poison: true });
      await send('a2', 'a');
      for (let i = 0; i < queueContractOptions.maxDeliveryCount; i++)
        await h.queue.abandon(Q, await receive());
      expect((await receive()).id).toBe('a2');
      const dead = await h.queue.deadLetters(Q);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ id: 'a1', sessionId: 'a', body: { poison: true } });
      expect(dead[0]?.deliveryCount).toBe(queueContractOptions.maxDeliveryCount);
      expect(dead[0]?.reason).toMatch(/delivery ?count/i);
    });

    it('dead-letters on request, keeping the reason', async () => {
      await send('a1', 'a');
      await h.queue.deadLetter(Q, await receive(), 'body is not an inbound SMS');
      expect(await h.queue.depth(Q)).toBe(0);
      expect((await h.queue.deadLetters(Q)).map((d) => d.reason)).toEqual(['body is not an inbound SMS']);
    });

    /** Sends a message and dead-letters it on its first delivery, with the reason given. */
    const bury = async (id: string, sessionId: string, reason: string, body: unknown = { id }) => {
      await send(id, sessionId, body);
      const message = await receive();
      expect(message.id).toBe(id);
      await h.queue.deadLetter(Q, message, reason);
    };
    const deadLetter = async (id: string) => {
      const found = (await h.queue.deadLetters(Q)).find((d) => d.id === id);
      if (!found) throw new Error(`expected a dead letter ${id}`);
      return found;
    };

    it('lists dead letters oldest first with their reason, a page at a time by sequence', async () => {
      await bury('a1', 'a', 'body is not an inbound SMS');
      await bury('b1', 'b', 'the conversation store refused the write');
      const all = await h.queue.deadLetters(Q);
      expect(all.map((d) => [d.id, d.sessionId, d.reason])).toEqual([
        ['a1', 'a', 'body is not an inbound SMS'],
        ['b1', 'b', 'the conversation store refused the write'],
      ]);
      expect(all[0]?.sequence).toMatch(/^\d+$/);
      expect(all[0]?.enqueuedAt).toBeInstanceOf(Date);
      const first = await h.queue.deadLetters(Q, { limit: 1 });
      expect(first.map((d) => d.id)).toEqual(['a1']);
      const next = await h.queue.deadLetters(Q, { after: first[0]?.sequence ?? '', limit: 1 });
      expect(next.map((d) => d.id)).toEqual(['b1']);
      expect(await h.queue.deadLetters(Q, { after: next[0]?.sequence ?? '' })).toEqual([]);
      expect(await h.queue.deadLetters('sms-outbound')).toEqual([]);
    });

    it('replays a dead letter as a first delivery in its session, under its replay id, and forgets it', async () => {
      const traced = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
      await h.queue.send(Q, { id: 'a1', sessionId: 'a', body: { n: 1 }, traceContext: traced });
      await h.queue.deadLetter(Q, await receive(), 'the store was unreachable');
      const { sequence } = await deadLetter('a1');
      expect(await h.queue.replayDeadLetter(Q, sequence)).toBe(true);
      expect(await h.queue.deadLetters(Q)).toEqual([]);
      const again = await receive();
      expect(again).toMatchObject({
        id: replayMessageId('a1', sequence),
        sessionId: 'a',
        body: { n: 1 },
        deliveryCount: 1,
        traceContext: traced,
      });
      await h.queue.complete(Q, again);
      expect(await h.queue.receive(Q)).toBeUndefined();
      expect(await h.queue.replayDeadLetter(Q, sequence)).toBe(false);
    });

    it('delivers a replay once: the same replay sent again inside the duplicate window is dropped', async () => {
      await bury('a1', 'a', 'the store was unreachable');
      const { sequence } = await deadLetter('a1');
      await h.queue.replayDeadLetter(Q, sequence);
      // What a replay repeated after a crash between its send and its removal sends.
      await send(replayMessageId('a1', sequence), 'a', { id: 'a1' });
      await h.queue.complete(Q, await receive());
      expect(await h.queue.receive(Q)).toBeUndefined();
    });

    it('discards a dead letter, and only that one', async () => {
      await bury('a1', 'a', 'first');
      await bury('b1', 'b', 'second');
      const { sequence } = await deadLetter('a1');
      expect(await h.queue.discardDeadLetter(Q, sequence)).toBe(true);
      expect((await h.queue.deadLetters(Q)).map((d) => d.id)).toEqual(['b1']);
      expect(await h.queue.depth(Q)).toBe(0);
      expect(await h.queue.receive(Q)).toBeUndefined();
      expect(await h.queue.discardDeadLetter(Q, sequence)).toBe(false);
    });

    it('neither replays nor discards a dead letter it does not have, and changes nothing', async () => {
      await bury('a1', 'a', 'first');
      const { sequence } = await deadLetter('a1');
      for (const wrong of ['999999', '0', 'not-a-sequence', '']) {
        expect(await h.queue.replayDeadLetter(Q, wrong)).toBe(false);
        expect(await h.queue.discardDeadLetter(Q, wrong)).toBe(false);
      }
      // Another queue's sequence numbers are its own.
      expect(await h.queue.replayDeadLetter('sms-outbound', sequence)).toBe(false);
      expect(await h.queue.discardDeadLetter('sms-outbound', sequence)).toBe(false);
      expect((await h.queue.deadLetters(Q)).map((d) => [d.id, d.sequence])).toEqual([['a1', sequence]]);
      expect(await h.queue.depth(Q)).toBe(0);
      expect(await h.queue.depth('sms-outbound')).toBe(0);
    });

    it('does not deliver a scheduled message before its time', async () => {
      await send('later', 'a', {}, new Date(h.now().getTime() + 60_000));
      await send('now', 'b');
      const now = await receive();
      expect(now.id).toBe('now');
      await h.queue.complete(Q, now);
      expect(await h.queue.receive(Q)).toBeUndefined();
      await h.advance(61_000);
      expect((await receive()).id).toBe('later');
    });

    it('lets another consumer take a message whose lock expired, and refuses the first holder', async () => {
      await send('a1', 'a');
      const first = await receive();
      await h.advance(queueContractOptions.lockMs + 1000);
      const second = await receive();
      expect(second).toMatchObject({ id: 'a1', deliveryCount: 2 });
      await expect(h.queue.complete(Q, first)).rejects.toBeInstanceOf(LockLostError);
      await h.queue.complete(Q, second);
      expect(await h.queue.depth(Q)).toBe(0);
    });

    it('keeps a renewed lock past its first expiry', async () => {
      await send('a1', 'a');
      const first = await receive();
      await h.advance(queueContractOptions.lockMs - 1000);
      const renewed = await h.queue.renewLock(Q, first);
      expect(renewed.lockedUntil.getTime()).toBeGreaterThan(first.lockedUntil.getTime());
      await h.advance(2000);
      expect(await h.queue.receive(Q)).toBeUndefined();
      await h.queue.complete(Q, renewed);
    });

    it('enqueues a scheduled message behind what its session already holds when it falls due', async () => {
      await send('later', 'a', { n: 2 }, new Date(h.now().getTime() + 1000));
      await send('first', 'a', { n: 1 });
      await h.advance(1001);
      const first = await receive();
      expect(first.id).toBe('first');
      await h.queue.complete(Q, first);
      expect((await receive()).id).toBe('later');
    });

    it('counts scheduled messages as waiting, and forgets nothing on the way', async () => {
      await send('later', 'a', {}, new Date(h.now().getTime() + 1000));
      await send('now', 'b');
      expect(await h.queue.depth(Q)).toBe(2);
    });

    it('serves the oldest head first across many sessions', async () => {
      for (let i = 0; i < 20; i++) await send(`m${i}`, `s${i % 5}`);
      const seen: string[] = [];
      for (let i = 0; i < 20; i++) {
        const message = await receive();
        seen.push(message.id);
        await h.queue.complete(Q, message);
      }
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    });

    it('delivers a batch whole: every message with its own id, session, body and trace, a scheduled one at its time', async () => {
      const traced = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
      await h.queue.sendBatch(Q, [
        { id: 'b1', sessionId: 's1', body: { text: 'first', n: 1 }, traceContext: traced },
        { id: 'b2', sessionId: 's2', body: { text: 'second', n: 2 } },
        { id: 'b3', sessionId: 's3', body: { n: 3 }, scheduledAt: new Date(h.now().getTime() + 60_000) },
      ]);
      expect(await h.queue.depth(Q)).toBe(3);
      const got = [await receive(), await receive()].sort((a, b) => a.id.localeCompare(b.id));
      expect(got).toMatchObject([
        { id: 'b1', sessionId: 's1', body: { text: 'first', n: 1 }, deliveryCount: 1, traceContext: traced },
        { id: 'b2', sessionId: 's2', body: { text: 'second', n: 2 }, deliveryCount: 1 },
      ]);
      expect(got[1]?.traceContext).toBeUndefined();
      for (const message of got) await h.queue.complete(Q, message);
      expect(await h.queue.receive(Q)).toBeUndefined();
      await h.advance(61_000);
      expect(await receive()).toMatchObject({ id: 'b3', sessionId: 's3', body: { n: 3 } });
    });

    it("keeps each session's order within a batch, sessions interleaved", async () => {
      const ids = ['a1', 'b1', 'a2', 'b2', 'a3'];
      await h.queue.sendBatch(
        Q,
        ids.map((id) => ({ id, sessionId: id.slice(0, 1), body: { id } })),
      );
      const seen: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        const message = await receive();
        seen.push(message.id);
        await h.queue.complete(Q, message);
      }
      expect(seen.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
      expect(seen.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2']);
    });

    it('drops the messages of a batch already sent inside the duplicate window, and keeps the rest', async () => {
      await send('d1', 's1', { copy: 1 });
      await h.queue.sendBatch(Q, [
        { id: 'd1', sessionId: 's1', body: { copy: 2 } },
        { id: 'd2', sessionId: 's1', body: { copy: 1 } },
      ]);
      const first = await receive();
      expect(first.body).toEqual({ copy: 1 });
      await h.queue.complete(Q, first);
      expect((await receive()).id).toBe('d2');
      expect(await h.queue.depth(Q)).toBe(1);
    });

    it('sends nothing for an empty batch', async () => {
      await h.queue.sendBatch(Q, []);
      expect(await h.queue.depth(Q)).toBe(0);
      expect(await h.queue.receive(Q)).toBeUndefined();
    });

    it('delivers a batch larger than one transfer may carry, every message, in order', async () => {
      // 300 messages of 2 kB: about 600 kB, more than a Service Bus batch may hold (256 kB).
      const filler = 'x'.repeat(2048);
      const messages = Array.from({ length: 300 }, (_, i) => ({
        id: `big-${i}`,
        sessionId: 'pool-number',
        body: { i, filler },
      }));
      await h.queue.sendBatch(Q, messages);
      expect(await h.queue.depth(Q)).toBe(300);
      const seen: number[] = [];
      for (let i = 0; i < messages.length; i++) {
        const message = await receive();
        seen.push((message.body as { i: number }).i);
        await h.queue.complete(Q, message);
      }
      expect(seen).toEqual(messages.map((_, i) => i));
      expect(await h.queue.receive(Q)).toBeUndefined();
    });

    it('keeps queues apart', async () => {
      await h.queue.send('sms-outbound', { id: 'o1', sessionId: 'a', body: {} });
      expect(await h.queue.receive(Q)).toBeUndefined();
      expect((await h.queue.receive('sms-outbound'))?.id).toBe('o1');
    });
  });
}
