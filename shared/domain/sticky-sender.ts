import { hash } from 'node:crypto';

/**
 * The number of a pool a recipient hears from when nothing is remembered for them: each number is
 * scored by a hash of itself and the recipient, and the highest score wins (rendezvous hashing).
 * The recipients spread over the pool, and a number added to the pool takes over only the
 * recipients it now scores highest for; a number taken out moves only its own recipients.
 */
export function stickySender<N extends string>(pool: readonly N[], recipient: string): N {
  const best = highestScoring(pool, recipient, () => true);
  if (best === undefined) throw new RangeError('a pool of numbers cannot be empty');
  return best;
}

/**
 * The pool's number that `number` is, if it is one: a remembered sender counts only while its
 * number is still in the pool.
 */
export function inPool<N extends string>(pool: readonly N[], number: string | undefined): N | undefined {
  return pool.find((candidate) => candidate === number);
}

/** One recipient of a notification, with the pool number they heard from before, if any. */
export interface SenderNeed {
  readonly to: string;
  readonly remembered?: string | undefined;
}

/**
 * The sender of each recipient of one notification, by recipient, in their order. A recipient
 * keeps the number they heard from before while it is still in the pool (a customer always hears
 * from the same number, as Twilio's Messaging Services keep a sticky sender). The others take the number the hash scores
 * highest for them unless this notification already gave that number its share (the recipients
 * over the pool's size, rounded up), then the next (consistent hashing with bounded loads): each
 * number sends at its own pace, so the pool's pace is the sum of its numbers' only while they have
 * equal work. By the hash alone 10,000 recipients over 10 numbers gave one of them 1,039, and the
 * pool finished at that number's pace (96.2% of the sum at best).
 */
export function pickSenders<N extends string>(
  pool: readonly N[],
  needs: readonly SenderNeed[],
): Map<string, N> {
  if (pool.length === 0) throw new RangeError('a pool of numbers cannot be empty');
  const share = Math.ceil(needs.length / pool.length);
  const load = new Map<string, number>();
  const picks = new Map<string, N>();
  // Remembered senders first, so their load is known before any new recipient is placed.
  for (const { to, remembered } of needs) {
    const kept = inPool(pool, remembered);
    if (kept === undefined) continue;
    picks.set(to, kept);
    load.set(kept, (load.get(kept) ?? 0) + 1);
  }
  for (const { to } of needs) {
    if (picks.has(to)) continue;
    // One is always below its share: fewer than all the recipients are placed yet, and every
    // number at its share would hold them all (the pool's numbers are distinct).
    const chosen = highestScoring(pool, to, (number) => (load.get(number) ?? 0) < share);
    if (chosen === undefined) throw new RangeError('a pool of numbers cannot list a number twice');
    picks.set(to, chosen);
    load.set(chosen, (load.get(chosen) ?? 0) + 1);
  }
  return picks;
}

/** Of the numbers `open` allows, the one scored highest for this recipient. */
function highestScoring<N extends string>(
  pool: readonly N[],
  recipient: string,
  open: (number: N) => boolean,
): N | undefined {
  let best: N | undefined;
  let bestScore = '';
  for (const number of pool) {
    if (!open(number)) continue;
    const score = hash('sha256', `${number}\n${recipient}`);
    if (best === undefined || score > bestScore) {
      best = number;
      bestScore = score;
    }
  }
  return best;
}
