#!/usr/bin/env bash
# Installs what is missing and runs everything on loopback, in the foreground; Ctrl-C stops it all.
#   API        http://127.0.0.1:7071/api   (the Functions app through its local runner)
#   voice-host ws://127.0.0.1:7860/ws
#   Web PubSub stand-in http://127.0.0.1:7072 (live updates; ws://127.0.0.1:7072/client/hubs/dashboard)
#   dashboard  http://127.0.0.1:3000       (the static export of dashboard/, served by dashboard/serve.mjs)
#   a tenant's site embedding the voice widget http://127.0.0.1:5500 (dashboard/widget/demo-site.mjs)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"
source infra/local/prereqs.sh

step "installing the local stack"
infra/local/install.sh
step "building"
dotnet build VoiceAgents.sln -c Release -nologo -clp:ErrorsOnly
# --- dashboard: npm ci and next build into dashboard/out when missing or out of date ---
step "building the dashboard"
dashboard/build.sh
# --- end dashboard ---

# Secrets for local runs are generated once per checkout and never committed.
mkdir -p .local
if [ ! -f .local/secrets.env ]; then
  umask 077
  echo "Jwt__SigningKey=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" > .local/secrets.env
fi
if ! grep -q '^WEBPUBSUB_ACCESS_KEY=' .local/secrets.env; then
  (umask 077; echo "WEBPUBSUB_ACCESS_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" >> .local/secrets.env)
fi
# The operator key opens the API's /api/operator routes (number allocation, tenant limits).
if ! grep -q '^Operator__ApiKey=' .local/secrets.env; then
  (umask 077; echo "Operator__ApiKey=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" >> .local/secrets.env)
fi
# Tenants' own provider keys are sealed under this master key (32 random bytes); both apps read it.
if ! grep -q '^Credentials__MasterKeys__local=' .local/secrets.env; then
  (umask 077; { echo "Credentials__MasterKeys__local=$(head -c 32 /dev/urandom | base64 | tr -d '\n')"; echo "Credentials__ActiveKeyId=local"; } >> .local/secrets.env)
fi
set -a
source .local/secrets.env
Mongo__ConnectionString=mongodb://127.0.0.1:27017
Mongo__Database=voiceagents
S3__ServiceUrl=http://127.0.0.1:4566
S3__Bucket=voiceagents
S3__AccessKey=local
S3__SecretKey=local-secret
AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
DOTNET_ENVIRONMENT=Development
# Live updates: the API publishes to, and the dashboard connects to, the local Web PubSub stand-in.
WebPubSub__ConnectionString="Endpoint=http://127.0.0.1:7072;AccessKey=$WEBPUBSUB_ACCESS_KEY;Version=1.0;"
Webhooks__AllowPrivateTargets=true   # local receivers on loopback and plain http; never in production
Tools__AllowPrivateTargets=true      # agents' tools (HTTP and MCP) on loopback and plain http; never in production
set +a

pids=()
cleanup() {
  trap - INT TERM EXIT
  step "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  infra/local/stop.sh || true
}
trap cleanup INT TERM EXIT

step "starting the local stack (data kept in infra/local/.runtime/state)"
STACK_PERSIST=1 infra/local/start.sh

wait_http() { # url name
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "$2 did not come up at $1" >&2; return 1
}

step "starting the Web PubSub stand-in on 127.0.0.1:7072"
(cd infra/local/webpubsub/bin/Release/net10.0 && exec dotnet VoiceAgents.WebPubSubLocal.dll) &
pids+=($!)
step "starting the API (local Functions runner) on 127.0.0.1:7071"
(cd functions/LocalRunner/bin/Release/net10.0 && exec dotnet VoiceAgents.Functions.LocalRunner.dll --urls http://127.0.0.1:7071) &
pids+=($!)
step "starting voice-host on 127.0.0.1:7860"
(cd voice-host/bin/Release/net10.0 && exec dotnet VoiceAgents.VoiceHost.dll --urls http://127.0.0.1:7860) &
pids+=($!)

# --- dashboard: the static export on 127.0.0.1:3000; the API's CORS allows it (Host:CORS in the local runner) ---
step "starting the dashboard on 127.0.0.1:3000"
(cd dashboard && DASHBOARD_PORT=3000 DASHBOARD_API_URL=http://127.0.0.1:7071/api DASHBOARD_VOICE_URL=ws://127.0.0.1:7860/ws \
  DASHBOARD_PUBSUB_URL=ws://127.0.0.1:7072 DASHBOARD_MEDIA_URL=http://127.0.0.1:4566 exec node serve.mjs) &
pids+=($!)
# A stand-in for a tenant's own site on another origin, embedding the voice widget with a publishable key.
(cd dashboard && DEMO_SITE_PORT=5500 DASHBOARD_URL=http://127.0.0.1:3000 DASHBOARD_VOICE_URL=ws://127.0.0.1:7860/ws exec node widget/demo-site.mjs) &
pids+=($!)
# --- end dashboard ---

wait_http http://127.0.0.1:7072/api/health "The Web PubSub stand-in"
wait_http http://127.0.0.1:7071/api/health "The API"
wait_http http://127.0.0.1:7861/health "voice-host"
wait_http http://127.0.0.1:3000/login/ "The dashboard"

cat <<MSG

  API         http://127.0.0.1:7071/api      (OpenAPI: http://127.0.0.1:7071/api/openapi.json)
  voice-host  ws://127.0.0.1:7860/ws         (health: http://127.0.0.1:7861/health, operator port)
  live        GET /api/realtime/negotiate     (Web PubSub stand-in on 127.0.0.1:7072)
  operator    /api/operator/...              (Authorization: Bearer <Operator__ApiKey in .local/secrets.env>)
  dashboard   http://127.0.0.1:3000          (sign up at http://127.0.0.1:3000/signup/)
  widget demo http://127.0.0.1:5500/?key=va_pk_…&agent=…  (a publishable key allowing http://127.0.0.1:5500)

  Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
