// Azure Communication Services and its Event Grid system topic, whose identity may write events it
// could not deliver to the dead-letter container. The subscription to the Function App is
// acs-events.bicep, deployed once the code is published.
param dataLocation string
param name string
param deadLetterStorageId string
param deadLetterContainerName string
param tags object

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${name}-events'
  location: 'global'
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: acs.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

// The topic's identity writes undeliverable events to the dead-letter container.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource deadLetterStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: last(split(deadLetterStorageId, '/'))
}

resource deadLetterBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: deadLetterStorage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: deadLetterBlobs
  name: deadLetterContainerName
}

// On the dead-letter container only: the topic's identity cannot touch the host's storage or the package.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: deadLetterContainer
  name: guid(deadLetterContainer.id, topic.id, storageBlobDataContributor)
  properties: {
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}

output id string = acs.id
output name string = acs.name
output endpoint string = 'https://${acs.properties.hostName}'
output topicName string = topic.name
