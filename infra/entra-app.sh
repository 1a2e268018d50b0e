#!/usr/bin/env bash
# Makes (or updates) the Microsoft Entra ID app registration that App Service Authentication signs operators and
# analysts in with: the five app roles of infra/entra-app-roles.json, ID tokens (no client secret: the platform signs
# in with the implicit ID-token flow), the groups assigned to the app in the token (their object ids scope the limited
# roles, see docs/deploy.md), and its enterprise application with assignment required, so only users given a role sign in.
# Usage: bash infra/entra-app.sh <display name> [<appUrl>]   prints the client id; with the app's URL, sets the redirect URI.
# Needs the Azure CLI, logged in as someone who may register applications. Entra ID refuses to change an enabled app role
# in place: to change one in entra-app-roles.json, first set its isEnabled to false and run the script, then change it.
set -euo pipefail
name=${1:?usage: entra-app.sh <display name> [<appUrl>]}
url=${2:-}
roles="$(dirname "$0")/entra-app-roles.json"

# --display-name matches by prefix ("survey" would find "survey-dev"): the filter matches the whole name.
id=$(az ad app list --filter "displayName eq '$name'" --query "[0].appId" -o tsv)
if [ -z "$id" ]; then
  id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
fi
az ad app update --id "$id" --app-roles "@$roles" --enable-id-token-issuance true --set groupMembershipClaims=ApplicationGroup >/dev/null
if [ -n "$url" ]; then
  az ad app update --id "$id" --web-redirect-uris "${url%/}/.auth/login/aad/callback" >/dev/null
fi
sp=$(az ad sp list --filter "appId eq '$id'" --query "[0].id" -o tsv)
if [ -z "$sp" ]; then
  sp=$(az ad sp create --id "$id" --query id -o tsv)
fi
az ad sp update --id "$sp" --set appRoleAssignmentRequired=true >/dev/null
echo "$id"
