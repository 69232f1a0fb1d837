// Omnichannel SMS on Azure: one deployment creates every resource, with the Function App's
// managed identity holding the one role each resource needs (modules/roles.bicep).
//
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.bicepparam
//
// Then publish the code (README, "Running on Azure") and deploy again with subscribeAcsEvents=true
// to send ACS events to the published Event Grid trigger.
targetScope = 'resourceGroup'

@description('A short name for the resources (lowercase letters, digits, dashes).')
@minLength(3)
@maxLength(11)
param baseName string = 'sms'

param location string = resourceGroup().location

@description('The Web PubSub tier for the workspace\'s live updates: Free_F1 (20 connections) or Standard_S1')
@allowed(['Free_F1', 'Standard_S1'])
param webPubSubSku string = 'Standard_S1'

@description('Where Communication Services keeps its data (for example "United States", "Europe").')
param acsDataLocation string = 'United States'

@description('Cosmos DB serverless (pay per request). false: autoscale throughput up to cosmosMaxThroughput RU/s.')
param cosmosServerless bool = true
param cosmosMaxThroughput int = 1000

@description('Where the alerts are emailed (infra/README.md, Alerts); empty: the action group has no receiver yet.')
param alertEmail string = ''

@description('Alert when more than this percent of sends failed in 15 minutes.')
@minValue(1)
@maxValue(100)
param alertSendFailurePercent int = 10

@description('Alert when more than this many function invocations failed in 15 minutes.')
param alertFunctionFailures int = 10

@description('Alert when a conversation has waited longer than this many seconds for an agent.')
param alertOldestWaitSeconds int = 600

@description('Deliveries before Service Bus dead-letters a message; the app is told the same.')
@minValue(2)
@maxValue(100)
param maxDeliveryCount int = 10

@description('Most instances Flex Consumption may run (its documented bounds: 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Change (for example to 2) to deploy into a resource group created anew within 30 days of deleting one: Key Vault keeps a deleted vault\'s name while it is soft-deleted (purge protection on), so the vault needs another name.')
@maxLength(10)
param keyVaultGeneration string = ''

@description('Twilio account SID (AC...); empty when Twilio is not used.')
param twilioAccountSid string = ''
@secure()
@description('Twilio auth token: kept in Key Vault, referenced by the app settings.')
param twilioAuthToken string = ''

@description('TeleSign customer id; empty when TeleSign is not used.')
param telesignCustomerId string = ''
@secure()
@description('TeleSign API key (base64): kept in Key Vault, referenced by the app settings.')
param telesignApiKey string = ''

@description('Take ACS events over HTTP at /api/acs/events too (an Event Grid subscription to a URL, with the x-sms-webhook-secret delivery header): the app then requires acsWebhookSecret, kept in Key Vault. false: the endpoint does not exist on Azure; the Event Grid trigger takes the events.')
param acsEventsWebhook bool = false
@secure()
@description('The shared secret ACS event deliveries to /api/acs/events carry (at least 16 characters): kept in Key Vault. Give it once; later deployments keep it.')
param acsWebhookSecret string = ''

@description('Erase customers on request (POST manage/customers/{number}/erase): the app then requires erasureKey, kept in Key Vault and referenced as SMS_ERASURE_KEY. false: erasing answers 409.')
param customerErasure bool = true
@secure()
@description('The secret erased customers\' opt-outs are kept by (HMAC-SHA256, at least 32 characters): kept in Key Vault. Give it once and never change it; later deployments keep it.')
param erasureKey string = ''

@description('Roles a function-key holder gets where keys are the identity (no Entra ID): notifier by default. Adding agent, supervisor or admin is unfit for production (anyone with a key acts as every agent and the admin).')
param functionKeyRoles string = 'notifier'

@description('Client id of the Entra ID app registration for sign-in (App Service Authentication); empty: function keys only.')
param entraClientId string = ''

@description('The app\'s role on Communication Services: custom (read and write the resource, no keys; the default) or Contributor (Microsoft\'s documented role, should a send be refused).')
@allowed(['custom', 'Contributor'])
param acsSenderRole string = 'custom'

@description('Subscribe the Function App to ACS SMS events: true once the code is published.')
param subscribeAcsEvents bool = false

var suffix = uniqueString(resourceGroup().id)
var compactName = take(replace(toLower(baseName), '-', ''), 9)
var tags = {
  application: 'omnichannel-sms'
}
var names = {
  workspace: '${baseName}-log-${suffix}'
  appInsights: '${baseName}-appi-${suffix}'
  storage: 'st${compactName}${take(suffix, 13)}'
  cosmos: '${baseName}-cosmos-${suffix}'
  serviceBus: '${baseName}-sb-${suffix}'
  // The first generation keeps the name earlier deployments gave it.
  keyVault: 'kv-${take(compactName, 6)}-${take(empty(keyVaultGeneration) ? suffix : uniqueString(resourceGroup().id, keyVaultGeneration), 13)}'
  acs: '${baseName}-acs-${suffix}'
  webPubSub: '${baseName}-wps-${suffix}'
  plan: '${baseName}-plan-${suffix}'
  app: '${baseName}-func-${suffix}'
  eventsTopic: '${baseName}-events-${suffix}'
}
// The app's queues (shared/ports.ts names the same): Service Bus creates them, roles.bicep grants on each.
var queueNames = [
  'sms-inbound'
  'sms-assignment'
  'sms-outbound'
]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: names.storage
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    accountName: names.cosmos
    databaseName: 'sms'
    containerName: 'state'
    serverless: cosmosServerless
    maxThroughput: cosmosMaxThroughput
    tags: tags
  }
}

module serviceBus 'modules/service-bus.bicep' = {
  name: 'service-bus'
  params: {
    location: location
    namespaceName: names.serviceBus
    maxDeliveryCount: maxDeliveryCount
    queueNames: queueNames
    tags: tags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    location: location
    name: names.keyVault
    twilioEnabled: !empty(twilioAccountSid)
    twilioAuthToken: twilioAuthToken
    telesignEnabled: !empty(telesignCustomerId)
    telesignApiKey: telesignApiKey
    acsWebhookEnabled: acsEventsWebhook
    acsWebhookSecret: acsWebhookSecret
    erasureEnabled: customerErasure
    erasureKey: erasureKey
    tags: tags
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    dataLocation: acsDataLocation
    name: names.acs
    deadLetterStorageId: storage.outputs.id
    deadLetterContainerName: storage.outputs.deadLetterContainerName
    tags: tags
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    location: location
    planName: names.plan
    appName: names.app
    storageBlobEndpoint: storage.outputs.blobEndpoint
    packageContainerName: storage.outputs.packageContainerName
    maximumInstanceCount: maximumInstanceCount
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.accountName
    cosmosDatabaseName: cosmos.outputs.databaseName
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    queueNames: queueNames
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    acsName: communication.outputs.name
    acsSenderRole: acsSenderRole
  }
}

module webPubSub 'modules/web-pubsub.bicep' = {
  name: 'web-pubsub'
  params: {
    location: location
    name: names.webPubSub
    principalId: functionApp.outputs.principalId
    sku: webPubSubSku
    tags: tags
  }
}

// Integration events (README "Events"): the app publishes with its identity, subscribers subscribe here.
module eventsTopic 'modules/event-grid-topic.bicep' = {
  name: 'events-topic'
  params: {
    location: location
    topicName: names.eventsTopic
    principalId: functionApp.outputs.principalId
    tags: tags
  }
}

module appSettings 'modules/app-settings.bicep' = {
  name: 'app-settings'
  dependsOn: [roles, webPubSub]
  params: {
    eventGridTopicEndpoint: eventsTopic.outputs.endpoint
    appName: functionApp.outputs.name
    storageName: storage.outputs.name
    appInsightsConnectionString: monitoring.outputs.connectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabase: cosmos.outputs.databaseName
    cosmosContainer: cosmos.outputs.containerName
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    acsEndpoint: communication.outputs.endpoint
    webPubSubEndpoint: webPubSub.outputs.endpoint
    publicBaseUrl: 'https://${functionApp.outputs.defaultHostName}'
    entraClientId: entraClientId
    twilioAccountSid: twilioAccountSid
    twilioAuthTokenReference: keyVault.outputs.twilioAuthTokenReference
    telesignCustomerId: telesignCustomerId
    telesignApiKeyReference: keyVault.outputs.telesignApiKeyReference
    acsWebhookSecretReference: keyVault.outputs.acsWebhookSecretReference
    erasureKeyReference: keyVault.outputs.erasureKeyReference
    keyVaultUri: keyVault.outputs.uri
    functionKeyRoles: functionKeyRoles
    maxDeliveryCount: maxDeliveryCount
  }
}

// After the app settings: both write Microsoft.Web/sites/config, and two writes at once can race.
module auth 'modules/app-service-auth.bicep' = if (!empty(entraClientId)) {
  name: 'app-service-auth'
  dependsOn: [appSettings]
  params: {
    appName: functionApp.outputs.name
    clientId: entraClientId
    tenantId: subscription().tenantId
  }
}

module acsEvents 'modules/acs-events.bicep' = if (subscribeAcsEvents) {
  name: 'acs-events'
  dependsOn: [appSettings]
  params: {
    topicName: communication.outputs.topicName
    functionAppId: functionApp.outputs.id
    deadLetterStorageId: storage.outputs.id
    deadLetterContainerName: storage.outputs.deadLetterContainerName
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    alertEmail: alertEmail
    appInsightsName: monitoring.outputs.appInsightsName
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    acsTopicName: communication.outputs.topicName
    eventsTopicName: eventsTopic.outputs.name
    sendFailurePercent: alertSendFailurePercent
    functionFailures: alertFunctionFailures
    oldestWaitSeconds: alertOldestWaitSeconds
  }
}

var publicBaseUrl = 'https://${functionApp.outputs.defaultHostName}'

output functionAppName string = functionApp.outputs.name
output publicBaseUrl string = publicBaseUrl
@description('Twilio: the incoming message webhook of the number or Messaging Service (POST).')
output twilioInboundWebhookUrl string = '${publicBaseUrl}/api/twilio/inbound'
@description('TeleSign: the inbound (MO) callback URL.')
output telesignCallbackUrl string = '${publicBaseUrl}/api/telesign/callback'
@description('ACS: the webhook alternative to the Event Grid trigger (Event Grid or CloudEvents schema, with the x-sms-webhook-secret delivery header), when acsEventsWebhook is true.')
output acsEventsWebhookUrl string = acsEventsWebhook ? '${publicBaseUrl}/api/acs/events' : ''
output openApiUrl string = '${publicBaseUrl}/api/openapi.json'
@description('The Power Platform connector, ready to import (connector/README.md).')
output connectorDefinitionUrl string = '${publicBaseUrl}/api/connector/apiDefinition.swagger.json'
@description('The integration events topic: Power Automate\'s "When a resource event occurs" subscribes to it (connector/README.md).')
output eventsTopicName string = names.eventsTopic
output communicationServicesName string = communication.outputs.name
output cosmosEndpoint string = cosmos.outputs.endpoint
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output keyVaultName string = keyVault.outputs.name
