import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpFunction } from '../../functions/definition.js';
import { buildFunctions } from '../../functions/definitions.js';
import { notificationRequestFields } from '../../functions/notifications-api.js';
import { openApiDocument } from '../../functions/openapi-document.js';
import { searchParameterNames } from '../../functions/search-api.js';
import { type App, createApp } from '../../shared/app.js';
import { loadConfig } from '../../shared/config.js';
import { searchQuerySchema } from '../../shared/use-cases/conversation-search.js';

describe('the OpenAPI document for the notifications API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-openapi-'));
  let app: App;
  beforeAll(async () => {
    app = await createApp(loadConfig({ SMS_DATA_DIR: dir }), { logSink: () => {} });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['function-keys', 'app-service', 'dev-sign-in'] as const)(
    'is a valid OpenAPI 3 document, with the security of %s',
    async (identity) => {
      const document = openApiDocument(identity);
      await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
      expect(Object.keys(document.components.securitySchemes)).toHaveLength(1);
      expect(document.security).toEqual([
        { [Object.keys(document.components.securitySchemes)[0] ?? '']: [] },
      ]);
    },
  );

  it('says how each deployment takes callers: the function key, Entra ID, or the development sign-in', () => {
    expect(openApiDocument('function-keys').components.securitySchemes).toEqual({
      functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
    });
    expect(openApiDocument('app-service').components.securitySchemes.entraId).toMatchObject({
      type: 'oauth2',
    });
    expect(openApiDocument('dev-sign-in').components.securitySchemes.devSignIn).toMatchObject({
      name: 'x-sms-user',
    });
  });

  it('describes a message as text or a template with values, and the quiet-hours choice', () => {
    const request = openApiDocument().components.schemas.NotificationRequest as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(request.required).toEqual(['channelId', 'to']);
    expect(Object.keys(request.properties).sort()).toEqual(
      ['channelId', 'language', 'quietHours', 'sendAt', 'templateId', 'text', 'to', 'values'].sort(),
    );
  });

  it('documents exactly the request fields the function validates', () => {
    const request = openApiDocument().components.schemas.NotificationRequest as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(request.properties).sort()).toEqual([...notificationRequestFields].sort());
  });

  it('describes exactly the routes and methods the notification and search functions serve', () => {
    const http = buildFunctions(app).filter((f): f is HttpFunction => f.kind === 'http');
    const documented = Object.entries(openApiDocument().paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.slice(1)}`),
    );
    const served = http
      .filter(
        (f) =>
          f.route.startsWith('notifications') ||
          f.route === 'templates' ||
          f.route === 'search/conversations',
      )
      .flatMap((f) => f.methods.map((method) => `${method} ${f.route}`));
    expect(documented.sort()).toEqual(served.sort());
  });

  it('gives each operation an id, as custom connectors need', () => {
    const ids = Object.values(openApiDocument().paths).flatMap((operations) =>
      Object.values(operations).map((operation) => (operation as { operationId?: string }).operationId),
    );
    expect(ids).toEqual([
      'SendNotification',
      'GetNotificationStatus',
      'ListTemplates',
      'SearchConversations',
    ]);
  });

  it("documents exactly the search's query parameters the function validates, and its answer", () => {
    expect([...searchParameterNames].sort()).toEqual(Object.keys(searchQuerySchema.shape).sort());
    const page = openApiDocument().components.schemas.ConversationSearchPage as { required: string[] };
    expect(page.required).toEqual(['conversations']);
  });
});
