// The custom topic integration events are published to (CloudEvents 1.0), and the app's identity
// allowed to publish: EventGrid Data Sender (built-in role d5a91429-5739-47e2-a06b-3470a27159e7,
// see infra/README.md) on this topic only. Local auth is off: no access key exists to leak; the
// app sends with its token. Subscribers (Power Automate's "When a resource event occurs", Logic
// Apps, functions, webhooks) subscribe to the topic.
param location string
param topicName string
param principalId string
param tags object = {}

var eventGridDataSender = 'd5a91429-5739-47e2-a06b-3470a27159e7'

resource topic 'Microsoft.EventGrid/topics@2022-06-15' = {
  name: topicName
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, principalId, eventGridDataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventGridDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output endpoint string = topic.properties.endpoint
output name string = topic.name
