// Azure Web PubSub with the hub the dashboard subscribes to for live updates; its connection string goes to Key Vault.
param location string
param prefix string
param tags object
param keyVaultName string
param hubName string
@allowed(['Free_F1', 'Standard_S1', 'Premium_P1'])
param sku string

resource pubsub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: '${prefix}-wps-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: { name: sku, capacity: 1 }
  properties: {
    disableLocalAuth: false
    publicNetworkAccess: 'Enabled'
  }
}

resource hub 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = {
  parent: pubsub
  name: hubName
  properties: {
    // Clients connect only with an access token the API issues (per tenant group).
    anonymousConnectPolicy: 'deny'
    eventHandlers: []
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource connection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'webpubsub-connection-string'
  properties: { value: pubsub.listKeys().primaryConnectionString }
}

output hostName string = pubsub.properties.hostName
output hub string = hub.name
output connectionStringUri string = connection.properties.secretUri
