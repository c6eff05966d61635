#!/usr/bin/env bash
# Runs the CLI test suites with the state in etcd instead of each test's --state-dir:
# starts a three-member etcd cluster on 127.0.0.1 free ports, runs
# `swift test --skip-build --filter <filter>` with TRESOR_TEST_STORE=etcd, and stops the
# members by pid (and removes their data) however the run ends.
# Usage: scripts/cli-tests-on-etcd.sh [filter]   (default: every CLI suite that runs on etcd)
set -euo pipefail
cd "$(dirname "$0")/.."

# Every CLI suite but the one that compares both stores itself; tests of the
# directory store's own files are skipped on etcd by their `.directoryStoreOnly` trait.
FILTER=${1:-'TresorCLITests'}
SKIP='StateStoreCommandTests'
ETCD=${TRESOR_ETCD:-$(command -v etcd || echo /usr/bin/etcd)}
DATA=$(mktemp -d "${TMPDIR:-/tmp}/tresor-cli-etcd-XXXXXX")
PIDS=()
stop() {
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$DATA"
}
trap stop EXIT

read -r -a PORTS <<<"$(python3 -c '
import socket
held = [socket.socket() for _ in range(6)]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))')"
CLUSTER="m0=http://127.0.0.1:${PORTS[1]},m1=http://127.0.0.1:${PORTS[3]},m2=http://127.0.0.1:${PORTS[5]}"
ENDPOINTS="http://127.0.0.1:${PORTS[0]},http://127.0.0.1:${PORTS[2]},http://127.0.0.1:${PORTS[4]}"
for member in 0 1 2; do
    client=${PORTS[$((member * 2))]} peer=${PORTS[$((member * 2 + 1))]}
    "$ETCD" --name "m$member" --data-dir "$DATA/m$member" \
        --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
        --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "$CLUSTER" --initial-cluster-state new --initial-cluster-token "$(basename "$DATA")" \
        >"$DATA/m$member.log" 2>&1 &
    PIDS+=($!)
done
# A write through the first member: the cluster has a quorum.
quorum=no
for _ in $(seq 1 180); do
    if curl -sf -X POST -d '{"key":"L3RyZXNvci10ZXN0L3F1b3J1bQ==","value":"b2s="}' "http://127.0.0.1:${PORTS[0]}/v3/kv/put" >/dev/null; then
        quorum=yes
        break
    fi
    sleep 0.5
done
if [ "$quorum" != yes ]; then
    echo "the etcd cluster did not form; its logs are in $DATA" >&2
    tail -n 20 "$DATA"/m*.log >&2
    exit 1
fi

TRESOR_TEST_STORE=etcd TRESOR_TEST_ETCD_ENDPOINTS="$ENDPOINTS" swift test --skip-build --filter "$FILTER" --skip "$SKIP"
