import { type ApiOperation, definitions, operations, type Schema } from './notifications-api.js';

/**
 * The Power Platform custom connector: `apiDefinition.swagger.json` (Swagger 2.0, the version
 * custom connectors take) and `apiProperties.json` (the connection), the two files Microsoft's
 * PowerPlatformConnectors repository keeps per connector and `pac connector create` imports.
 * Generated from the same description as `openapi.json`.
 */

/** How a flow's connection signs in: Entra ID (App Service Authentication) or a function key. */
export type ConnectorSecurity = 'entra-id' | 'function-key';

export interface ConnectorOptions {
  security: ConnectorSecurity;
  /** The Function App's host name, without scheme (`contoso-sms.azurewebsites.net`). */
  host: string;
  /** `https` on Azure; `http` only for the local host. */
  scheme?: 'https' | 'http';
  /** The app registration App Service Authentication accepts tokens for (Entra ID only). */
  entraClientId?: string;
}

/** What a connector needs that the committed files cannot know; the README says where to put each. */
export const placeholders = {
  host: 'your-function-app.azurewebsites.net',
  connectorClientId: '00000000-0000-0000-0000-000000000000',
  entraClientId: 'your-api-app-registration-client-id',
} as const;

function operation(op: ApiOperation) {
  const parameters = op.parameters.map((p) => ({
    name: p.name,
    in: p.in,
    required: p.required,
    type: p.schema.type,
    ...(p.schema.maxLength !== undefined ? { maxLength: p.schema.maxLength } : {}),
    description: p.description,
    'x-ms-summary': p.summary,
    ...(p.visibility ? { 'x-ms-visibility': p.visibility } : {}),
  }));
  const body = op.body
    ? [
        {
          name: 'body',
          in: 'body',
          required: true,
          description: op.body.description,
          'x-ms-summary': 'Request',
          schema: { $ref: `#/definitions/${op.body.schema}` },
        },
      ]
    : [];
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    ...(op.visibility ? { 'x-ms-visibility': op.visibility } : {}),
    consumes: op.body ? ['application/json'] : [],
    produces: ['application/json'],
    parameters: [...parameters, ...body],
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { schema: { $ref: `#/definitions/${response.schema}` } } : {}),
        },
      ]),
    ),
  };
}

const securityDefinitions: Record<ConnectorSecurity, Record<string, Schema>> = {
  'entra-id': {
    oauth2_auth: {
      type: 'oauth2',
      flow: 'accessCode',
      authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/authorize',
      scopes: {},
    },
  },
  // The Functions host reads a function key from this header (or the `code` query parameter).
  'function-key': { api_key: { type: 'apiKey', in: 'header', name: 'x-functions-key' } },
};

export function connectorDefinition(options: ConnectorOptions) {
  const security = securityDefinitions[options.security];
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const op of operations) {
    paths[op.path] = { ...paths[op.path], [op.method]: operation(op) };
  }
  return {
    swagger: '2.0',
    info: {
      title: 'Omnichannel SMS',
      description:
        'Send SMS notifications from a contact center channel (text or a stored template, up to 100 recipients) and follow each message.',
      version: '1.0.0',
      contact: { name: 'Omnichannel SMS' },
    },
    host: options.host,
    basePath: '/api',
    schemes: [options.scheme ?? 'https'],
    consumes: ['application/json'],
    produces: ['application/json'],
    paths,
    definitions,
    parameters: {},
    responses: {},
    securityDefinitions: security,
    security: Object.keys(security).map((name) => ({ [name]: [] })),
    tags: [],
    'x-ms-connector-metadata': [
      {
        propertyName: 'Website',
        propertyValue: `${options.scheme ?? 'https'}://${options.host}/api/openapi.json`,
      },
      { propertyName: 'Categories', propertyValue: 'Communication' },
    ],
  };
}

/**
 * The connection: with Entra ID, OAuth 2.0 against the app registration App Service Authentication
 * accepts (its resource), signed in through a connector app registration of the tenant's; with
 * function keys, one secure parameter the connector sends as `x-functions-key`.
 */
export function connectorProperties(options: ConnectorOptions) {
  const resource = `api://${options.entraClientId ?? placeholders.entraClientId}`;
  const connectionParameters =
    options.security === 'entra-id'
      ? {
          token: {
            type: 'oauthSetting',
            oAuthSettings: {
              identityProvider: 'aad',
              clientId: placeholders.connectorClientId,
              scopes: [`${resource}/user_impersonation`],
              redirectMode: 'GlobalPerConnector',
              redirectUrl: 'https://global.consent.azure-apim.net/redirect',
              properties: { IsFirstParty: 'False', AzureActiveDirectoryResourceId: resource },
              customParameters: {
                loginUri: { value: 'https://login.microsoftonline.com' },
                tenantId: { value: 'common' },
                resourceUri: { value: resource },
                enableOnbehalfOfLogin: { value: 'false' },
              },
            },
          },
        }
      : {
          api_key: {
            type: 'securestring',
            uiDefinition: {
              displayName: 'Function key',
              description: "A function key of the deployment's Function App",
              tooltip: 'Azure portal: the Function App, App keys',
              constraints: { tabIndex: 2, clearText: false, required: 'true' },
            },
          },
        };
  return {
    properties: {
      connectionParameters,
      iconBrandColor: '#0f6cbd',
      capabilities: [],
      publisher: 'Omnichannel SMS',
      stackOwner: 'Omnichannel SMS',
    },
  };
}

/**
 * The files kept in the repository's connector/ folder, by path: one folder per connection type,
 * with placeholders for what only a deployment knows (the README says what to fill in; a
 * deployment serves both files already filled in at `api/connector/...`).
 */
export function committedConnectorFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const security of ['entra-id', 'function-key'] as const) {
    const options: ConnectorOptions = { security, host: placeholders.host };
    files[`connector/${security}/apiDefinition.swagger.json`] =
      `${JSON.stringify(connectorDefinition(options), null, 2)}\n`;
    files[`connector/${security}/apiProperties.json`] =
      `${JSON.stringify(connectorProperties(options), null, 2)}\n`;
  }
  return files;
}
