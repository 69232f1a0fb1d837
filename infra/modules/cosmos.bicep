// Cosmos DB for the app's state: one container partitioned on /pk, with the indexing policy the
// code uses (the same JSON file; docs/cosmos.md explains it). Serverless by default; keys are
// off, so the Function App reaches it with its identity only.
param location string
param accountName string
param databaseName string
param containerName string
param serverless bool
@description('Autoscale maximum RU/s for the database when not serverless.')
param maxThroughput int
param tags object

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: maxThroughput } }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: ['/pk']
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: loadJsonContent('../cosmos-indexing-policy.json')
      // Time to live on, no item expiring by default: a message written with its own ttl (its
      // channel's retention, in seconds) expires that long after its last write (docs/cosmos.md).
      defaultTtl: -1
    }
  }
}

output accountName string = account.name
output accountId string = account.id
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output containerName string = container.name
