// The REST API and the queue triggers: a Function App on the Flex Consumption plan (.NET 10 isolated worker).
// The Functions host reaches its storage as the managed identity (AzureWebJobsStorage__*), so no key sits in its
// settings; every secret the app code reads is a Key Vault reference resolved with the same identity.
param location string
param prefix string
param tags object
param identityId string
param identityClientId string
param identityPrincipalId string
param storageAccountName string
param deploymentContainerUrl string
@description('Setting name to Key Vault secret URI, for every secret the app reads.')
param secretUris object
@description('Plain (non-secret) settings.')
param settings object
param allowedOrigins array
param maximumInstanceCount int
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${prefix}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

// The host's own queue and blob access as the identity (the app code uses the connection string from Key Vault).
var queueContributorRole = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, identityId, queueContributorRole)
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueContributorRole)
  }
}

var secretSettings = [for s in items(secretUris): { name: s.key, value: '@Microsoft.KeyVault(SecretUri=${s.value})' }]
var plainSettings = [for s in items(settings): { name: s.key, value: string(s.value) }]
var hostStorage = [
  { name: 'AzureWebJobsStorage__accountName', value: account.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // DefaultAzureCredential in the worker picks the user-assigned identity.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${prefix}-api-${uniqueString(resourceGroup().id)}'
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: true
      }
      appSettings: concat(hostStorage, plainSettings, secretSettings)
    }
  }
  dependsOn: [queueContributor]
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
