// Azure Web PubSub for the workspace's live updates. Local auth (access keys) is off: the app
// reaches the data plane with its managed identity only, as "Web PubSub Service Owner" on this
// resource (sending to groups, and generating client tokens with POST /api/hubs/{hub}/:generateToken).
param location string
param name string
param principalId string
@description('Free_F1 (20 connections, no SLA) for trials, Standard_S1 for a contact center')
param sku string = 'Standard_S1'
param tags object

// Web PubSub Service Owner: full access to the service's data-plane REST APIs (built-in role).
var webPubSubServiceOwner = '12cf5a90-567b-43ae-8102-96cf46c7d9b4'

resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
  }
}

resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, principalId, webPubSubServiceOwner)
  scope: webPubSub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', webPubSubServiceOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output endpoint string = 'https://${webPubSub.properties.hostName}'
output name string = webPubSub.name
