// voice-host on Azure Container Apps: WebSocket ingress on 7860, scaled on concurrent connections (one call is one
// long-lived request), at least one replica, and a termination grace period that covers the drain of live calls.
param location string
param prefix string
param tags object
param workspaceName string
param identityId string
param identityClientId string
param image string
@description('Registry server of the image (e.g. myregistry.azurecr.io), pulled as the identity; empty for a public image.')
param registryServer string
@description('Setting name to Key Vault secret URI, for every secret the app reads.')
param secretUris object
@description('Plain (non-secret) settings.')
param settings object
param minReplicas int
param maxReplicas int
@description('Concurrent calls (WebSocket connections) per replica before another replica is added.')
param concurrentCallsPerReplica int
@description('Seconds a stopping replica may spend finishing its calls (Voice__DrainTimeout); Container Apps allows a grace period of at most 600 s.')
@minValue(0)
@maxValue(570)
param drainSeconds int
param cpu string
param memory string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${prefix}-env'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [{ name: 'Consumption', workloadProfileType: 'Consumption' }]
  }
}

// Container Apps secret names are lower-case dashes; each is read from Key Vault as the identity.
var secretNames = [for s in items(secretUris): toLower(replace(replace(s.key, '__', '-'), '_', '-'))]
var secrets = [for (s, i) in items(secretUris): { name: secretNames[i], keyVaultUrl: s.value, identity: identityId }]
var secretEnv = [for (s, i) in items(secretUris): { name: s.key, secretRef: secretNames[i] }]
var plainEnv = [for s in items(settings): { name: s.key, value: string(s.value) }]
var drainTimeSpan = '${padLeft(string(drainSeconds / 3600), 2, '0')}:${padLeft(string(drainSeconds % 3600 / 60), 2, '0')}:${padLeft(string(drainSeconds % 60), 2, '0')}'
var fixedEnv = [
  { name: 'ASPNETCORE_URLS', value: 'http://+:7860' }
  // The operator's /health (memory, providers, connections) listens on its own port, which the ingress does not expose.
  { name: 'Voice__OperatorUrl', value: 'http://+:7861' }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'Voice__DrainTimeout', value: drainTimeSpan }
  { name: 'Voice__SpoolFolder', value: '/var/lib/voiceagents/spool' }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${prefix}-voice-host'
  location: location
  tags: union(tags, { 'azd-service-name': 'voice-host' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 7860
        transport: 'http'
        allowInsecure: false
      }
      secrets: secrets
      registries: empty(registryServer) ? [] : [{ server: registryServer, identity: identityId }]
    }
    template: {
      // SIGTERM starts the drain; the platform kills the replica after this many seconds (the host gives up at drain + 15 s).
      terminationGracePeriodSeconds: drainSeconds + 30
      containers: [
        {
          name: 'voice-host'
          image: image
          resources: { cpu: json(cpu), memory: memory }
          env: concat(fixedEnv, plainEnv, secretEnv)
          volumeMounts: [{ volumeName: 'spool', mountPath: '/var/lib/voiceagents/spool' }]
          probes: [
            {
              // Alive while the process serves HTTP, draining or not.
              type: 'Liveness'
              httpGet: { path: '/health/live', port: 7860 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // 503 while the VAD is not loaded, MongoDB is down or the replica drains: no new calls are routed here.
              // On the operator port: the probe reaches the replica directly, callers never do.
              type: 'Readiness'
              httpGet: { path: '/health', port: 7861 }
              periodSeconds: 5
              failureThreshold: 2
            }
            {
              type: 'Startup'
              httpGet: { path: '/health/live', port: 7860 }
              periodSeconds: 2
              failureThreshold: 30
            }
          ]
        }
      ]
      // The spool holds finished calls until S3 and the queue have them: one folder per replica.
      volumes: [{ name: 'spool', storageType: 'EmptyDir' }]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'concurrent-calls'
            http: { metadata: { concurrentRequests: string(concurrentCallsPerReplica) } }
          }
        ]
      }
    }
  }
}

output name string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
