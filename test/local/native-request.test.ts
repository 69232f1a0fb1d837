import azureFunctions from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { LocalNativeRequest } from '../../local/native-request.js';

const { HttpRequest } = azureFunctions;
const URL_ = 'http://localhost:7071/api/twilio/inbound?x=1';

/** The request a function sees on the local host, as the real HttpRequest wraps it. */
function request(method: string, headers: Record<string, string>, body?: string) {
  return new HttpRequest({
    method,
    url: URL_,
    headers,
    query: { x: '1' },
    params: { id: 'c1' },
    nativeRequest: new LocalNativeRequest(
      URL_,
      method,
      headers,
      body === undefined ? undefined : Buffer.from(body),
    ),
  } as ConstructorParameters<typeof HttpRequest>[0] & { nativeRequest: LocalNativeRequest });
}

describe('a request on the local host', () => {
  it('reads as a Fetch request would: method, URL, headers in any case, query and route parameters', () => {
    const r = request('POST', { 'content-type': 'application/json', 'x-twilio-signature': 'abc' }, '{}');
    expect(r.method).toBe('POST');
    expect(r.url).toBe(URL_);
    expect(r.headers.get('X-Twilio-Signature')).toBe('abc');
    expect(r.query.get('x')).toBe('1');
    expect(r.params.id).toBe('c1');
  });

  it('gives its body as text, JSON, bytes or a form, once', async () => {
    const json = request('POST', { 'content-type': 'application/json' }, '{"text":"héllo"}');
    expect(json.bodyUsed).toBe(false);
    expect(await json.json()).toEqual({ text: 'héllo' });
    expect(json.bodyUsed).toBe(true);
    await expect(json.text()).rejects.toBeInstanceOf(TypeError);

    const form = request(
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Body=hi+there&To=%2B1',
    );
    expect(Object.fromEntries(await form.formData())).toEqual({ Body: 'hi there', To: '+1' });

    const bytes = request('POST', {}, 'abc');
    expect(Buffer.from(await bytes.arrayBuffer()).toString()).toBe('abc');
  });

  it('reads an absent body as empty text, and a clone reads the same body again', async () => {
    expect(await request('POST', {}).text()).toBe('');
    expect(request('GET', {}).body).toBeNull();
    const original = request('POST', { 'content-type': 'text/plain' }, 'twice');
    const copy = original.clone();
    expect(await original.text()).toBe('twice');
    expect(await copy.text()).toBe('twice');
  });
});
