using 'main.bicep'

param environmentName = 'dev'
param maximumInstanceCount = 40
param alwaysReadyHttpInstances = 1
// The app registration's client id, from `bash infra/entra-app.sh survey-dev` (see docs/deploy.md).
param entraClientId = readEnvironmentVariable('ENTRA_CLIENT_ID')
