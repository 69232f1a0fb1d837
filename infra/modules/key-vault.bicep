// Key Vault for the app's secrets (Twilio's auth token, TeleSign's API key, the ACS webhook's shared
// secret). The Function App reads them through Key Vault references in its app settings; nothing
// else holds them. Access is by Azure RBAC only. The secrets of the provider accounts channels name
// themselves are added here by an operator (az keyvault secret set) and read by the app by name, at
// SMS_KEY_VAULT_URL, with its identity (Key Vault Secrets User, roles.bicep).
//
// Whether the app references a secret follows from whether its provider (or delivery) is enabled,
// never from whether this deployment was given its value: a redeploy that leaves a secret out keeps
// the one already in the vault. A secret is written only when a value is given.
param location string
param name string
param twilioEnabled bool
@secure()
param twilioAuthToken string
param telesignEnabled bool
@secure()
param telesignApiKey string
param acsWebhookEnabled bool
@secure()
param acsWebhookSecret string
param erasureEnabled bool
@secure()
param erasureKey string
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

resource acsWebhookSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(acsWebhookSecret)) {
  parent: vault
  name: 'acs-webhook-secret'
  properties: { value: acsWebhookSecret }
}

// Written only when given: a new value would lose the opt-outs kept under the old one.
resource erasureKeyValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(erasureKey)) {
  parent: vault
  name: 'erasure-key'
  properties: { value: erasureKey }
}

output name string = vault.name
output id string = vault.id
// The vault URI (https://<name>.vault.azure.net/), where the app reads secrets by name.
output uri string = vault.properties.vaultUri
// App settings reference secrets by vault and name, so a setting resolves to the latest version. An
// enabled provider whose secret was never given resolves to nothing: the app's health names the
// setting (an unresolved Key Vault reference) instead of starting without the provider.
output twilioAuthTokenReference string = twilioEnabled ? '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=twilio-auth-token)' : ''
output telesignApiKeyReference string = telesignEnabled ? '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=telesign-api-key)' : ''
output acsWebhookSecretReference string = acsWebhookEnabled ? '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=acs-webhook-secret)' : ''
output erasureKeyReference string = erasureEnabled ? '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=erasure-key)' : ''
