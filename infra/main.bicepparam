using 'main.bicep'

param environmentName = 'dev'
param maximumInstanceCount = 40
param alwaysReadyHttpInstances = 1
