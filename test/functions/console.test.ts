import { fileURLToPath } from 'node:url';
import azureFunctions, { type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { consoleFunction } from '../../functions/console.js';
import type { HttpFunction } from '../../functions/definition.js';
import { Router } from '../../local/router.js';
import type { App } from '../../shared/app.js';
import { createLogger } from '../../shared/logger.js';

const { HttpRequest, InvocationContext } = azureFunctions;

const root = fileURLToPath(new URL('../fixtures/console/', import.meta.url));
const app = { deps: { logger: createLogger(() => {}, 'error') } } as unknown as App;
const served = consoleFunction(app, { root });
const other: HttpFunction = {
  ...served,
  name: 'health',
  route: 'health',
  handler: async () => ({ status: 200 }),
};
const router = new Router([served, other]);

/** A request as the local host routes it: the catch-all's value decoded, as the Functions host does. */
async function get(path: string, method = 'GET'): Promise<HttpResponseInit & { text: string }> {
  const match = router.match(method, path);
  if (match === undefined || match === 'method') throw new Error(`no route for ${path}`);
  const request = new HttpRequest({ method, url: `http://localhost/api/${path}`, params: match.params });
  const response = await match.definition.handler(
    request,
    new InvocationContext({ functionName: 'console', invocationId: 'test', logHandler: () => {} }),
  );
  const init = response as HttpResponseInit;
  const body = init.body as Buffer | undefined;
  return { ...init, text: body ? body.toString('utf8') : JSON.stringify(init.jsonBody ?? '') };
}

const header = (response: HttpResponseInit, name: string) =>
  (response.headers as Record<string, string> | undefined)?.[name];

describe('the console pages, served by the app', () => {
  it('serves index.html at console, console/ and console/index.html, never cached', async () => {
    for (const path of ['console', 'console/', 'console/index.html']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(header(response, 'content-type')).toBe('text/html; charset=utf-8');
      expect(header(response, 'cache-control')).toBe('no-cache');
      expect(response.text).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with their type, cached for a year', async () => {
    const script = await get('console/assets/index-B4x9Qk2a.js');
    expect(header(script, 'content-type')).toBe('text/javascript; charset=utf-8');
    expect(header(script, 'cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.text).toBe('console.log("app");\n');
    const style = await get('console/assets/index-Cq81ZpLm.css');
    expect(header(style, 'content-type')).toBe('text/css; charset=utf-8');
    const icon = await get('console/favicon.svg');
    expect(header(icon, 'content-type')).toBe('image/svg+xml');
    expect(header(icon, 'cache-control')).toBe('public, max-age=300');
    expect((await get('console/favicon.svg', 'HEAD')).body).toBeUndefined();
  });

  it('answers 404 for a file that is not there', async () => {
    expect((await get('console/assets/missing-12345678.js')).status).toBe(404);
    expect((await get('console/assets')).status).toBe(404);
  });

  it('refuses any path that leaves the folder', async () => {
    for (const path of [
      'console/../package.json',
      'console/%2e%2e/%2e%2e/package.json',
      'console/assets/..%2F..%2F..%2Fpackage.json',
      'console/..\\..\\package.json',
      'console/C:/Windows/win.ini',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(response.text).not.toContain('omnichannel-sms');
    }
  });

  it('leaves other routes to their own functions (a catch-all comes last)', () => {
    expect(router.match('GET', 'health')).toMatchObject({ definition: { name: 'health' } });
    expect(router.match('GET', 'consoles')).toBeUndefined();
    expect(router.match('POST', 'console/x')).toBe('method');
    expect(router.match('GET', 'console/a/b/c.js')).toMatchObject({ params: { path: 'a/b/c.js' } });
  });
});
