import type { HttpRequest } from '@azure/functions';
import type { App } from '../shared/app.js';
import {
  type ConnectorOptions,
  type ConnectorSecurity,
  connectorDefinition,
  connectorProperties,
} from './connector-definition.js';
import { httpFunction, json } from './http.js';

/** The connector's security follows the deployment's sign-in: Entra ID, or function keys. */
function securityOf(app: App): ConnectorSecurity {
  return app.config.identity === 'app-service' ? 'entra-id' : 'function-key';
}

/**
 * Where flows reach this deployment: its public base URL when set (the Bicep deployment sets it),
 * else the host the request came to.
 */
function optionsFor(app: App, request: HttpRequest): ConnectorOptions {
  const base = new URL(app.config.publicBaseUrl ?? request.url);
  return {
    security: securityOf(app),
    host: base.host,
    scheme: base.protocol === 'http:' ? 'http' : 'https',
    ...(app.config.entraClientId ? { entraClientId: app.config.entraClientId } : {}),
  };
}

/**
 * The Power Platform custom connector for this deployment, ready to import (`pac connector create`
 * or the maker portal's "Import an OpenAPI from URL"): its host, its security.
 */
export function connectorDefinitionFunction(app: App) {
  return httpFunction({
    name: 'connectorDefinition',
    route: 'connector/apiDefinition.swagger.json',
    methods: ['GET'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => json(200, connectorDefinition(optionsFor(app, request))),
  });
}

export function connectorPropertiesFunction(app: App) {
  return httpFunction({
    name: 'connectorProperties',
    route: 'connector/apiProperties.json',
    methods: ['GET'],
    authLevel: 'anonymous',
    logger: app.deps.logger,
    handle: async (request) => json(200, connectorProperties(optionsFor(app, request))),
  });
}
