// Key Vault (RBAC authorization) holding every secret the apps read, and the apps' identity as its reader.
// Secrets that other modules produce (storage, Web PubSub, Cosmos DB, Application Insights) are written by those
// modules; the ones that come in as parameters are written here.
param location string
param prefix string
param tags object
param identityPrincipalId string

@secure()
param jwtSigningKey string
@secure()
param s3AccessKey string
@secure()
param s3SecretKey string
@description('Vendor API keys by secret name; an empty value creates no secret.')
@secure()
param vendorKeys object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${prefix}-kv-${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

// Key Vault Secrets User: read secret values (the apps resolve their Key Vault references with it).
var secretsUserRole = '4633458b-17de-408a-b874-0445c86b69e6'
resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identityPrincipalId, secretsUserRole)
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRole)
  }
}

resource jwt 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'jwt-signing-key'
  properties: { value: jwtSigningKey }
}

resource s3Access 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 's3-access-key'
  properties: { value: s3AccessKey }
}

resource s3Secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 's3-secret-key'
  properties: { value: s3SecretKey }
}

resource vendor 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for key in items(vendorKeys): if (!empty(key.value)) {
  parent: vault
  name: key.key
  properties: { value: key.value }
}]

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless secret URIs: an app picks up a rotated secret on its next refresh.
output jwtSigningKeyUri string = jwt.properties.secretUri
output s3AccessKeyUri string = s3Access.properties.secretUri
output s3SecretKeyUri string = s3Secret.properties.secretUri
// The reader role is in place once this output is known; apps depend on it before they resolve references.
output readerAssignmentId string = reader.id
