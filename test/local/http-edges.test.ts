import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/host.js';

const SUPPORT = '+14255550100';
const CUSTOMER = '+14255550123';

/** What a refusal must look like: a JSON error, never a stack trace. */
function expectCleanRefusal(text: string) {
  expect(JSON.parse(text)).toHaveProperty('error.message');
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(text).not.toContain('Error:');
}

/** A request with full control of its headers (fetch adds and refuses some). */
function raw(
  url: string,
  options: { method: string; headers?: Record<string, string | number>; body?: Buffer },
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method, headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the local host at the edges of HTTP', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each([
    ['a lone %', 'conversations/%'],
    ['a % without hex digits', 'conversations/%zz'],
    ['half a UTF-8 sequence', 'conversations/%E2%82'],
  ])('answers a path with %s with a 400, not a 500', async (_name, path) => {
    const response = await t.api('GET', path);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/malformed percent-escape/);
    expectCleanRefusal(response.text);
  });

  it('answers a body over 1 MiB with a 413 it can read, then closes the connection', async () => {
    const response = await fetch(`${t.host.url}/api/local/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: CUSTOMER, to: SUPPORT, text: 'a'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('too-large');
    expectCleanRefusal(text);
  });

  it('answers a client that asks before sending (Expect: 100-continue) with the 413 at once', async () => {
    const response = await raw(`${t.host.url}/api/local/inbound`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': 5 * 1024 * 1024,
        expect: '100-continue',
      },
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).error.code).toBe('too-large');
  });

  it('still takes a body just under the limit', async () => {
    const response = await t.api('POST', 'local/inbound', {
      from: CUSTOMER,
      to: SUPPORT,
      text: 'x',
      padding: 'p'.repeat(1024 * 1024 - 200),
    });
    expect(response.status).toBe(202);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', `from=${encodeURIComponent(CUSTOMER)}&to=x&text=hi`],
    ['plain text', 'text/plain', JSON.stringify({ from: CUSTOMER, to: SUPPORT, text: 'hi' })],
    ['a multipart form', 'multipart/form-data; boundary=x', '--x\r\n\r\nhi\r\n--x--'],
  ])('refuses %s on a JSON route with 415', async (_name, type, body) => {
    const response = await fetch(`${t.host.url}/api/agents/alice/presence`, {
      method: 'PUT',
      headers: { 'content-type': type, 'x-sms-user': 'alice' },
      body,
    });
    expect(response.status).toBe(415);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('unsupported-media-type');
    expectCleanRefusal(text);
  });

  it('refuses a JSON body sent without a content type with 415', async () => {
    const response = await raw(`${t.host.url}/api/local/inbound`, {
      method: 'POST',
      body: Buffer.from(JSON.stringify({ from: CUSTOMER, to: SUPPORT, text: 'hi' })),
    });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.text).error.message).toMatch(/content-type: application\/json/);
  });

  it('takes JSON with a charset and +json types, and a bare POST with no body', async () => {
    const charset = await fetch(`${t.host.url}/api/agents/bob/presence`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-sms-user': 'bob' },
      body: JSON.stringify({ presence: 'offline' }),
    });
    expect(charset.status).toBe(200);
    const merge = await fetch(`${t.host.url}/api/agents/bob/presence`, {
      method: 'PUT',
      headers: { 'content-type': 'application/merge-patch+json', 'x-sms-user': 'bob' },
      body: JSON.stringify({ presence: 'offline' }),
    });
    expect(merge.status).toBe(200);
    // A bare POST reads as {}: the schema's own message, not a 415.
    const bare = await raw(`${t.host.url}/api/local/inbound`, { method: 'POST' });
    expect(bare.status).toBe(400);
  });

  it('says a + in a query string must be encoded as %2B', async () => {
    const unencoded = await t.api('GET', `local/outbox?to=${CUSTOMER}`);
    expect(unencoded.status).toBe(400);
    expect(unencoded.body.error.message).toMatch(/must be encoded as %2B/);
    const encoded = await t.api('GET', `local/outbox?to=${encodeURIComponent(CUSTOMER)}`);
    expect(encoded.status).toBe(200);
  });
});

describe('the local clock on the system clock', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost({ SMS_CLOCK: 'system' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each(['GET', 'POST'])('%s local/clock says SMS_CLOCK=manual is needed', async (method) => {
    const response = await t.api(
      method,
      'local/clock',
      method === 'POST' ? { advanceMinutes: 5 } : undefined,
    );
    expect(response.status).toBe(404);
    expect(response.body.error.message).toMatch(/SMS_CLOCK=manual/);
  });
});

describe('function keys on the local host (SMS_DEV_SIGN_IN=off)', () => {
  const functionKey = 'local-function-key-0123456789';
  const masterKey = 'local-master-key-0123456789ab';
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost({
      SMS_DEV_SIGN_IN: 'off',
      SMS_FUNCTION_KEY_ROLES: 'admin',
      SMS_LOCAL_FUNCTION_KEY: functionKey,
      SMS_LOCAL_MASTER_KEY: masterKey,
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.host.url}/api/${path}`, { headers });

  it.each([
    ['the admin API', 'manage/configuration'],
    ['the agent API', 'agents/alice/conversations'],
    ['the notifications API', 'notifications/no-such-id'],
  ])('refuses %s without a key, and a dev sign-in header does not open it', async (_name, path) => {
    const none = await get(path);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(
      /x-functions-key or \?code=/,
    );
    expect((await get(path, { 'x-sms-user': 'admin', 'x-sms-roles': 'admin' })).status).toBe(401);
    expect((await get(path, { 'x-functions-key': 'not-the-key-at-all-000' })).status).toBe(401);
  });

  it('opens function routes with the function key in the header or ?code=, and with the master key', async () => {
    expect((await get('manage/configuration', { 'x-functions-key': functionKey })).status).toBe(200);
    expect((await get(`manage/configuration?code=${functionKey}`)).status).toBe(200);
    expect((await get('agents/alice/conversations', { 'x-functions-key': masterKey })).status).toBe(200);
  });

  it('takes only the master key on the admin API', async () => {
    const invoke = (headers: Record<string, string>) =>
      fetch(`${t.host.url}/admin/functions/autoCloseTimer`, { method: 'POST', headers });
    expect((await invoke({})).status).toBe(401);
    expect((await invoke({ 'x-functions-key': functionKey })).status).toBe(401);
    expect((await invoke({ 'x-functions-key': masterKey })).status).toBe(202);
  });

  it('leaves anonymous routes anonymous', async () => {
    expect((await get('health')).status).toBe(200);
    const inbound = await t.api('POST', 'local/inbound', { from: CUSTOMER, to: SUPPORT, text: 'hi' }, null);
    expect(inbound.status).toBe(202);
  });
});

describe('function keys made at start', () => {
  it('makes a function key and a master key when none are set, and takes them', async () => {
    const t = await startTestHost({ SMS_DEV_SIGN_IN: 'off', SMS_FUNCTION_KEY_ROLES: 'admin' });
    try {
      const { keys } = t.host;
      expect(keys.function).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(keys.master).not.toBe(keys.function);
      const url = `${t.host.url}/api/manage/configuration`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { 'x-functions-key': keys.function } })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
