// App Service Authentication with Microsoft Entra ID, for the agent, supervisor and admin APIs and
// for flows calling the notifications API with a token. Anonymous requests still reach the app
// (providers' webhooks must), which then requires a signed-in caller where it needs one: App
// Service validates the token and passes the principal, and sets WEBSITE_AUTH_ENABLED so the app
// knows to believe it. Roles come from the app registration's app roles (docs/access.md).
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
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
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
