// Service Bus for the app's work: three session-enabled queues (session = customer, queue or
// sending number), duplicate detection on the message id for a day (longer than any provider
// retries), dead-lettering after maxDeliveryCount. Standard tier: the lowest with sessions and
// duplicate detection. Keys are off: the Function App reaches it with its identity.
param location string
param namespaceName string
param maxDeliveryCount int
@description('The queues the app uses (main.bicep holds the one list).')
param queueNames array
param tags object

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = [
  for queueName in queueNames: {
    parent: namespace
    name: queueName
    properties: {
      requiresSession: true
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'P1D'
      maxDeliveryCount: maxDeliveryCount
      lockDuration: 'PT1M'
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: 'P14D'
      enablePartitioning: false
    }
  }
]

output namespaceName string = namespace.name
output namespaceId string = namespace.id
// The endpoint is https://<name>.servicebus.windows.net:443/ (another host name in other clouds).
output fullyQualifiedNamespace string = replace(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
output queueIds array = [for (queueName, i) in queueNames: queues[i].id]
