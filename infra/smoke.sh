#!/usr/bin/env bash
# Post-deploy smoke test: run once against a deployed app (or the local runner) to see that it behaves as the tests say.
#
#   APP_URL=https://func-survey-dev-xxxx.azurewebsites.net OPERATOR_KEY=... bash infra/smoke.sh
#
# Optional:
#   WAVE_ID         a test wave: checks the shape of its JSON (GET /api/waves/{id}).
#   TOKEN           a token from a letter of that test wave: a form round trip (token page, session, a saved page; the
#                   token is not spent) and, with APPINSIGHTS_APP, that Application Insights holds it nowhere.
#   APPINSIGHTS_APP and RESOURCE_GROUP  the Application Insights resource (az CLI, signed in); TELEMETRY_WAIT seconds
#                   to wait for ingestion before the query (default 180).
#   RATE_LIMIT      requests a minute one client may make to the respondent pages (Responses:ClientPermitsPerMinute, 120).
# Each check prints "ok: ..." or "FAIL: ..."; the script exits 1 at the first failure. The rate-limit check leaves this
# machine's address limited on the respondent pages for a minute.
set -euo pipefail

: "${APP_URL:?set APP_URL to the address of the app, e.g. https://func-survey-dev-xxxx.azurewebsites.net}"
: "${OPERATOR_KEY:?set OPERATOR_KEY to an operator key}"
APP_URL="${APP_URL%/}"
RATE_LIMIT="${RATE_LIMIT:-120}"
jar="$(mktemp)"
body="$(mktemp)"
trap 'rm -f "$jar" "$body"' EXIT

ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# status METHOD PATH [curl args...]: prints the HTTP status; the body goes to $body.
status() {
  local method="$1" path="$2"
  shift 2
  curl -sS -o "$body" -w '%{http_code}' -X "$method" -b "$jar" -c "$jar" "$@" "$APP_URL$path"
}

# 1. Health.
code="$(status GET /api/health)"
[ "$code" = 200 ] || fail "GET /api/health answered $code: $(head -c 300 "$body")"
ok "health ($(head -c 80 "$body"))"

# 2. The token page is at / (the Functions host maps an empty route to the function's name: that defect is gone).
code="$(status GET /)"
[ "$code" = 200 ] && grep -q 'name="token"' "$body" || fail "GET / answered $code without the token field"
ok "the token page is at /"
code="$(status GET /FormStart)"
[ "$code" = 404 ] || fail "GET /FormStart answered $code; the token page must be at / only"
ok "nothing at /FormStart"
code="$(status PUT /api/responses)"
[ "$code" = 404 ] || fail "PUT /api/responses answered $code; a wrong method is 404 on the Functions host"
ok "a wrong method is 404"

# 3. A form round trip with a test wave's token: the token is posted, then only the session cookie carries it.
if [ -n "${TOKEN:-}" ]; then
  location="$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$jar" -c "$jar" --data-urlencode "token=$TOKEN" --data lang=nl "$APP_URL/")"
  case "$location" in
    */form\?lang=nl) ;;
    *) fail "POST / with TOKEN did not lead to /form (got '$location'): is TOKEN a token of an open test wave?" ;;
  esac
  grep -q 'pipeline-form' "$jar" || fail "no form session cookie after the token page"
  code="$(status GET '/form?page=1')"
  [ "$code" = 200 ] && grep -q 'action="/form"' "$body" || fail "GET /form answered $code"
  code="$(status POST /form --data 'page=1&lang=nl&action=save')"
  [ "$code" = 200 ] || fail "saving page 1 answered $code"
  compact="$(echo "$TOKEN" | tr -d -- '- ' | tr '[:lower:]' '[:upper:]')"
  ! grep -qi "$compact" "$body" || fail "the form page shows the token"
  ok "form round trip (token page, session cookie, page 1 saved; the token is not spent)"
else
  echo "skipped: form round trip (set TOKEN to a token of a test wave)"
fi

# 4. The shape of a wave's JSON: camelCase, as the tests and the .http files expect.
if [ -n "${WAVE_ID:-}" ]; then
  code="$(status GET "/api/waves/$WAVE_ID" -H "x-functions-key: $OPERATOR_KEY")"
  [ "$code" = 200 ] || fail "GET /api/waves/$WAVE_ID answered $code: $(head -c 300 "$body")"
  grep -q '"phase"' "$body" && ! grep -q '"Phase"' "$body" || fail "the wave's JSON is not camelCase: $(head -c 300 "$body")"
  ok "the wave's JSON is camelCase"
else
  echo "skipped: wave JSON (set WAVE_ID to a test wave)"
fi

# 5. The operator key works, and a wrong one is refused with ProblemDetails.
code="$(status GET /api/waves -H "x-functions-key: $OPERATOR_KEY")"
[ "$code" = 200 ] || fail "GET /api/waves with OPERATOR_KEY answered $code"
code="$(status GET /api/waves -H 'x-functions-key: smoke-test-wrong-key-0123456789')"
[ "$code" = 401 ] && grep -q '"status"' "$body" || fail "a wrong key answered $code"
ok "operator key accepted, a wrong key refused"
# A forged App Service Authentication principal of an operator opens nothing: on Azure the platform strips the header
# from outside requests, and the app trusts it only behind the platform's authentication.
forged="$(printf %s '{"auth_typ":"aad","claims":[{"typ":"preferred_username","val":"smoke@forged.example"},{"typ":"roles","val":"Survey.Operator"}]}' | base64 -w0)"
code="$(status GET /api/waves -H "X-MS-CLIENT-PRINCIPAL: $forged")"
[ "$code" = 401 ] || fail "a forged X-MS-CLIENT-PRINCIPAL of an operator answered $code on GET /api/waves"
ok "a forged Entra principal is refused"

# 6. Rate limiting by client: a rotated X-Forwarded-For buys no more requests.
limited=""
for i in $(seq 1 $((RATE_LIMIT + 5))); do
  code="$(status POST /api/optout -H 'Content-Type: application/json' -H "X-Forwarded-For: 203.0.113.$((i % 250 + 1))" --data '{"token":"ABCD"}')"
  if [ "$code" = 429 ]; then limited="$i"; break; fi
  [ "$code" = 400 ] || fail "POST /api/optout with a malformed token answered $code"
done
[ -n "$limited" ] || fail "no 429 after $((RATE_LIMIT + 5)) requests with rotated X-Forwarded-For: the per-client limit trusts the header"
ok "rate limited after $limited requests, whatever X-Forwarded-For said"

# 7. No token in Application Insights (requests, dependencies, traces, exceptions).
if [ -n "${TOKEN:-}" ] && [ -n "${APPINSIGHTS_APP:-}" ]; then
  : "${RESOURCE_GROUP:?set RESOURCE_GROUP with APPINSIGHTS_APP}"
  echo "waiting ${TELEMETRY_WAIT:-180} s for telemetry ingestion"
  sleep "${TELEMETRY_WAIT:-180}"
  query="union requests, dependencies, traces, exceptions | where timestamp > ago(2h) | where tostring(pack_all()) has '$compact' or tostring(pack_all()) contains '$TOKEN' | count"
  found="$(az monitor app-insights query --app "$APPINSIGHTS_APP" -g "$RESOURCE_GROUP" --analytics-query "$query" --query 'tables[0].rows[0][0]' -o tsv)"
  [ "$found" = 0 ] || fail "Application Insights holds the token in $found rows"
  paths="$(az monitor app-insights query --app "$APPINSIGHTS_APP" -g "$RESOURCE_GROUP" --analytics-query "requests | where timestamp > ago(2h) | where url has '/s/' | count" --query 'tables[0].rows[0][0]' -o tsv)"
  [ "$paths" = 0 ] || fail "Application Insights has $paths requests to /s/..."
  ok "no token in Application Insights (requests, dependencies, traces, exceptions)"
else
  echo "skipped: Application Insights (set TOKEN, APPINSIGHTS_APP and RESOURCE_GROUP)"
fi

echo "smoke test passed: $APP_URL"
