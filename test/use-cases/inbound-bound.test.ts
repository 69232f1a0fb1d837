import { describe, expect, it } from 'vitest';
import { UnsettledError } from '../../shared/errors.js';
import { receiveInbound } from '../../shared/use-cases/inbound.js';
import { coreHarness } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

/**
 * A conversation that never lets the message take its place: the sequence number is always
 * refused while the conversation reads as under way, as if another writer won every time.
 * After many refusals it gives in, so code without a bound ends instead of hanging the suite.
 */
class NeverSettlingStore extends MemoryStore {
  refusals = 0;
  override async takeNextSeq(...args: Parameters<MemoryStore['takeNextSeq']>) {
    if (this.refusals < 1000) {
      this.refusals += 1;
      return undefined;
    }
    return super.takeNextSeq(...args);
  }
}

describe('a customer message whose place never settles', () => {
  it('ends in a retryable error after a bounded number of passes, for the queue to redeliver', async () => {
    const store = new NeverSettlingStore();
    const h = coreHarness(store);
    await receiveInbound(h.deps, h.sms({ text: 'first' }));
    store.refusals = 0;
    await expect(receiveInbound(h.deps, h.sms({ text: 'second' }))).rejects.toBeInstanceOf(UnsettledError);
    expect(store.refusals).toBeLessThanOrEqual(20);
  });

  it('is given twenty passes, and the error says so', async () => {
    const store = new NeverSettlingStore();
    const h = coreHarness(store);
    await receiveInbound(h.deps, h.sms({ text: 'first' }));
    store.refusals = 0;
    await expect(receiveInbound(h.deps, h.sms({ text: 'second' }))).rejects.toThrow(
      "the message's place did not settle after 20 passes",
    );
    expect(store.refusals).toBe(20);
  });
});
