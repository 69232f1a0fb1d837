import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpFunction } from '../../functions/definition.js';
import { buildFunctions } from '../../functions/definitions.js';
import { openApiDocument } from '../../functions/openapi-document.js';
import { type App, createApp } from '../../shared/app.js';
import { loadConfig } from '../../shared/config.js';

describe('the OpenAPI document for the notifications API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-openapi-'));
  let app: App;
  beforeAll(async () => {
    app = await createApp(loadConfig({ SMS_DATA_DIR: dir }), { logSink: () => {} });
  });
  afterAll(() => {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(openApiDocument()) as never)).resolves.toBeDefined();
  });

  it('describes exactly the routes and methods the notification functions serve', () => {
    const http = buildFunctions(app).filter((f): f is HttpFunction => f.kind === 'http');
    const documented = Object.entries(openApiDocument().paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.slice(1)}`),
    );
    const served = http
      .filter((f) => f.route.startsWith('notifications'))
      .flatMap((f) => f.methods.map((method) => `${method} ${f.route}`));
    expect(documented.sort()).toEqual(served.sort());
  });

  it('gives each operation an id, as custom connectors need', () => {
    const ids = Object.values(openApiDocument().paths).flatMap((operations) =>
      Object.values(operations).map((operation) => (operation as { operationId?: string }).operationId),
    );
    expect(ids).toEqual(['SendNotification', 'GetNotificationStatus']);
  });
});
