// Telemetry: a Log Analytics workspace and Application Insights, which only Entra ID (the app's identity) may write to.

@description('Environment name, part of every resource name.')
param environmentName string

@description('Region of the resources.')
param location string

@description('Tags of every resource.')
param tags object

@description('Unique suffix of global names.')
param suffix string

@description('Principal id of the app\'s identity, which publishes the telemetry.')
param principalId string

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-survey-${environmentName}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-survey-${environmentName}-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Only Entra ID (the app's identity) may send telemetry: no instrumentation key can be replayed.
    DisableLocalAuth: true
    DisableIpMasking: false
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, principalId, monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

@description('Connection string of Application Insights (no key: local authentication is off).')
output connectionString string = insights.properties.ConnectionString
