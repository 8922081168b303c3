// VoiceAgents on Azure, in one resource group:
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.parameters.json -p jwtSigningKey=... 
// Every secret lands in Key Vault and the apps read it through Key Vault references (Function App) or Key Vault
// secrets (Container Apps), resolved with one user-assigned managed identity.
targetScope = 'resourceGroup'

@description('Short name prefixed to every resource (lower-case letters, digits and dashes).')
@minLength(3)
@maxLength(12)
param name string = 'voiceagents'
param location string = resourceGroup().location
param tags object = { app: 'voiceagents' }

// --- database ---
@description('cosmos-vcore creates Azure Cosmos DB for MongoDB (vCore); existing uses mongoConnectionString (MongoDB, Atlas).')
@allowed(['cosmos-vcore', 'existing'])
param databaseMode string = 'cosmos-vcore'
@secure()
@description('databaseMode=existing: connection string of the existing MongoDB or Atlas deployment.')
param mongoConnectionString string = ''
param mongoDatabase string = 'voiceagents'
param mongoAdminUser string = 'voiceagents'
@secure()
@description('databaseMode=cosmos-vcore: the cluster administrator password (8+ characters, three character classes).')
param mongoAdminPassword string = ''
@description('Cosmos DB for MongoDB vCore compute tier (Free is one per subscription).')
param mongoComputeTier string = 'M10'
param mongoStorageSizeGb int = 32

// --- object storage (MinIO or any S3) ---
@description('S3 endpoint; empty means AWS S3 itself.')
param s3ServiceUrl string = ''
param s3Bucket string = 'voiceagents'
param s3Region string = 'us-east-1'
@secure()
param s3AccessKey string
@secure()
param s3SecretKey string

// --- auth ---
@secure()
@description('HMAC-SHA256 key for access tokens, 32+ bytes; the API and voice-host share it.')
@minLength(32)
param jwtSigningKey string
param jwtIssuer string = 'voiceagents'
param jwtAudience string = 'voiceagents-api'

// --- vendor API keys (optional; a provider without its key stays unconfigured) ---
@secure()
param deepgramApiKey string = ''
@secure()
param googleApiKey string = ''
@secure()
param openAiApiKey string = ''
@secure()
param anthropicApiKey string = ''
@secure()
param cartesiaApiKey string = ''
@secure()
param openAiCompatibleApiKey string = ''
@secure()
param ai4BharatApiKey string = ''
@description('Base URL of a self-hosted OpenAI-compatible server (llama.cpp, vLLM, Ollama); empty leaves it off.')
param openAiCompatibleBaseUrl string = ''
@description('Base URL of a self-hosted AI4Bharat server; empty leaves it off.')
param ai4BharatBaseUrl string = ''

@description('Twilio account for campaigns that place phone calls (issue: the dialer). Leave empty to dial nothing.')
param twilioAccountSid string = ''
@secure()
@description('Twilio auth token (goes to Key Vault).')
param twilioAuthToken string = ''
@description('The caller id of outbound calls, E.164.')
param twilioFromNumber string = ''
@secure()
@description('The operator key (32+ characters; goes to Key Vault) that opens the API\'s /api/operator routes: number allocation, tenant limits. Empty turns them off.')
param operatorApiKey string = ''
@secure()
@description('Master key that tenants\' own provider keys (BYOK) are sealed under: 32 random bytes in base64 (goes to Key Vault). Empty turns tenants\' keys off.')
param credentialsMasterKey string = ''
@description('Its id, stored with every sealed key. To rotate: deploy a new key under a new id with the old id in credentialsRetiredMasterIds, POST /api/operator/provider-credentials/rotate, then deploy without the old id.')
param credentialsMasterId string = 'k1'
@description('Ids of earlier master keys whose Key Vault secrets (credentials-master-key-<id>) still open keys not yet rotated.')
param credentialsRetiredMasterIds array = []
@description('The dispatcher\'s NCRONTAB schedule (six fields).')
param dialerSchedule string = '*/2 * * * * *'

// --- voice-host ---
@description('voice-host image, e.g. myregistry.azurecr.io/voiceagents/voice-host:1.0.0 (built from voice-host/Dockerfile).')
param voiceHostImage string
@description('Registry of voiceHostImage, pulled as the managed identity (grant it AcrPull); empty for a public image.')
param containerRegistryServer string = ''
@minValue(1)
param voiceHostMinReplicas int = 1
param voiceHostMaxReplicas int = 10
param concurrentCallsPerReplica int = 20
@description('Seconds a stopping voice-host replica lets live calls run before it ends them.')
@minValue(0)
@maxValue(570)
param drainSeconds int = 120
param voiceHostCpu string = '1.0'
param voiceHostMemory string = '2Gi'

// --- Functions, Web PubSub, dashboard ---
param functionsMaximumInstanceCount int = 40
@allowed([512, 2048, 4096])
param functionsInstanceMemoryMB int = 2048
@allowed(['Free_F1', 'Standard_S1', 'Premium_P1'])
param webPubSubSku string = 'Free_F1'
@allowed(['Free', 'Standard'])
param staticWebAppSku string = 'Free'
@description('Static Web Apps is offered in a few regions only.')
param staticWebAppLocation string = 'westeurope'

var prefix = toLower(name)
var dashboardHub = 'dashboard'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { location: location, prefix: prefix, tags: tags }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    prefix: prefix
    tags: tags
    identityPrincipalId: identity.outputs.principalId
    jwtSigningKey: jwtSigningKey
    s3AccessKey: s3AccessKey
    s3SecretKey: s3SecretKey
    vendorKeys: {
      'deepgram-api-key': deepgramApiKey
      'google-api-key': googleApiKey
      'openai-api-key': openAiApiKey
      'anthropic-api-key': anthropicApiKey
      'cartesia-api-key': cartesiaApiKey
      'openai-compatible-api-key': openAiCompatibleApiKey
      'ai4bharat-api-key': ai4BharatApiKey
      'twilio-auth-token': twilioAuthToken
      'operator-api-key': operatorApiKey
      'credentials-master-key-${credentialsMasterId}': credentialsMasterKey
    }
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { location: location, prefix: prefix, tags: tags, keyVaultName: vault.outputs.name }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    prefix: prefix
    tags: tags
    keyVaultName: vault.outputs.name
    identityPrincipalId: identity.outputs.principalId
  }
}

module database 'modules/database.bicep' = {
  name: 'database'
  params: {
    location: location
    prefix: prefix
    tags: tags
    keyVaultName: vault.outputs.name
    mode: databaseMode
    existingConnectionString: mongoConnectionString
    adminUser: mongoAdminUser
    adminPassword: mongoAdminPassword
    computeTier: mongoComputeTier
    storageSizeGb: mongoStorageSizeGb
  }
}

module pubsub 'modules/webpubsub.bicep' = {
  name: 'webpubsub'
  params: {
    location: location
    prefix: prefix
    tags: tags
    keyVaultName: vault.outputs.name
    hubName: dashboardHub
    sku: webPubSubSku
  }
}

module dashboard 'modules/staticwebapp.bicep' = {
  name: 'dashboard'
  params: { location: staticWebAppLocation, prefix: prefix, tags: tags, sku: staticWebAppSku }
}

// Settings both apps read (core: Mongo, S3, Queues, Jwt). Secrets are only ever Key Vault secret URIs.
var sharedSettings = {
  Mongo__Database: mongoDatabase
  S3__ServiceUrl: s3ServiceUrl
  S3__Bucket: s3Bucket
  S3__Region: s3Region
  Jwt__Issuer: jwtIssuer
  Jwt__Audience: jwtAudience
  CallCompletedQueue: 'call-completed'
  EventsQueue: 'events'
}
var sharedSecrets = {
  Mongo__ConnectionString: database.outputs.connectionStringUri
  S3__AccessKey: vault.outputs.s3AccessKeyUri
  S3__SecretKey: vault.outputs.s3SecretKeyUri
  Jwt__SigningKey: vault.outputs.jwtSigningKeyUri
  Queues__ConnectionString: storage.outputs.connectionStringUri
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionStringUri
}

// A vendor key becomes a setting only when it was given (its secret exists only then).
var vendorKeySettings = {
  Providers__Deepgram__ApiKey: { secret: 'deepgram-api-key', given: !empty(deepgramApiKey) }
  Providers__Google__ApiKey: { secret: 'google-api-key', given: !empty(googleApiKey) }
  Providers__OpenAI__ApiKey: { secret: 'openai-api-key', given: !empty(openAiApiKey) }
  Providers__Anthropic__ApiKey: { secret: 'anthropic-api-key', given: !empty(anthropicApiKey) }
  Providers__Cartesia__ApiKey: { secret: 'cartesia-api-key', given: !empty(cartesiaApiKey) }
  Providers__OpenAICompatible__ApiKey: { secret: 'openai-compatible-api-key', given: !empty(openAiCompatibleApiKey) }
  Providers__Ai4Bharat__ApiKey: { secret: 'ai4bharat-api-key', given: !empty(ai4BharatApiKey) }
}
var vendorSecrets = toObject(filter(items(vendorKeySettings), s => s.value.given), s => s.key, s => '${vault.outputs.uri}secrets/${s.value.secret}')
var voiceHostPlain = union(
  sharedSettings,
  empty(openAiCompatibleBaseUrl) ? {} : { Providers__OpenAICompatible__BaseUrl: openAiCompatibleBaseUrl },
  empty(ai4BharatBaseUrl) ? {} : { Providers__Ai4Bharat__BaseUrl: ai4BharatBaseUrl },
  { Voice__CallSink: 'queue' }
)

// Twilio: the app's own public URL signs and receives the callbacks; calls stream to voice-host's /twilio. The Function
// App's name is fixed by the functionapp module ('{prefix}-api-{uniqueString(resource group)}').
var twilioSettings = empty(twilioAccountSid) ? {} : {
  Twilio__AccountSid: twilioAccountSid
  Twilio__FromNumber: twilioFromNumber
  Twilio__PublicBaseUrl: 'https://${prefix}-api-${uniqueString(resourceGroup().id)}.azurewebsites.net'
  Twilio__MediaStreamUrl: 'wss://${voiceHost.outputs.fqdn}/twilio'
}
var twilioSecrets = empty(twilioAuthToken) ? {} : { Twilio__AuthToken: '${vault.outputs.uri}secrets/twilio-auth-token' }
// voice-host redirects a live call on transfer_call (Twilio's "update a call"): the account and its token only.
var voiceHostTwilio = empty(twilioAccountSid) ? {} : { Twilio__AccountSid: twilioAccountSid }
var operatorSecrets = empty(operatorApiKey) ? {} : { Operator__ApiKey: '${vault.outputs.uri}secrets/operator-api-key' }
// Tenants' provider keys: both apps open them (the API seals, voice-host opens per call), so both get every master key.
var credentialSettings = empty(credentialsMasterKey) ? {} : { Credentials__ActiveKeyId: credentialsMasterId }
var credentialSecrets = empty(credentialsMasterKey) ? {} : union(
  { 'Credentials__MasterKeys__${credentialsMasterId}': '${vault.outputs.uri}secrets/credentials-master-key-${credentialsMasterId}' },
  toObject(credentialsRetiredMasterIds, id => 'Credentials__MasterKeys__${id}', id => '${vault.outputs.uri}secrets/credentials-master-key-${id}'))

module functions 'modules/functionapp.bicep' = {
  name: 'functions'
  params: {
    location: location
    prefix: prefix
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    // The Functions front end appends the caller's address (with its port) as the last X-Forwarded-For hop; the rate
    // limits believe that hop and nothing a client wrote before it.
    settings: union(sharedSettings, {
      WebPubSub__Hub: pubsub.outputs.hub
      WebhookDeliveriesQueue: 'webhook-deliveries'
      CallAnalysisQueue: 'call-analysis'
      DialerSchedule: dialerSchedule
      TrustedProxy__Header: 'X-Forwarded-For'
      TrustedProxy__Hops: '1'
    }, twilioSettings, credentialSettings)
    secretUris: union(sharedSecrets, { WebPubSub__ConnectionString: pubsub.outputs.connectionStringUri }, twilioSecrets, operatorSecrets, credentialSecrets)
    allowedOrigins: [dashboard.outputs.url]
    maximumInstanceCount: functionsMaximumInstanceCount
    instanceMemoryMB: functionsInstanceMemoryMB
  }
}

module voiceHost 'modules/containerapp.bicep' = {
  name: 'voice-host'
  params: {
    location: location
    prefix: prefix
    tags: tags
    workspaceName: monitoring.outputs.workspaceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    image: voiceHostImage
    registryServer: containerRegistryServer
    settings: union(voiceHostPlain, voiceHostTwilio, credentialSettings)
    secretUris: union(sharedSecrets, vendorSecrets, twilioSecrets, credentialSecrets)
    minReplicas: voiceHostMinReplicas
    maxReplicas: voiceHostMaxReplicas
    concurrentCallsPerReplica: concurrentCallsPerReplica
    drainSeconds: drainSeconds
    cpu: voiceHostCpu
    memory: voiceHostMemory
  }
}

output apiUrl string = '${functions.outputs.url}/api'
output voiceHostUrl string = 'wss://${voiceHost.outputs.fqdn}/ws'
// Public liveness only; the detailed /health is on the replica's operator port (7861), which the ingress does not expose.
output voiceHostHealthUrl string = 'https://${voiceHost.outputs.fqdn}/health/live'
output dashboardUrl string = dashboard.outputs.url
output webPubSubHost string = 'https://${pubsub.outputs.hostName}'
output webPubSubHub string = pubsub.outputs.hub
output keyVaultName string = vault.outputs.name
output functionAppName string = functions.outputs.name
output voiceHostAppName string = voiceHost.outputs.name
output managedIdentityPrincipalId string = identity.outputs.principalId
