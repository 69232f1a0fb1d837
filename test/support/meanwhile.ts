import type { Store } from '../../shared/ports.js';

type PointRead = 'getAgent' | 'getConversation';

/**
 * Someone else's step, run just before the store's `nth` read of one record, as a race between two
 * processes would order it: the step under test then reads what the other one wrote. The step may
 * read the record itself (its reads count too, after the nth).
 */
export function meanwhile(
  store: Store,
  read: PointRead,
  id: string,
  nth: number,
  step: () => Promise<unknown>,
) {
  const reads = store as unknown as Record<PointRead, (id: string) => Promise<unknown>>;
  const original = reads[read].bind(store);
  let count = 0;
  reads[read] = async (wanted: string) => {
    if (wanted === id) {
      count += 1;
      if (count === nth) await step();
    }
    return original(wanted);
  };
}
