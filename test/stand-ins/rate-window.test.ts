import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../stand-ins/rate-window.js';
import { TwilioApiServer } from '../../stand-ins/twilio-api-server.js';

describe('a carrier counting a sender’s sends in the last second (the stand-ins’ rate limit)', () => {
  it('takes the limit and one more within a second, then refuses until the first leaves the window', () => {
    const window = new RateWindow(2);
    expect([0, 10, 20, 30].map((at) => window.take('+12065550100', at))).toEqual([true, true, true, false]);
    expect(window.take('+12065550100', 999)).toBe(false);
    // The send at 0 leaves the window at 1000; the refused ones were never counted.
    expect(window.take('+12065550100', 1000)).toBe(true);
    expect(window.take('+12065550100', 1001)).toBe(false);
    expect(window.take('+12065550100', 1010)).toBe(true);
  });

  it('counts each sender on its own', () => {
    const window = new RateWindow(0);
    expect(window.take('+12065550100', 0)).toBe(true);
    expect(window.take('+12065550100', 1)).toBe(false);
    expect(window.take('+12065550101', 1)).toBe(true);
  });

  it('holds at the limit over many windows, as a sender pacing itself exactly sees it', () => {
    const window = new RateWindow(1000);
    // 1000 a second for ten seconds, a send every millisecond: none refused, and the next one
    // squeezed into the same millisecond is the slack, the one after it is refused.
    const taken = Array.from({ length: 10_000 }, (_, i) => window.take('+18005550100', i)).filter(Boolean);
    expect(taken).toHaveLength(10_000);
    expect(window.take('+18005550100', 9_999)).toBe(true);
    expect(window.take('+18005550100', 9_999)).toBe(false);
  });
});

describe('the Twilio stand-in with a rate limit', () => {
  const sid = `AC${'d'.repeat(32)}`;
  const token = 'rate-window-token';
  const send = (base: string, from: string) =>
    fetch(`${base}/2010-04-01/Accounts/${sid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ From: from, To: '+14255550123', Body: 'Your order shipped' }).toString(),
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { code?: number },
    }));

  it('answers 429 (code 20429) to a send over the sender’s limit, counted on its clock', async () => {
    let now = 5_000;
    const stand = new TwilioApiServer(sid, token, 1, () => now);
    const base = await stand.start();
    try {
      expect((await send(base, '+12065550100')).status).toBe(201);
      expect((await send(base, '+12065550100')).status).toBe(201);
      expect(await send(base, '+12065550100')).toEqual({
        status: 429,
        body: { code: 20429, message: 'Too Many Requests', status: 429 },
      });
      expect((await send(base, '+12065550199')).status).toBe(201);
      now += 1000;
      expect((await send(base, '+12065550100')).status).toBe(201);
      expect(stand.tooManyRequests).toBe(1);
      expect(stand.sends.map((s) => [s.params.From, s.at])).toEqual([
        ['+12065550100', 5_000],
        ['+12065550100', 5_000],
        ['+12065550199', 5_000],
        ['+12065550100', 6_000],
      ]);
    } finally {
      await stand.stop();
    }
  });
});
