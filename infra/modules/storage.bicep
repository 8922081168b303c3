// The Function App's storage account: its queues (call-completed, events, webhook-deliveries, call-analysis and their -poison
// queues, created by the apps at start) and the Flex Consumption deployment container. The account's connection
// string goes to Key Vault; voice-host enqueues with it and the Functions host reads it as AzureWebJobsStorage.
param location string
param prefix string
param tags object
param keyVaultName string
param identityPrincipalId string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st${uniqueString(resourceGroup().id)}${replace(prefix, '-', '')}', 24)
  location: location
  tags: tags
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    // The apps use Azure.Storage.Queues with a connection string (QueueServiceClient), so shared keys stay on.
    allowSharedKeyAccess: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'app-package'
}

// Storage Blob Data Owner: the Flex Consumption host reads its package from the deployment container as the identity.
var blobOwnerRole = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, identityPrincipalId, blobOwnerRole)
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobOwnerRole)
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource connection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${account.name};AccountKey=${account.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

output name string = account.name
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deployments.name}'
output connectionStringUri string = connection.properties.secretUri
output blobOwnerAssignmentId string = blobOwner.id
