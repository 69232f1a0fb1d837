// App Service Authentication with Microsoft Entra ID, for the agent, supervisor and admin APIs, the
// workspace pages and flows calling the notifications API with a token. The platform refuses
// anonymous callers before the app runs (defence in depth: the app checks the sign-in and roles
// again): API callers need a bearer token, and a browser is sent to sign in. Excluded, because
// they are never signed in: the providers' webhooks (each verified by its signature or shared
// secret), health, the OpenAPI document, and the Event Grid trigger's endpoint (the host checks
// its system key). App Service validates the token, passes the principal in X-MS-CLIENT-PRINCIPAL
// and sets WEBSITE_AUTH_ENABLED so the app knows to believe it. Roles come from the app
// registration's app roles (docs/access.md).
param appName string
param clientId string
param tenantId string

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: [
        '/api/twilio/inbound'
        '/api/twilio/status'
        '/api/telesign/callback'
        '/api/acs/events'
        '/api/health'
        '/api/openapi.json'
        '/api/connector/apiDefinition.swagger.json'
        '/api/connector/apiProperties.json'
        '/runtime/webhooks/eventgrid'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            clientId
            'api://${clientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
  }
}
