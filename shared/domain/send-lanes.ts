/**
 * Lanes of a sending number: how many of its texts may be with the provider at once. A number's
 * outbound messages queue in sessions, and a session sends one text at a time (the next waits for
 * the provider's answer to the one before), so with one session per number a number sends at most
 * one text per round trip: 1000/s numbers fell behind their pace on a 1 ms round trip. A fast
 * number's texts are therefore split over lanes by customer, each lane a session of its own: a
 * customer's texts stay in one lane, in order, and the lanes send side by side.
 *
 * A provider may count arrivals per second, and a lane's text may arrive late (a slow moment on the
 * way) while the others keep to their slots. Each lane takes its next slot only after its last text
 * was answered, so at most one text per lane arrives in a second from a slot before it; the slots
 * are spaced for `rate - lanes + 1` a second, so a second holds at most `rate + 1` arrivals however
 * the texts are delayed, given one clock and one lane count (docs/decisions.md, "Lanes"). A number
 * under 200 a second keeps one lane.
 */

/** A lane per this many texts a second. */
const TEXTS_PER_LANE = 100;
/**
 * Each lane costs a slot a second; the configuration takes rates up to 1000 a second (10 lanes), and
 * this bounds what a later, higher limit would give.
 */
const MAX_LANES = 16;

export function sendLanes(ratePerSecond: number): number {
  return Math.max(1, Math.min(MAX_LANES, Math.floor(ratePerSecond / TEXTS_PER_LANE)));
}

/**
 * Microseconds between a number's slots: `rate - lanes + 1` slots a second (see above), rounded up,
 * so three a second are 333,334 µs apart and no second ever holds four. Whole microseconds, as the
 * pace record keeps them: sums of fractional milliseconds at the epoch's scale round each time, and
 * 694 slots at 700 a second came to 999.997 ms.
 */
export function slotSpacingUs(ratePerSecond: number, lanes: number): number {
  return Math.ceil(1_000_000 / (ratePerSecond - lanes + 1));
}

/**
 * The outbound session of a text: the sending number itself when it has one lane (as every number
 * had before lanes), else the number and the customer's lane.
 */
export function outboundSession(from: string, to: string, lanes: number): string {
  return lanes <= 1 ? from : `${from}/lane-${laneOf(to, lanes)}`;
}

/** FNV-1a over the customer's number: the same lane on every instance and in every release. */
function laneOf(customer: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < customer.length; i++) {
    hash ^= customer.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % lanes;
}
