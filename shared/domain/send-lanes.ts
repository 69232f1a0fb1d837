/**
 * Lanes of a sending number: how many of its texts may be with the provider at once. A number's
 * outbound messages queue in sessions, and a session sends one text at a time (the next waits for
 * the provider's answer to the one before). With one session per number, a number sends at most one
 * text per provider round trip: 1000/s numbers fell behind their pace on a 1 ms round trip, and a
 * 150 ms round trip would hold a short code to about 7 a second. A fast number's texts are
 * therefore split over lanes by customer, each lane a session of its own: a customer's texts stay
 * in one lane, in order, and the lanes send side by side.
 *
 * What a provider counts is arrivals per second, and a lane's text may arrive late (a slow moment
 * on the way) while the others keep to their slots: after such a stall a second could hold the
 * stalled texts and a full second's slots. Each lane takes its next slot only after its last text
 * was answered, so at most one text per lane arrives after a later slot; the slots are spaced for
 * `rate - lanes + 1` a second, so no second ever holds more than `rate + 1` arrivals however the
 * texts are delayed (the one over is the slack a provider gives for timer jitter, as our Twilio
 * stand-in does). A number under 200 a second keeps one lane and its full rate.
 */

/** A lane per this many texts a second. */
const TEXTS_PER_LANE = 100;
/** At most this many sessions of one number are taken at once (host.json: maxConcurrentSessions 16). */
const MAX_LANES = 16;

export function sendLanes(ratePerSecond: number): number {
  return Math.max(1, Math.min(MAX_LANES, Math.floor(ratePerSecond / TEXTS_PER_LANE)));
}

/**
 * Milliseconds between a number's slots: `rate - lanes + 1` slots a second (see above), rounded up
 * to the microsecond, so three a second are 333.334 ms apart and no second ever holds four (a
 * third of a second in floating point could make three spacings fall a hair short of one).
 */
export function slotSpacingMs(ratePerSecond: number, lanes: number): number {
  return Math.ceil(1_000_000 / (ratePerSecond - lanes + 1)) / 1000;
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
