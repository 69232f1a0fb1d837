// The Function App's storage: the host's own (AzureWebJobsStorage, by identity), the Flex
// Consumption deployment package, and where Event Grid puts ACS events it could not deliver.
// Shared keys are off: everything reaches it with Entra ID.
param location string
param name string
param tags object

var packageContainer = 'app-package'
var deadLetterContainer = 'eventgrid-deadletter'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: packageContainer
}

resource deadLetters 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deadLetterContainer
}

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output packageContainerName string = packageContainer
output deadLetterContainerName string = deadLetterContainer
