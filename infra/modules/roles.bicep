// Every role the Function App's identity needs, each on the one resource it is for:
// - Storage Blob Data Owner on its storage account: the host's own storage and the deployment package;
// - Cosmos DB Built-in Data Contributor on the app's database: read and write its items (no control
//   plane, no other database of the account);
// - Service Bus Data Sender and Data Receiver on each of the three queues (not the namespace);
// - Key Vault Secrets User on the vault: read the providers' secrets;
// - Monitoring Metrics Publisher on Application Insights: send telemetry (local auth is off);
// - on the Communication Services resource, a custom role that reads and writes that resource and
//   nothing else (no listKeys, no regenerateKey): Azure has no built-in role narrower than
//   Contributor for an Entra ID caller that sends SMS (infra/README.md says what was checked).
//   acsSenderRole 'Contributor' falls back to Microsoft's documented role.
param principalId string
param storageName string
param cosmosAccountName string
param cosmosDatabaseName string
param serviceBusNamespaceName string
param queueNames array
param keyVaultName string
param appInsightsName string
param acsName string
@description('custom: the SMS sender role defined here; Contributor: what Microsoft documents for an Entra ID SMS sender.')
@allowed(['custom', 'Contributor'])
param acsSenderRole string = 'custom'

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
}
// Cosmos DB's own data-plane role (not an Azure RBAC role): read, write, query items.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' existing = {
  name: serviceBusNamespaceName
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' existing = [
  for queueName in queueNames: {
    parent: namespace
    name: queueName
  }
]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: acsName
}

resource storageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roles.storageBlobDataOwner)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

// Scoped to the database: the identity reads and writes the app's container, not the account's others.
resource cosmosData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, cosmosDatabaseName, principalId, cosmosDataContributor)
  properties: {
    principalId: principalId
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    scope: '${cosmos.id}/dbs/${cosmosDatabaseName}'
  }
}

resource queueSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: {
    scope: queues[i]
    name: guid(queues[i].id, principalId, roles.serviceBusDataSender)
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    }
  }
]

resource queueReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: {
    scope: queues[i]
    name: guid(queues[i].id, principalId, roles.serviceBusDataReceiver)
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    }
  }
]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource telemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// The actions Microsoft names for an Entra ID caller of the Communication Services data plane (its
// SMTP guide's custom role: CommunicationServices Read and Write); nothing that reveals or rotates
// the resource's keys, and assignable in this resource group only.
resource smsSenderDefinition 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (acsSenderRole == 'custom') {
  name: guid(resourceGroup().id, 'omnichannel-sms-acs-sender')
  properties: {
    roleName: 'Omnichannel SMS sender ${uniqueString(resourceGroup().id)}'
    description: 'Send SMS through one Communication Services resource with Entra ID: read and write it, never list or regenerate its keys.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [resourceGroup().id]
  }
}

var smsSenderRoleId = acsSenderRole == 'custom' ? smsSenderDefinition.id : subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.contributor)

resource smsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: acs
  name: guid(acs.id, principalId, acsSenderRole)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: smsSenderRoleId
  }
}
