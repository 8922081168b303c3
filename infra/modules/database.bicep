// The database: a new Azure Cosmos DB for MongoDB (vCore) cluster, or an existing MongoDB or Atlas given by its
// connection string. Either way the connection string the apps use lives only in Key Vault.
param location string
param prefix string
param tags object
param keyVaultName string
@allowed(['cosmos-vcore', 'existing'])
param mode string
@description('mode=existing: the connection string of the MongoDB or Atlas deployment.')
@secure()
param existingConnectionString string
param adminUser string
@secure()
param adminPassword string
@description('vCore compute tier: Free (one per subscription, 32 GB), M10, M20, M25, M30 ...')
param computeTier string
param storageSizeGb int

resource cluster 'Microsoft.DocumentDB/mongoClusters@2024-07-01' = if (mode == 'cosmos-vcore') {
  name: '${prefix}-mongo-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  properties: {
    administrator: {
      userName: adminUser
      password: adminPassword
    }
    serverVersion: '7.0'
    compute: { tier: computeTier }
    storage: { sizeGb: storageSizeGb }
    sharding: { shardCount: 1 }
    highAvailability: { targetMode: 'Disabled' }
    publicNetworkAccess: 'Enabled'
  }
}

// 0.0.0.0 lets in connections from Azure services (Functions on Flex Consumption and Container Apps without a
// virtual network have no fixed outbound address).
resource azureServices 'Microsoft.DocumentDB/mongoClusters/firewallRules@2024-07-01' = if (mode == 'cosmos-vcore') {
  parent: cluster
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// vCore speaks SCRAM over TLS and has no retryable writes.
var vcoreConnectionString = 'mongodb+srv://${uriComponent(adminUser)}:${uriComponent(adminPassword)}@${cluster.name}.global.mongocluster.cosmos.azure.com/?tls=true&authMechanism=SCRAM-SHA-256&retryWrites=false&maxIdleTimeMS=120000'

resource connection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mongo-connection-string'
  properties: {
    value: mode == 'cosmos-vcore' ? vcoreConnectionString : existingConnectionString
  }
  dependsOn: [azureServices]
}

output connectionStringUri string = connection.properties.secretUri
