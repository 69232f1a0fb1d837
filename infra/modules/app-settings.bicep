// The Function App's settings, applied once its identity holds the roles they rely on. Every
// setting here is one the app's configuration loader reads (docs/settings.md) or one the Functions
// host reads itself; a test checks both lists against shared/config.ts and the sample settings.
param appName string
param storageName string
param appInsightsConnectionString string
param cosmosEndpoint string
param cosmosDatabase string
param cosmosContainer string
param serviceBusNamespace string
param acsEndpoint string
param webPubSubEndpoint string
param publicBaseUrl string
@description('The app registration App Service Authentication accepts; empty without it')
param entraClientId string
param twilioAccountSid string
param twilioAuthTokenReference string
param telesignCustomerId string
param telesignApiKeyReference string
param acsWebhookSecretReference string
@description('SMS_ERASURE_KEY as a Key Vault reference; empty when customer erasure is off')
param erasureKeyReference string
@description('The Key Vault URI, where the app reads the secrets channels name for their own provider accounts')
param keyVaultUri string
param functionKeyRoles string
param maxDeliveryCount int
@description('The integration events topic (…/api/events); the identity holds EventGrid Data Sender on it')
param eventGridTopicEndpoint string

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: storageName
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
    COSMOS_ENDPOINT: cosmosEndpoint
    COSMOS_DATABASE: cosmosDatabase
    COSMOS_CONTAINER: cosmosContainer
    ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
    ACS_ENDPOINT: acsEndpoint
    WEB_PUBSUB_ENDPOINT: webPubSubEndpoint
    WEB_PUBSUB_HUB: 'workspace'
    SMS_PUBLIC_BASE_URL: publicBaseUrl
    SMS_ENTRA_CLIENT_ID: entraClientId
    TWILIO_ACCOUNT_SID: twilioAccountSid
    TWILIO_AUTH_TOKEN: twilioAuthTokenReference
    TELESIGN_CUSTOMER_ID: telesignCustomerId
    TELESIGN_API_KEY: telesignApiKeyReference
    ACS_WEBHOOK_SECRET: acsWebhookSecretReference
    SMS_ERASURE_KEY: erasureKeyReference
    SMS_KEY_VAULT_URL: keyVaultUri
    SMS_FUNCTION_KEY_ROLES: functionKeyRoles
    SMS_QUEUE_MAX_DELIVERY_COUNT: string(maxDeliveryCount)
    SMS_CONFIG_REFRESH_SECONDS: '10'
    SMS_LOG_LEVEL: 'info'
    EVENTGRID_TOPIC_ENDPOINT: eventGridTopicEndpoint
  }
}
