import type { IdentitySource } from '../shared/config.js';
import { type ApiOperation, definitions, operations, type Schema } from './notifications-api.js';
import { searchDefinitions, searchOperations } from './search-api.js';

/**
 * Swagger 2.0 to OpenAPI 3.0 schemas: references move to where 3.0 keeps schemas, and the
 * connectors' `x-nullable` becomes 3.0's `nullable`.
 */
function toComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponents);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key === 'x-nullable' ? 'nullable' : key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace('#/definitions/', '#/components/schemas/')
        : toComponents(inner),
    ]),
  );
}

const jsonContent = (schema: string) => ({
  'application/json': { schema: { $ref: `#/components/schemas/${schema}` } },
});

function operation(op: ApiOperation) {
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    ...(op.parameters.length > 0
      ? {
          parameters: op.parameters.map((p) => ({
            name: p.name,
            in: p.in,
            required: p.required,
            description: p.description,
            'x-ms-summary': p.summary,
            ...(p.visibility ? { 'x-ms-visibility': p.visibility } : {}),
            schema: p.schema,
          })),
        }
      : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            description: op.body.description,
            content: jsonContent(op.body.schema),
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { content: jsonContent(response.schema) } : {}),
        },
      ]),
    ),
  };
}

/**
 * How callers authenticate, by the deployment's identity source: the function key, Entra ID
 * (App Service Authentication: a custom connector's OAuth 2.0 security, or a bearer token), or the
 * development sign-in.
 */
function security(identity: IdentitySource): { name: string; scheme: Schema } {
  switch (identity) {
    case 'function-keys':
      return { name: 'functionKey', scheme: { type: 'apiKey', in: 'header', name: 'x-functions-key' } };
    case 'app-service':
      return {
        name: 'entraId',
        scheme: {
          type: 'oauth2',
          description:
            "Microsoft Entra ID. The caller's token must be for this app's registration and carry the Sms.Notify (or Sms.Supervisor, Sms.Admin) app role; the conversation search takes Sms.Agent, Sms.Supervisor or Sms.Admin.",
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize',
              tokenUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
              scopes: {},
            },
          },
        },
      };
    case 'dev-sign-in':
      return {
        name: 'devSignIn',
        scheme: {
          type: 'apiKey',
          in: 'header',
          name: 'x-sms-user',
          description: 'The development sign-in of the embedded default (with x-sms-roles: notifier)',
        },
      };
  }
}

/**
 * The notifications API as OpenAPI 3.0, for any client; generated from the same description as the
 * Power Platform connector (`connector-definition.ts`). The conversation search is described here
 * too (search-api.ts), not in the connector: it is a person's search, not a flow's action.
 */
export function openApiDocument(identity: IdentitySource = 'function-keys') {
  const auth = security(identity);
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const op of [...operations, ...searchOperations]) {
    paths[op.path] = { ...paths[op.path], [op.method]: operation(op) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Omnichannel SMS notifications',
      version: '1.0.0',
      description:
        'Send an SMS to up to 100 recipients through a configured channel, and follow each message; search the conversations.',
    },
    servers: [{ url: '/api' }],
    security: [{ [auth.name]: [] }],
    components: {
      securitySchemes: { [auth.name]: auth.scheme },
      schemas: toComponents({ ...definitions, ...searchDefinitions }) as Record<string, Schema>,
    },
    paths,
  };
}
