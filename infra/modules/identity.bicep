// The user-assigned identity that both apps run as: it reads Key Vault secrets, the Function App's deployment
// container and (when a registry is given) pulls voice-host's image.
param location string
param prefix string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-id'
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
