import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  committedConnectorFiles,
  connectorDefinition,
  connectorProperties,
} from '../../functions/connector-definition.js';
import type { HttpFunction } from '../../functions/definition.js';
import { buildFunctions } from '../../functions/definitions.js';
import { openApiDocument } from '../../functions/openapi-document.js';
import { searchDefinitions, searchOperations } from '../../functions/search-api.js';
import { type App, createApp } from '../../shared/app.js';
import { loadConfig } from '../../shared/config.js';
import { saveTemplate } from '../../shared/use-cases/admin-templates.js';
import { ConnectorClient, type ConnectorFiles } from '../support/connector-client.js';
import { startTestHost, type TestHost } from '../support/host.js';

// @azure/functions is CommonJS: Node's ESM loader sees only its default export.
const { HttpRequest, InvocationContext } = azureFunctions;

type Json = Record<string, unknown>;

const definitionOf = (security: 'entra-id' | 'function-key') =>
  connectorDefinition({ security, host: 'sms.example.com' }) as unknown as Json & {
    paths: Record<string, Record<string, Json>>;
    definitions: Record<string, Json>;
  };

const operationsOf = (definition: { paths: Record<string, Record<string, Json>> }) =>
  Object.entries(definition.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );

/** Every property of a schema, however deep, with where it is. */
function* properties(schema: Json, at: string): Generator<{ at: string; schema: Json }> {
  for (const [name, inner] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) {
    yield { at: `${at}.${name}`, schema: inner };
    yield* properties(inner, `${at}.${name}`);
    if (inner.items) yield* properties(inner.items as Json, `${at}.${name}[]`);
  }
}

describe('the Power Platform connector', () => {
  it.each(['entra-id', 'function-key'] as const)('is a valid Swagger 2.0 document (%s)', async (security) => {
    await expect(
      SwaggerParser.validate(structuredClone(definitionOf(security)) as never),
    ).resolves.toBeDefined();
    expect(definitionOf(security).swagger).toBe('2.0');
  });

  it('meets the connector coding standards: PascalCase ids, summaries, descriptions, x-ms-summary everywhere', () => {
    const definition = definitionOf('function-key');
    const problems: string[] = [];
    for (const { path, method, op } of operationsOf(definition)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!/^[A-Z][A-Za-z0-9]*$/.test(String(op.operationId)))
        problems.push(`${where}: operationId not PascalCase`);
      if (!op.summary) problems.push(`${where}: no summary`);
      if (!op.description) problems.push(`${where}: no description`);
      for (const parameter of op.parameters as Json[]) {
        if (!parameter['x-ms-summary']) problems.push(`${where} ${String(parameter.name)}: no x-ms-summary`);
        if (!parameter.description) problems.push(`${where} ${String(parameter.name)}: no description`);
      }
    }
    for (const [name, schema] of Object.entries(definition.definitions)) {
      for (const property of properties(schema, name)) {
        if (!property.schema['x-ms-summary'] && !property.schema.$ref)
          problems.push(`${property.at}: no x-ms-summary`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps advanced fields out of the way and exposes the Idempotency-Key as an optional parameter', () => {
    const send = definitionOf('function-key').paths['/notifications']?.post as Json;
    const key = (send.parameters as Json[]).find((p) => p.name === 'Idempotency-Key');
    expect(key).toMatchObject({ in: 'header', required: false, 'x-ms-visibility': 'advanced' });
    const request = definitionOf('function-key').definitions.NotificationRequest as {
      properties: Record<string, Json>;
    };
    for (const field of ['language', 'sendAt', 'quietHours']) {
      expect(request.properties[field]?.['x-ms-visibility']).toBe('advanced');
    }
  });

  it('offers the stored templates as dynamic values of the template picker', () => {
    const request = definitionOf('entra-id').definitions.NotificationRequest as {
      properties: Record<string, Json>;
    };
    const dynamic = request.properties.templateId?.['x-ms-dynamic-values'] as Json;
    expect(dynamic).toMatchObject({
      operationId: 'ListTemplates',
      'value-collection': 'templates',
      'value-path': 'id',
    });
    expect(operationsOf(definitionOf('entra-id')).map(({ op }) => op.operationId)).toContain('ListTemplates');
  });

  it('answers the send with a schema a flow can use: recipients with their status and message ids', () => {
    const accepted = definitionOf('entra-id').definitions.NotificationAccepted as {
      properties: Record<string, Json>;
    };
    expect(accepted.properties.recipients?.items).toEqual({ $ref: '#/definitions/Recipient' });
    const recipient = definitionOf('entra-id').definitions.Recipient as { properties: Record<string, Json> };
    expect(Object.keys(recipient.properties)).toEqual(expect.arrayContaining(['to', 'status', 'messageId']));
  });

  it('signs in with Entra ID (OAuth 2.0, identity provider aad) or with a function key, as the connection says', () => {
    expect(definitionOf('entra-id').securityDefinitions).toMatchObject({
      oauth2_auth: { type: 'oauth2', flow: 'accessCode' },
    });
    const entra = connectorProperties({ security: 'entra-id', host: 'h', entraClientId: 'abc' }).properties
      .connectionParameters as unknown as Record<string, Json>;
    expect(entra.token).toMatchObject({
      type: 'oauthSetting',
      oAuthSettings: { identityProvider: 'aad', scopes: ['api://abc/user_impersonation'] },
    });
    expect(definitionOf('function-key').securityDefinitions).toEqual({
      api_key: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
    });
    const keyed = connectorProperties({ security: 'function-key', host: 'h' }).properties
      .connectionParameters as unknown as Record<string, Json>;
    expect(keyed.api_key).toMatchObject({ type: 'securestring' });
  });

  it('is the committed connector/ folder, byte for byte (run `npm run connector` after changing the API)', () => {
    for (const [path, content] of Object.entries(committedConnectorFiles())) {
      expect(readFileSync(path, 'utf8'), path).toBe(content);
    }
  });

  it("comes from the same description as openapi.json: the same operations, parameters and schemas (less the search, a person's)", () => {
    const swagger = definitionOf('function-key');
    const openapi = openApiDocument('function-keys') as unknown as {
      paths: Record<string, Record<string, Json>>;
      components: { schemas: Record<string, Json> };
    };
    const shape = (ops: { path: string; method: string; op: Json }[]) =>
      ops.map(({ path, method, op }) => ({
        path,
        method,
        operationId: op.operationId,
        summary: op.summary,
        parameters: ((op.parameters as Json[] | undefined) ?? [])
          .filter((p) => p.in !== 'body')
          .map((p) => p.name),
        responses: Object.keys(op.responses as Json),
      }));
    const searchPaths = searchOperations.map((op) => op.path);
    const notifications = operationsOf(openapi).filter(({ path }) => !searchPaths.includes(path));
    expect(notifications).toHaveLength(operationsOf(openapi).length - searchOperations.length);
    expect(shape(notifications)).toEqual(shape(operationsOf(swagger)));
    const schemas = Object.fromEntries(
      Object.entries(openapi.components.schemas).filter(([name]) => !(name in searchDefinitions)),
    );
    expect(
      JSON.stringify(schemas)
        .replaceAll('#/components/schemas/', '#/definitions/')
        .replaceAll('"nullable":', '"x-nullable":'),
    ).toBe(JSON.stringify(swagger.definitions));
  });
});

describe('the connector against the functions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-connector-'));
  const apps: App[] = [];
  const functionsFor = async (env: Record<string, string>) => {
    const app = await createApp(loadConfig({ SMS_DATA_DIR: join(dir, String(apps.length)), ...env }), {
      logSink: () => {},
    });
    apps.push(app);
    return buildFunctions(app).filter((f): f is HttpFunction => f.kind === 'http');
  };
  afterAll(async () => {
    for (const app of apps) await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['function-key', { SMS_DEV_SIGN_IN: 'off' }, 'function'],
    ['entra-id', { WEBSITE_AUTH_ENABLED: 'true' }, 'anonymous'],
  ] as const)(
    'names only routes the app serves, with the auth the host applies (%s)',
    async (security, env, level) => {
      const functions = await functionsFor(env);
      for (const { path, method } of operationsOf(definitionOf(security))) {
        const route = path.slice(1);
        const served = functions.find(
          (f) =>
            f.methods.includes(method.toUpperCase() as never) &&
            new RegExp(`^${f.route.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(route.replace(/\{[^}]+\}/g, 'x')),
        );
        expect(served, `${method} ${route}`).toBeDefined();
        expect(served?.authLevel, `${method} ${route}`).toBe(level);
      }
    },
  );
});

describe('the served connector of an Entra ID deployment', () => {
  it("signs in against the deployment's app registration and points at its public host", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-connector-entra-'));
    const app = await createApp(
      loadConfig({
        SMS_DATA_DIR: dir,
        WEBSITE_AUTH_ENABLED: 'true',
        SMS_ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
        SMS_PUBLIC_BASE_URL: 'https://func-contoso.azurewebsites.net',
      }),
      { logSink: () => {} },
    );
    try {
      const call = async (name: string) => {
        const fn = buildFunctions(app).find((f): f is HttpFunction => f.kind === 'http' && f.name === name);
        const request = new HttpRequest({ method: 'GET', url: 'http://127.0.0.1:7071/api/connector/x' });
        const response = await fn?.handler(request, new InvocationContext());
        return (response as { jsonBody: Json }).jsonBody;
      };
      const definition = await call('connectorDefinition');
      expect(definition).toMatchObject({ host: 'func-contoso.azurewebsites.net', schemes: ['https'] });
      expect(definition.securityDefinitions).toHaveProperty('oauth2_auth');
      const properties = await call('connectorProperties');
      expect(properties).toEqual(
        connectorProperties({
          security: 'entra-id',
          host: 'func-contoso.azurewebsites.net',
          entraClientId: '11111111-2222-3333-4444-555555555555',
        }),
      );
      expect(JSON.stringify(properties)).toContain(
        'api://11111111-2222-3333-4444-555555555555/user_impersonation',
      );
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a flow's view: the connector's actions run against the local host", () => {
  let t: TestHost;
  let client: ConnectorClient;
  const key = 'flow-function-key';

  beforeAll(async () => {
    t = await startTestHost({ SMS_DEV_SIGN_IN: 'off', SMS_LOCAL_FUNCTION_KEY: key });
    await saveTemplate(
      t.host.app.deps,
      'shipped',
      { name: 'Order shipped', texts: { en: 'Order {order} ships today', fr: 'La commande {order} part' } },
      'test',
    );
    const files: ConnectorFiles = {
      definition: JSON.parse(
        readFileSync('connector/function-key/apiDefinition.swagger.json', 'utf8'),
      ) as Json,
      properties: JSON.parse(readFileSync('connector/function-key/apiProperties.json', 'utf8')) as Json,
    };
    client = new ConnectorClient(files, { api_key: key }, t.host.url);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists the templates for the picker', async () => {
    const answer = await client.run('ListTemplates', {});
    expect(answer.status).toBe(200);
    expect(answer.schemaProblems).toEqual([]);
    expect(answer.body).toEqual({
      templates: [
        { id: 'shipped', name: 'Order shipped', version: 1, languages: ['en', 'fr'], variables: ['order'] },
      ],
    });
  });

  it('sends a template to recipients and follows each until it is sent', async () => {
    const sent = await client.run('SendNotification', {
      'Idempotency-Key': 'flow-run-1',
      body: {
        channelId: 'alerts',
        to: ['+14255550123', '+14255550124'],
        templateId: 'shipped',
        values: { order: 'A-1' },
      },
    });
    expect(sent.status).toBe(202);
    expect(sent.schemaProblems).toEqual([]);
    const { id, recipients } = sent.body as {
      id: string;
      recipients: { status: string; messageId: string }[];
    };
    expect(recipients.map((r) => r.status)).toEqual(['queued', 'queued']);

    const status = await t.eventually(async () => {
      const answer = await client.run('GetNotificationStatus', { notificationId: id });
      const statuses = (answer.body as { recipients: { status: string }[] }).recipients.map((r) => r.status);
      return statuses.every((s) => s !== 'queued') && { ...answer, statuses };
    }, 'the sends');
    expect(status.status).toBe(200);
    expect(status.schemaProblems).toEqual([]);
    expect(status.statuses).toEqual(['sent', 'sent']);
    const outbox = (
      await t.api('GET', `local/outbox?to=${encodeURIComponent('+14255550123')}`, undefined, null)
    ).body as { messages?: { text: string }[] };
    expect(outbox.messages?.map((m) => m.text)).toContain('Order A-1 ships today');
  });

  it('sends a plain text, and a retried run with the same key sends nothing new', async () => {
    const input = {
      'Idempotency-Key': 'flow-run-2',
      body: { channelId: 'alerts', to: ['+14255550125'], text: 'Hi' },
    };
    const first = await client.run('SendNotification', input);
    const again = await client.run('SendNotification', input);
    expect(first.status).toBe(202);
    expect(again.body).toEqual(first.body);
  });

  it('refuses the send with the error shape the connector declares when the input is wrong', async () => {
    const refused = await client.run('SendNotification', {
      body: { channelId: 'alerts', to: ['+14255550125'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.schemaProblems).toEqual([]);
  });

  it('serves the same files from the deployment, filled in with its host', async () => {
    const response = await fetch(`${t.host.url}/api/connector/apiDefinition.swagger.json`);
    const served = (await response.json()) as Json;
    expect(served.host).toBe(new URL(t.host.url).host);
    expect(served.schemes).toEqual(['http']);
    expect(served).toEqual(
      connectorDefinition({ security: 'function-key', host: new URL(t.host.url).host, scheme: 'http' }),
    );
    const properties = await (await fetch(`${t.host.url}/api/connector/apiProperties.json`)).json();
    expect(properties).toEqual(connectorProperties({ security: 'function-key', host: 'x' }));
  });
});
