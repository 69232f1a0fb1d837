import { describe, expect, it } from 'vitest';
import { WorkerOutbox } from '../../local/worker-outbox.js';
import type { FromWorker } from '../../local/worker-protocol.js';

function recorder() {
  const sent: (FromWorker | FromWorker[])[] = [];
  return { sent, outbox: new WorkerOutbox((messages) => sent.push(messages)) };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("the queue thread's messages to the HTTP thread", () => {
  it('sends the answers of one group commit together, in one message, before the next turn', async () => {
    const { sent, outbox } = recorder();
    for (const requestId of [1, 2, 3]) outbox.post({ type: 'sent', requestId });
    expect(sent).toEqual([]);
    await Promise.resolve();
    expect(sent).toEqual([
      [
        { type: 'sent', requestId: 1 },
        { type: 'sent', requestId: 2 },
        { type: 'sent', requestId: 3 },
      ],
    ]);
  });

  it('sends a lone answer as itself', async () => {
    const { sent, outbox } = recorder();
    outbox.post({ type: 'invoked', requestId: 7, error: 'boom' });
    await Promise.resolve();
    expect(sent).toEqual([{ type: 'invoked', requestId: 7, error: 'boom' }]);
  });

  it('holds notices until the thread has a free turn, then sends them together', async () => {
    const { sent, outbox } = recorder();
    outbox.post({ type: 'log', line: 'one' });
    outbox.post({ type: 'log', line: 'two' });
    await Promise.resolve();
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([
      [
        { type: 'log', line: 'one' },
        { type: 'log', line: 'two' },
      ],
    ]);
  });

  it('lets an answer carry the notices queued before it, in the order they were posted', async () => {
    const { sent, outbox } = recorder();
    outbox.post({ type: 'log', line: 'before' });
    outbox.post({ type: 'sent', requestId: 1 });
    await Promise.resolve();
    expect(sent).toEqual([
      [
        { type: 'log', line: 'before' },
        { type: 'sent', requestId: 1 },
      ],
    ]);
    await nextTurn();
    expect(sent).toHaveLength(1);
  });

  it('sends everything queued at once when flushed, as before the port closes', () => {
    const { sent, outbox } = recorder();
    outbox.post({ type: 'log', line: 'last words' });
    outbox.post({ type: 'stopped' });
    outbox.flush();
    expect(sent).toEqual([[{ type: 'log', line: 'last words' }, { type: 'stopped' }]]);
  });
});
