// Key Vault for the providers' secrets (Twilio's auth token, TeleSign's API key). The Function App
// reads them through Key Vault references in its app settings; nothing else holds them. Access is
// by Azure RBAC only.
param location string
param name string
@secure()
param twilioAuthToken string
@secure()
param telesignApiKey string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource twilioSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(twilioAuthToken)) {
  parent: vault
  name: 'twilio-auth-token'
  properties: { value: twilioAuthToken }
}

resource telesignSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(telesignApiKey)) {
  parent: vault
  name: 'telesign-api-key'
  properties: { value: telesignApiKey }
}

output name string = vault.name
output id string = vault.id
// App settings reference secrets by vault and name, so a setting resolves to the latest version.
output twilioAuthTokenReference string = empty(twilioAuthToken) ? '' : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=twilio-auth-token)'
output telesignApiKeyReference string = empty(telesignApiKey) ? '' : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=telesign-api-key)'
