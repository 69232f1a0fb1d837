// Parameters for infra/main.bicep. Secrets come from the environment of whoever deploys, never
// from this file:  TWILIO_AUTH_TOKEN=... TELESIGN_API_KEY=... SMS_ERASURE_KEY=... az deployment group create ...
using 'main.bicep'

param baseName = readEnvironmentVariable('SMS_BASE_NAME', 'sms')
param acsDataLocation = readEnvironmentVariable('SMS_ACS_DATA_LOCATION', 'United States')
param cosmosServerless = bool(readEnvironmentVariable('SMS_COSMOS_SERVERLESS', 'true'))
param maxDeliveryCount = 10
param twilioAccountSid = readEnvironmentVariable('TWILIO_ACCOUNT_SID', '')
param twilioAuthToken = readEnvironmentVariable('TWILIO_AUTH_TOKEN', '')
param telesignCustomerId = readEnvironmentVariable('TELESIGN_CUSTOMER_ID', '')
param telesignApiKey = readEnvironmentVariable('TELESIGN_API_KEY', '')
param acsEventsWebhook = bool(readEnvironmentVariable('SMS_ACS_EVENTS_WEBHOOK', 'false'))
param acsWebhookSecret = readEnvironmentVariable('ACS_WEBHOOK_SECRET', '')
param customerErasure = bool(readEnvironmentVariable('SMS_CUSTOMER_ERASURE', 'true'))
param erasureKey = readEnvironmentVariable('SMS_ERASURE_KEY', '')
param functionKeyRoles = readEnvironmentVariable('SMS_FUNCTION_KEY_ROLES', 'notifier')
param entraClientId = readEnvironmentVariable('SMS_ENTRA_CLIENT_ID', '')
param subscribeAcsEvents = bool(readEnvironmentVariable('SMS_SUBSCRIBE_ACS_EVENTS', 'false'))
param keyVaultGeneration = readEnvironmentVariable('SMS_KEY_VAULT_GENERATION', '')
param acsSenderRole = readEnvironmentVariable('SMS_ACS_SENDER_ROLE', 'custom')
param alertEmail = readEnvironmentVariable('SMS_ALERT_EMAIL', '')
