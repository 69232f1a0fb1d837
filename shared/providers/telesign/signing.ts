import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TeleSignCredentials {
  customerId: string;
  /** Base64, as TeleSign issues it. */
  apiKey: string;
}

const hmac = (apiKey: string, text: string) =>
  createHmac('sha256', Buffer.from(apiKey, 'base64')).update(text).digest('base64');

/**
 * TeleSign's request signing (TSA): HMAC-SHA256 with the decoded API key over the method, content
 * type, date, the x-ts-* headers, the body and the path, one per line.
 */
export function signTeleSignRequest(
  credentials: TeleSignCredentials,
  request: { method: string; contentType: string; date: string; nonce: string; body: string; path: string },
): Record<string, string> {
  const stringToSign = [
    request.method,
    request.contentType,
    request.date,
    'x-ts-auth-method:HMAC-SHA256',
    `x-ts-nonce:${request.nonce}`,
    request.body,
    request.path,
  ].join('\n');
  return {
    authorization: `TSA ${credentials.customerId}:${hmac(credentials.apiKey, stringToSign)}`,
    date: request.date,
    'content-type': request.contentType,
    'x-ts-auth-method': 'HMAC-SHA256',
    'x-ts-nonce': request.nonce,
  };
}

export type Verification = 'valid' | 'missing' | 'invalid';

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A callback's signature: HMAC-SHA256 of the raw body, in `Authorization: TSA <customer>:<sig>`
 * and in `X-TS-Authorization` (bare or in the TSA form). Either header will do; a TSA form must
 * name our customer id.
 */
export function verifyTeleSignCallback(
  credentials: TeleSignCredentials,
  input: { rawBody: string; authorization: string | null; xTsAuthorization: string | null },
): Verification {
  const given = [input.authorization, input.xTsAuthorization].filter((value): value is string => !!value);
  if (given.length === 0) return 'missing';
  const expected = hmac(credentials.apiKey, input.rawBody);
  const ok = given.some((value) => {
    const tsa = /^TSA ([^:]+):(.+)$/.exec(value.trim());
    if (tsa) return tsa[1] === credentials.customerId && equal(tsa[2] ?? '', expected);
    return equal(value.trim(), expected);
  });
  return ok ? 'valid' : 'invalid';
}
