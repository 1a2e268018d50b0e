// The survey pipeline on Azure: a Flex Consumption Function App (isolated worker, .NET) with a user-assigned
// identity, two storage accounts without shared keys (the host's, with the task hub and the personal data of
// waves; and the response store with the aggregates), Key Vault for the secrets, Application Insights on
// Log Analytics. Deploy with `az deployment group create -g <group> -f infra/main.bicep -p infra/main.bicepparam`.

targetScope = 'resourceGroup'

@description('Short name of the environment, part of every resource name: dev, test, prod.')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('.NET version of the isolated worker.')
param dotnetVersion string = '10.0'

@description('Most instances Flex Consumption scales the app to (letters fan out over them).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Instances kept warm for HTTP functions, so that a respondent on a phone never waits for a cold start. 0 saves money.')
@minValue(0)
@maxValue(10)
param alwaysReadyHttpInstances int = 1

@description('Object id of whoever sets the secrets after the deployment (Key Vault Secrets Officer). Empty: none.')
param vaultAdminPrincipalId string = ''

@description('Object id of the analysts\' group: read access to the response store only, never to the personal data. Empty: none.')
param analystsPrincipalId string = ''

@description('Client id of the Microsoft Entra ID app registration made by infra/entra-app.sh: App Service Authentication signs operators and analysts in with it, by the app roles of infra/entra-app-roles.json.')
@minLength(36)
@maxLength(36)
param entraClientId string

@description('An Entra ID group (object id) and the waves, zones (zone id) or municipalities (zone/municipality) it gives its members\' limited roles.')
type accessGroup = {
  id: string
  waves: string[]?
  zones: string[]?
  municipalities: string[]?
}

@description('The groups that scope the limited roles (Operator of some waves, Analyst of some zones or municipalities).')
param accessGroups accessGroup[] = []

@description('NCRONTAB schedule of the release of stored responses (UTC).')
param releaseSchedule string = '0 0 * * * *'

@description('NCRONTAB schedule of the nightly refresh (read in Brussels time by the app; the timer fires on it in UTC, never earlier).')
param nightlySchedule string = '0 0 2 * * *'

var suffix = uniqueString(resourceGroup().id, environmentName)
var tags = {
  application: 'survey-pipeline'
  environment: environmentName
}

// Built-in role definitions (ids are the same in every tenant).
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  tableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-survey-${environmentName}'
  location: location
  tags: tags
}


module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    suffix: suffix
    principalId: identity.properties.principalId
  }
}

// The host's account: AzureWebJobsStorage (leases, timers, the queue trigger), the Durable Functions task hub,
// the deployment package, and the personal data of waves (samples, tokens, letters).
module hostStorage 'modules/storage.bicep' = {
  name: 'storage-host'
  params: {
    name: take('stsvh${environmentName}${suffix}', 24)
    location: location
    tags: tags
    containers: [
      'app-package'
    ]
  }
}

// The response store: anonymous responses, their segments, the aggregates. Nothing in it names a person.
module responseStorage 'modules/storage.bicep' = {
  name: 'storage-responses'
  params: {
    name: take('stsvr${environmentName}${suffix}', 24)
    location: location
    tags: tags
    containers: []
  }
}

module hostRoles 'modules/storage-roles.bicep' = {
  name: 'roles-host'
  params: {
    storageAccountName: hostStorage.outputs.name
    principalId: identity.properties.principalId
    roleIds: [
      roles.blobDataOwner
      roles.queueDataContributor
      roles.tableDataContributor
    ]
  }
}

module responseRoles 'modules/storage-roles.bicep' = {
  name: 'roles-responses'
  params: {
    storageAccountName: responseStorage.outputs.name
    principalId: identity.properties.principalId
    roleIds: [
      roles.blobDataContributor
      roles.tableDataContributor
    ]
  }
}

module analystRoles 'modules/storage-roles.bicep' = if (!empty(analystsPrincipalId)) {
  name: 'roles-analysts'
  params: {
    storageAccountName: responseStorage.outputs.name
    principalId: analystsPrincipalId
    principalType: 'Group'
    roleIds: [
      roles.blobDataReader
      roles.tableDataReader
    ]
  }
}



module vault 'modules/vault.bicep' = {
  name: 'vault'
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    suffix: suffix
    readerPrincipalId: identity.properties.principalId
    adminPrincipalId: vaultAdminPrincipalId
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-survey-${environmentName}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// A Key Vault reference for app setting values: the secret's latest version, read with the app's identity.
var secretNames = {
  tokenSecret: 'waves-token-secret'
  tokenHashKey: 'waves-token-hash-key'
  operatorKey: 'operator-key'
  analystKey: 'analyst-key'
}

func vaultReference(vaultUri string, secret string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secret}/)'

// An identity-based connection, as Functions and this app read it (no key, no connection string).
func identityConnection(prefix string, accountName string, clientId string) object[] => [
  {
    name: '${prefix}__accountName'
    value: accountName
  }
  {
    name: '${prefix}__credential'
    value: 'managedidentity'
  }
  {
    name: '${prefix}__clientId'
    value: clientId
  }
]

// A list as app settings, as .NET configuration binds it: name__0, name__1, ...
func listSettings(name string, values string[]) object[] => map(range(0, length(values)), j => {
  name: '${name}__${j}'
  value: values[j]
})

// The groups that scope the limited roles, as Access__Groups__N__Id, __Waves__M, __Zones__M, __Municipalities__M.
var accessGroupSettings = flatten(map(range(0, length(accessGroups)), i => concat(
  [
    {
      name: 'Access__Groups__${i}__Id'
      value: accessGroups[i].id
    }
  ],
  listSettings('Access__Groups__${i}__Waves', accessGroups[i].?waves ?? []),
  listSettings('Access__Groups__${i}__Zones', accessGroups[i].?zones ?? []),
  listSettings('Access__Groups__${i}__Municipalities', accessGroups[i].?municipalities ?? [])
)))

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-survey-${environmentName}-${suffix}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.outputs.blobEndpoint}app-package'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
        alwaysReady: alwaysReadyHttpInstances == 0 ? [] : [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstances
          }
        ]
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat(
        identityConnection('AzureWebJobsStorage', hostStorage.outputs.name, identity.properties.clientId),
        identityConnection('ResponseStorage', responseStorage.outputs.name, identity.properties.clientId),
        [
          {
            name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
            value: monitoring.outputs.connectionString
          }
          {
            name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
            value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
          }
          {
            name: 'AzureWebJobsDisableHomepage'
            value: 'true'
          }
          {
            name: 'Waves__TokenSecret'
            value: vaultReference(vault.outputs.uri, secretNames.tokenSecret)
          }
          {
            name: 'Waves__TokenHashKey'
            value: vaultReference(vault.outputs.uri, secretNames.tokenHashKey)
          }
          {
            name: 'Operator__Keys__0'
            value: vaultReference(vault.outputs.uri, secretNames.operatorKey)
          }
          {
            name: 'Analyst__Keys__0'
            value: vaultReference(vault.outputs.uri, secretNames.analystKey)
          }
          {
            name: 'Responses__ReleaseSchedule'
            value: releaseSchedule
          }
          {
            name: 'Aggregates__NightlySchedule'
            value: nightlySchedule
          }
          {
            // The app trusts App Service Authentication's principal header only with this and the platform's own
            // WEBSITE_AUTH_ENABLED (see authSettings below).
            name: 'Access__PlatformAuthentication'
            value: 'true'
          }
        ],
        accessGroupSettings
      )
    }
  }
  dependsOn: [
    hostRoles
    responseRoles
  ]
}

// App Service Authentication with Microsoft Entra ID, for the console and the dashboard. Unauthenticated requests pass
// (AllowAnonymous): respondents' pages stay anonymous, API clients keep their keys, and the app itself sends a page's
// visitor without a session to /.auth/login/aad and decides by the app roles in the principal header. No client secret:
// without one the platform signs in with the ID token alone (implicit flow), which holds the roles and groups.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    login: {
      tokenStore: {
        enabled: true
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            entraClientId
            'api://${entraClientId}'
          ]
        }
      }
    }
  }
}

@description('The app\'s address: the respondents\' form is at /, the API under /api.')
output appUrl string = 'https://${app.properties.defaultHostName}'

@description('The Function App\'s name, for `az functionapp deployment`.')
output appName string = app.name

@description('Key Vault to set the secrets in (see docs/deploy.md).')
output vaultName string = vault.outputs.name

@description('The secrets the app reads through Key Vault references, by setting.')
output secretNames object = secretNames

@description('The host\'s storage account (task hub, personal data of waves).')
output hostStorageAccount string = hostStorage.outputs.name

@description('The response store\'s storage account (anonymous responses and aggregates).')
output responseStorageAccount string = responseStorage.outputs.name

@description('Client id of the app\'s user-assigned identity.')
output identityClientId string = identity.properties.clientId
