#!/usr/bin/env bash
# `make bench`, Azure/GCP/Kubernetes part: on each contract fake of
# Tests/TresorVaultsTests/Fakes, tresor creating 500 secrets against a Python `requests`
# loop making, for 500 others, the same HTTP calls tresor makes per new secret (its
# observe read, then the create calls), with one token for the whole loop as tresor
# caches one. The fakes are not the services: the ratio is reported, with no target.
set -euo pipefail
tresor=${1:-.build/release/tresor}
count=500
fakes=$(cd "$(dirname "$0")/../Tests/TresorVaultsTests/Fakes" && pwd)
python3 -c 'import requests' 2>/dev/null || python3 -m pip install -q requests

work=$(mktemp -d)
pids=()
trap 'status=$?; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; exit $status' EXIT

# start NAME SCRIPT ARGS...: starts a fake, sets $base to its URL.
start() {
    local name=$1; shift
    python3 "$fakes/$1" "${@:2}" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    for _ in $(seq 200); do grep -q '^PORT ' "$work/$name.out" 2>/dev/null && break; sleep 0.05; done
    base="http://127.0.0.1:$(sed -n 's/^PORT //p' "$work/$name.out")"
}
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
requests_made() { curl -fs "$1/_fake/stats" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if not r[1].startswith("/_fake/")))'; }

# manifests DIR PROVIDER_BLOCK: one profile `vault` and $count basicAuth secrets.
manifests() {
    mkdir -p "$1"
    printf 'apiVersion: tresor.dev/v1alpha1\nkind: VaultProfile\nmetadata: {name: vault}\nspec:\n  provider: {%s}\n' "$2" >"$1/profile.yaml"
    "$(dirname "$0")"/bench-secrets.py "$1/secrets.yaml" "$count" vault
}

# run NAME BASE: tresor apply on $work/NAME, then the loop in $work/NAME.py; prints the lines.
run() {
    local name=$1 url=$2 start end tresor_s loop_s before after
    start=$(now)
    if ! "$tresor" apply -f "$work/$name" --state-dir "$work/$name-state" >"$work/$name.apply" 2>&1; then
        echo "tresor apply on the $name fake failed:" >&2; grep -v '^  + create\|^Secret ' "$work/$name.apply" | tail -20 >&2; exit 1
    fi
    end=$(now); tresor_s=$(elapsed "$start" "$end")
    before=$(requests_made "$url")
    start=$(now)
    BASE=$url python3 "$work/$name.py" "$count"
    end=$(now); loop_s=$(elapsed "$start" "$end")
    after=$(requests_made "$url")
    printf '%-58s %8s s   (%s requests)\n' "tresor apply, $count secrets (create) on the $name fake" "$tresor_s" "$before"
    printf '%-58s %8s s   (%s requests)\n' "python requests loop, the same calls for $count" "$loop_s" "$((after - before))"
    python3 -c "import sys; t, b = map(float, sys.argv[1:]); print(f'requests / tresor = {b / t:.2f}x')" "$tresor_s" "$loop_s"
}

# Azure Key Vault: per secret a GET (observe), a GET (the write's check) and a PUT.
tenant=6f1c2e2a-1111-4c4c-9e9e-000000000000
start azure azure_keyvault_fake.py --tenant "$tenant" --client-id bench-app --client-secret bench-client-secret
export AZURE_CLIENT_ID=bench-app AZURE_CLIENT_SECRET=bench-client-secret
manifests "$work/azure" "azure: {vaultUrl: \"$base\", authorityHost: \"$base\", tenantId: $tenant, clientId: {fromEnv: AZURE_CLIENT_ID}, clientSecret: {fromEnv: AZURE_CLIENT_SECRET}}"
cat >"$work/azure.py" <<PY
import json, os, sys, requests
base, session = os.environ["BASE"], requests.Session()
token = session.post(f"{base}/$tenant/oauth2/v2.0/token", data={"grant_type": "client_credentials", "client_id": "bench-app",
                     "client_secret": "bench-client-secret", "scope": "https://vault.azure.net/.default"}).json()["access_token"]
session.headers["Authorization"] = "Bearer " + token
for i in range(int(sys.argv[1])):
    url = f"{base}/secrets/requests-s{i}?api-version=7.4"
    for _ in range(2):
        assert session.get(url).status_code == 404
    tags = {"managed-by": "requests", "bench-secret": f"s{i}", "bench-type": "basicAuth", "bench-fingerprint": "x" * 76}
    body = {"value": json.dumps({"password": f"bench-password-{i}", "username": f"app{i}"}), "tags": tags}
    assert session.put(url, json=body).status_code == 200
PY
run azure "$base"

# GCP Secret Manager: per secret a GET (observe), the create and an addVersion.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/gcp.pem" 2>/dev/null
modulus=$(openssl rsa -in "$work/gcp.pem" -noout -modulus | sed 's/^Modulus=//')
start gcp gcp_secretmanager_fake.py --project bench --project-number 1234 --client-email bench@bench.iam.gserviceaccount.com \
    --modulus "$modulus" --exponent 010001
python3 - "$work/gcp.pem" "$base/token" >"$work/gcp.json" <<'PY'
import json, sys
print(json.dumps({"type": "service_account", "client_email": "bench@bench.iam.gserviceaccount.com",
                  "private_key": open(sys.argv[1]).read(), "token_uri": sys.argv[2]}))
PY
manifests "$work/gcp" "gcp: {project: bench, credentialsFile: $work/gcp.json, endpoint: \"$base\"}"
cat >"$work/gcp.py" <<PY
import base64, json, os, subprocess, sys, time, requests, zlib
base, session = os.environ["BASE"], requests.Session()
def b64(data): return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
now = int(time.time())
claims = {"iss": "bench@bench.iam.gserviceaccount.com", "scope": "https://www.googleapis.com/auth/cloud-platform",
          "aud": f"{base}/token", "iat": now, "exp": now + 3600}
signing = b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", "$work/gcp.pem"], input=signing.encode(), capture_output=True, check=True).stdout
token = session.post(f"{base}/token", data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                     "assertion": signing + "." + b64(signature)}).json()["access_token"]
session.headers["Authorization"] = "Bearer " + token
secrets = f"{base}/v1/projects/bench/secrets"
for i in range(int(sys.argv[1])):
    assert session.get(f"{secrets}/requests-s{i}").status_code == 404
    body = {"replication": {"automatic": {}}, "labels": {"managed-by": "requests"},
            "annotations": {"bench-secret": f"s{i}", "bench-type": "basicAuth", "bench-fingerprint": "x" * 76}}
    assert session.post(secrets, params={"secretId": f"requests-s{i}"}, json=body).status_code == 200
    data = json.dumps({"password": f"bench-password-{i}", "username": f"app{i}"}).encode()
    assert session.post(f"{secrets}/requests-s{i}:addVersion", json={"payload": {"data": base64.b64encode(data).decode()}}).status_code == 200
PY
run gcp "$base"

# Kubernetes: per secret a POST (creates are conditional there, so tresor reads nothing first).
start kubernetes kubernetes_secrets_fake.py --token bench-sa-token
export K8S_BENCH_TOKEN=bench-sa-token
manifests "$work/kubernetes" "kubernetes: {server: \"$base\", namespace: bench, token: {fromEnv: K8S_BENCH_TOKEN}}"
cat >"$work/kubernetes.py" <<'PY'
import base64, os, sys, requests
base, session = os.environ["BASE"], requests.Session()
session.headers["Authorization"] = "Bearer bench-sa-token"
secrets = f"{base}/api/v1/namespaces/bench/secrets"
def b64(text): return base64.b64encode(text.encode()).decode()
for i in range(int(sys.argv[1])):
    body = {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/basic-auth",
            "metadata": {"name": f"requests-s{i}", "labels": {"app.kubernetes.io/managed-by": "requests"},
                         "annotations": {"bench/secret": f"s{i}", "bench/fingerprint": "x" * 76}},
            "data": {"username": b64(f"app{i}"), "password": b64(f"bench-password-{i}")}}
    assert session.post(secrets, json=body).status_code == 201
PY
run kubernetes "$base"
