/**
 * How a carrier counts a sender's rate: the sends it took from each sender within the last second.
 * A send is taken while the sender has fewer than `limit + 1` in the window (one over the limit is
 * slack for timer jitter: a sender pacing itself exactly must never trip it). Each sender's times
 * are kept in arrival order and dropped from the front as they leave the window, so a send costs
 * about the same (amortised) at 1000 a second as at 1: filtering the whole window copied up to a
 * thousand times per send, on the HTTP thread the fan-out bench's stand-in shares with the host.
 */
export class RateWindow {
  private readonly senders = new Map<string, { times: number[]; first: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
  ) {}

  /**
   * Takes a send from the sender at `now` (ms, never earlier than a `now` given before: times
   * leave from the front), or answers false when it is over the limit.
   */
  take(sender: string, now: number): boolean {
    let kept = this.senders.get(sender);
    if (!kept) {
      kept = { times: [], first: 0 };
      this.senders.set(sender, kept);
    }
    const { times } = kept;
    while (kept.first < times.length && now - (times[kept.first] ?? now) >= this.windowMs) kept.first += 1;
    // Splicing on every send would copy the live window each time, the cost this class removes:
    // the times that left it are dropped once they are over a thousand and outnumber those left.
    if (kept.first > 1024 && kept.first * 2 > times.length) {
      times.splice(0, kept.first);
      kept.first = 0;
    }
    if (times.length - kept.first >= this.limit + 1) return false;
    times.push(now);
    return true;
  }
}
