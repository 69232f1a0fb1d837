import { describe, expect, it } from 'vitest';
import { signatureHeaders, signWebhook, verifyWebhook } from '../../shared/domain/webhook-signature.js';

const SECRET = 'whsec_test';
const SENT_AT = 1741371135;
const BODY = '{"type":"message.received"}';
/** HMAC-SHA256 of `1741371135.{"type":"message.received"}` keyed with whsec_test, as openssl computes it. */
const SIGNATURE = 'v1=4c9913732fc19624d7de81106d474afbdcb5390bbd56930c3975d37230f73e28';

const verify = (
  headers: { timestamp: string | undefined; signature: string | undefined },
  nowSeconds = SENT_AT,
  tolerance?: number,
) => verifyWebhook(SECRET, headers, BODY, nowSeconds, tolerance);

describe('signing a webhook delivery', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret', () => {
    expect(signWebhook(SECRET, SENT_AT, BODY)).toBe(SIGNATURE);
  });

  it('names the headers a receiver reads', () => {
    expect(signatureHeaders).toEqual({
      id: 'x-sms-event-id',
      timestamp: 'x-sms-timestamp',
      signature: 'x-sms-signature',
    });
  });
});

describe('verifying a webhook delivery, as a receiver does', () => {
  it('accepts the signature of this body at this time', () => {
    expect(verify({ timestamp: String(SENT_AT), signature: SIGNATURE })).toBe(true);
  });

  it('refuses another body, another secret or another time under the same signature', () => {
    expect(verifyWebhook(SECRET, { timestamp: String(SENT_AT), signature: SIGNATURE }, '{}', SENT_AT)).toBe(
      false,
    );
    expect(verifyWebhook('other', { timestamp: String(SENT_AT), signature: SIGNATURE }, BODY, SENT_AT)).toBe(
      false,
    );
    expect(verify({ timestamp: String(SENT_AT + 1), signature: SIGNATURE })).toBe(false);
  });

  it('accepts a delivery up to five minutes old, and refuses an older one as a replay', () => {
    const signed = { timestamp: String(SENT_AT), signature: SIGNATURE };
    expect(verify(signed, SENT_AT + 300)).toBe(true);
    expect(verify(signed, SENT_AT + 301)).toBe(false);
  });

  it('refuses a timestamp more than five minutes ahead of the clock too', () => {
    const signed = { timestamp: String(SENT_AT), signature: SIGNATURE };
    expect(verify(signed, SENT_AT - 300)).toBe(true);
    expect(verify(signed, SENT_AT - 301)).toBe(false);
  });

  it('takes another tolerance when the receiver gives one', () => {
    const signed = { timestamp: String(SENT_AT), signature: SIGNATURE };
    expect(verify(signed, SENT_AT + 60, 60)).toBe(true);
    expect(verify(signed, SENT_AT + 61, 60)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['not a number', 'yesterday'],
    ['not whole seconds', '1741371135.5'],
  ])('refuses a timestamp that is %s', (_name, timestamp) => {
    expect(verify({ timestamp, signature: SIGNATURE })).toBe(false);
  });

  it('refuses a missing signature, or one of another length, without throwing', () => {
    expect(verify({ timestamp: String(SENT_AT), signature: undefined })).toBe(false);
    expect(verify({ timestamp: String(SENT_AT), signature: SIGNATURE.slice(0, -1) })).toBe(false);
    expect(verify({ timestamp: String(SENT_AT), signature: `${SIGNATURE}0` })).toBe(false);
  });

  it('refuses a signature of the right length that differs in one digit', () => {
    const other = `${SIGNATURE.slice(0, -1)}${SIGNATURE.endsWith('8') ? '9' : '8'}`;
    expect(verify({ timestamp: String(SENT_AT), signature: other })).toBe(false);
  });
});
