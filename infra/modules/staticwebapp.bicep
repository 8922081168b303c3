// The dashboard: the static export of dashboard/ (dashboard/out), uploaded by `swa deploy` or a pipeline.
param location string
param prefix string
param tags object
@allowed(['Free', 'Standard'])
param sku string

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: '${prefix}-dashboard'
  location: location
  tags: tags
  sku: { name: sku, tier: sku }
  properties: {
    // Content is pushed with a deployment token, not pulled from a repository.
    provider: 'None'
    allowConfigFileUpdates: true
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostname}'
