import { hash } from 'node:crypto';

/**
 * The number of a pool a recipient hears from, the same every time (as Twilio's Messaging
 * Services keep a sticky sender): each number is scored by a hash of itself and the recipient, and
 * the highest score wins (rendezvous hashing). The recipients spread evenly over the pool, and a
 * number added to the pool takes over only the recipients it now scores highest for (about one in
 * the pool's new size); a number taken out moves only its own recipients. Every number sends at
 * its own pace, so the pool's pace is the sum of its numbers'.
 */
export function stickySender<N extends string>(pool: readonly N[], recipient: string): N {
  let best: N | undefined;
  let bestScore = '';
  for (const number of pool) {
    const score = hash('sha256', `${number}\n${recipient}`);
    if (best === undefined || score > bestScore) {
      best = number;
      bestScore = score;
    }
  }
  if (best === undefined) throw new RangeError('a pool of numbers cannot be empty');
  return best;
}
