#!/usr/bin/env bash
# `make bench`, AWS part: on one moto server (Secrets Manager), tresor creating 500
# secrets against a Python boto3 loop creating 500 others, the same shape of content
# (a basicAuth JSON object with tags). Both sign every request with SigV4; moto runs
# without its IAM check here, so the server's cost per request is the same for both.
set -euo pipefail
tresor=${1:-.build/release/tresor}
count=500
if ! command -v moto_server >/dev/null || ! python3 -c 'import boto3, moto' 2>/dev/null; then
    python3 -m pip install -q 'moto[server]' boto3
    if command -v pyenv >/dev/null; then pyenv rehash; fi
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
# The script's own status survives the trap (waiting for the killed server returns 137).
trap 'status=$?; kill -9 "$moto_pid" 2>/dev/null; wait "$moto_pid" 2>/dev/null || true; rm -rf "$work"; exit $status' EXIT
export AWS_ENDPOINT="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=eu-west-1
unset AWS_SESSION_TOKEN AWS_PROFILE
for _ in $(seq 100); do curl -fs -o /dev/null "$AWS_ENDPOINT/moto-api/" && break; sleep 0.1; done

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }

mkdir -p "$work/m"
cat >"$work/m/profile.yaml" <<YAML
apiVersion: tresor.dev/v1alpha1
kind: VaultProfile
metadata: {name: aws}
spec:
  provider:
    aws: {region: eu-west-1, endpoint: "$AWS_ENDPOINT", pathPrefix: tresor-bench}
YAML
"$(dirname "$0")"/bench-secrets.py "$work/m/secrets.yaml" "$count" aws

start=$(now)
if ! "$tresor" apply -f "$work/m" --state-dir "$work/state" >"$work/apply.out" 2>&1; then
    echo "tresor apply failed:" >&2; grep -v '^  + create\|^Secret ' "$work/apply.out" | tail -20 >&2; exit 1
fi
end=$(now)
tresor_s=$(elapsed "$start" "$end")

start=$(now)
python3 - "$count" <<'PY'
import json, os, sys, uuid, boto3
sm = boto3.client("secretsmanager", endpoint_url=os.environ["AWS_ENDPOINT"], region_name=os.environ["AWS_REGION"])
for i in range(int(sys.argv[1])):
    sm.create_secret(Name=f"boto3-bench/s{i}", ClientRequestToken=str(uuid.uuid4()),
                     SecretString=json.dumps({"password": f"bench-password-{i}", "username": f"app{i}"}),
                     Tags=[{"Key": "managed-by", "Value": "boto3-bench"}, {"Key": "bench-secret", "Value": f"s{i}"}])
PY
end=$(now); boto3_s=$(elapsed "$start" "$end")

created=$(python3 - <<'PY'
import os, boto3
sm = boto3.client("secretsmanager", endpoint_url=os.environ["AWS_ENDPOINT"], region_name=os.environ["AWS_REGION"])
names = [s["Name"] for page in sm.get_paginator("list_secrets").paginate() for s in page["SecretList"]]
print(sum(n.startswith("tresor-bench/") for n in names), sum(n.startswith("boto3-bench/") for n in names))
PY
)
read tresor_n boto3_n <<<"$created"

printf '%-52s %8s s   (%s secrets found on the server)\n' "tresor apply, $count secrets (create) on moto" "$tresor_s" "$tresor_n"
printf '%-52s %8s s   (%s secrets found on the server)\n' "python boto3 loop, $count create_secret" "$boto3_s" "$boto3_n"
python3 - "$tresor_s" "$boto3_s" <<'PY'
import sys
t, b = map(float, sys.argv[1:])
print(f"boto3 / tresor = {b / t:.2f}x (target >= 1.5x)")
PY
