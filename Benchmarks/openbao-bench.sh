#!/usr/bin/env bash
# `make bench`, OpenBao creates: on one OpenBao dev server, tresor creating 1,000 secrets
# against a Python hvac loop (plain writes, and for context tresor's own requests), a
# shell loop of `bao kv put` (100 writes) and the raw limit: curl sending tresor's own
# requests, as many at once as tresor; a no-change re-plan whose requests are counted by
# a proxy in front of the server; then tresor creating 10,000 secrets against that raw
# limit for its own requests for them (target: within 1.3x) and against the raw limit
# with the durability floor beside it (status-floor.c: the status files and audit lines
# tresor writes, as file operations only), three rounds, every run on an
# empty server of its own.
#
# tresor's requests are recorded first (an apply of the 10,000 through the proxy, to a
# prefix of its own): per new secret, the data write with cas 0, then the mark in
# custom_metadata. The peers that stand for "the same work" send those very bodies, and
# what every peer wrote is counted and checked on the server afterwards.
#
# tresor writes a status file per secret (created, fsync'd, renamed into place). On ext4
# that creation is several times slower for some minutes after many files were deleted
# nearby (the inode allocator skips recently freed inodes: `recently_deleted` in a
# profile), so run this on a machine that has not just deleted many files.
set -euo pipefail
tresor=$(realpath "${1:-.build/release/tresor}")
python3 -c 'import hvac' 2>/dev/null || python3 -m pip install -q hvac
source "$(dirname "$0")/openbao-support.sh"

# 1,000 and 10,000 Secret manifests (s0 … s9999; the first 1,000 are the 1,000).
write_profile "$work/m" "$BAO_ADDR" tresor-bench
write_secrets "$work/m/secrets.yaml" 0 1000
write_secrets "$work/secrets-10000.yaml" 0 10000

start_proxy
# tresor's requests for the 10,000; the peers at 1,000 send those of s0 … s999.
record_requests "$tresor" "$work/secrets-10000.yaml" 10000 "$work/requests-10000.json"
python3 - "$work/requests-10000.json" "$work/requests.json" <<'PY'
import json, sys
per_secret = json.load(open(sys.argv[1]))
json.dump({f"s{i}": per_secret[f"s{i}"] for i in range(1000)}, open(sys.argv[2], "w"))
PY

# Runs a command with its standard output to a file; prints the CPU seconds (user +
# system) it used, from its rusage as a child.
cpu_of() {  # output file, command…
    python3 - "$@" <<'PY'
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    subprocess.run(sys.argv[2:], stdout=out, check=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{usage.ru_utime + usage.ru_stime:.2f}")
PY
}

# A tresor apply, timed: tresor_s, and the CPU seconds of the apply and of the server
# over the same time.
timed_apply() {  # manifests directory, state directory
    local bao_before start end
    # The kernel's write-back of the run before is not this run's.
    sync
    bao_before=$(server_cpu)
    start=$(now)
    tresor_cpu=$(cpu_of /dev/null "$tresor" apply -f "$1" --state-dir "$2")
    end=$(now)
    tresor_s=$(elapsed "$start" "$end")
    tresor_bao_cpu=$(python3 -c "print(f'{$(server_cpu) - $bao_before:.2f}')")
}

# The raw limit: curl sending tresor's recorded requests to a prefix, 32 at once as
# tresor's engine does: every data write, then every mark (each mark after its secret's
# data write). Sets curl_s, curl's CPU seconds and the server's over it; every answer is
# checked.
curl_limit() {  # recorded requests (JSON), prefix, count[, directory for the durability floor]
    python3 - "$1" "$BAO_ADDR" "$token" "$work/curl-$2" "$2" <<'PY'
import json, sys
per_secret, address, token, files, prefix = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
for step in (0, 1):
    with open(f"{files}-{step}.cfg", "w") as out:
        transfers = []
        for name, requests in per_secret.items():
            request = requests[step]
            transfers.append("\n".join([
                f'url = "{address}/v1/secret/{request["kind"]}/{prefix}/{name}"', 'request = "POST"',
                f'header = "X-Vault-Token: {token}"', f'data = {quoted(request["body"])}', 'output = "/dev/null"',
                'write-out = "%{http_code}\\n"']))
        out.write("\nnext\n".join(transfers) + "\n")
PY
    local bao_before start end step code answered floor_pid=""
    [ -z "${4:-}" ] || mkdir -p "$4"
    sync
    bao_before=$(server_cpu)
    start=$(now)
    # With a directory: the status files tresor would write for these secrets, written
    # by status-floor.c at the same time (32 at once, a real status's size), and the
    # audit lines (as many per secret as tresor's, of their size) appended beside them.
    [ -z "${4:-}" ] || {
        "$work/status-floor" "$4" "$3" 32 "$status_size" "$audit_lines" "$audit_line_size" &
        floor_pid=$!
    }
    # One wrapper for both steps, as one for tresor's apply (its start is timed too).
    curl_cpu=$(cpu_of /dev/null sh -c 'for step in 0 1; do
        curl --no-progress-meter --parallel --parallel-max 32 -K "$1-$step.cfg" >"$1-$step.codes" || exit 1; done' sh "$work/curl-$2")
    [ -z "$floor_pid" ] || wait "$floor_pid"
    end=$(now)
    curl_s=$(elapsed "$start" "$end")
    curl_bao_cpu=$(python3 -c "print(f'{$(server_cpu) - $bao_before:.2f}')")
    for step_codes in "0 200" "1 204"; do
        read -r step code <<<"$step_codes"
        answered=$(grep -c "^$code\$" "$work/curl-$2-$step.codes" || true)
        [ "$answered" = "$3" ] || { echo "curl: $answered of $3 requests of step $step answered $code" >&2; exit 1; }
    done
}

timed_apply "$work/m" "$work/state"
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

curl_limit "$work/requests.json" curl-bench 1000
check_prefix curl-bench 1000 marked

tresor_1k_s=$tresor_s tresor_1k_cpu=$tresor_cpu tresor_1k_bao_cpu=$tresor_bao_cpu curl_1k_s=$curl_s curl_1k_bao_cpu=$curl_bao_cpu

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

# 10,000 creates against the raw limit for exactly tresor's requests for them, three
# rounds; every run on an empty server of its own (the server's CPU per request grows
# with what it holds: four curl runs in a row on one server took 5.7, 5.4, 6.3, 6.6 s):
# curl alone, curl beside the durability floor (what one durable status file and the audit
# lines per secret cost the file system, nothing else of tresor's), then tresor. Medians count:
# on this machine the same run varies by a tenth and more from minute to minute.
cc=$(command -v cc || command -v clang || true)
[ -n "$cc" ] || { echo "the durability floor needs a C compiler: cc, or the Swift toolchain's clang on PATH" >&2; exit 1; }
"$cc" -O2 -pthread -o "$work/status-floor" "$(dirname "$0")/status-floor.c"
status_size=$(wc -c <"$work/state/status/Secret/s0.yaml")
# The 1,000 creates' audit lines: how many per secret, and their average size.
read -r audit_lines audit_line_size < <(python3 - "$work/state/audit.log" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().splitlines(keepends=True)
print(round(len(lines) / 1000), round(sum(map(len, lines)) / len(lines)))
PY
)
scale_runs=""
for round in 1 2 3; do
    restart_server
    curl_limit "$work/requests-10000.json" "curl-scale-$round" 10000
    check_prefix "curl-scale-$round" 10000 marked
    round_curl="$curl_s $curl_cpu $curl_bao_cpu"
    restart_server
    curl_limit "$work/requests-10000.json" "floor-scale-$round" 10000 "$work/floor-$round"
    check_prefix "floor-scale-$round" 10000 marked
    [ "$(find "$work/floor-$round" -name 's*.yaml' | wc -l)" = 10000 ] || { echo "status-floor did not leave 10,000 files" >&2; exit 1; }
    [ "$(wc -l <"$work/floor-$round/audit.log")" = $((10000 * audit_lines)) ] || { echo "status-floor did not append the audit lines" >&2; exit 1; }
    round_floor="$curl_s"
    restart_server
    write_profile "$work/m10k-$round" "$BAO_ADDR" "tresor-scale-$round"
    cp "$work/secrets-10000.yaml" "$work/m10k-$round/secrets.yaml"
    timed_apply "$work/m10k-$round" "$work/state10k-$round"
    check_prefix "tresor-scale-$round" 10000 marked
    scale_runs+="$round_curl $round_floor $tresor_s $tresor_cpu $tresor_bao_cpu"$'\n'
done

printf '%-52s %8s s\n' "tresor apply, 1,000 secrets (create)" "$tresor_1k_s"
printf '%-52s %8s s\n' "python hvac loop, 1,000 writes" "$hvac_s"
printf '%-52s %8s s   (tresor'"'"'s requests, one at a time; context)\n' "python hvac loop, 1,000 marked creates" "$hvac_marked_s"
printf '%-52s %8s s   (%s s per write)\n' "bao kv put loop, 100 writes" "$cli_s" "$(python3 -c "print(f'{$cli_s/100:.3f}')")"
printf '%-52s %8s s   (tresor'"'"'s 2,000 requests, 32 at once; raw limit)\n' "curl --parallel 32, 1,000 marked creates" "$curl_1k_s"
printf '%-52s %8s s   exit %s, %s reads, %s writes for 1,000 secrets x 1 target\n' \
    "tresor plan, no change, 1,000 secrets" "$plan_s" "$plan_exit" "$reads" "$writes"
python3 - "$tresor_1k_s" "$hvac_s" "$curl_1k_s" "$tresor_1k_cpu" "$tresor_1k_bao_cpu" "$curl_1k_bao_cpu" "$(nproc)" "$hvac_marked_s" \
    "$scale_runs" <<'PY'
import sys
t, h, c, tresor_cpu, tresor_bao_cpu, curl_bao_cpu, cores, hm = map(float, sys.argv[1:9])
rounds = [list(map(float, line.split())) for line in sys.argv[9].splitlines()]
print(f"tresor / raw curl (same requests, same concurrency) = {t / c:.2f}x (target <= 3x);  hvac / tresor = {h / t:.2f}x (target >= 3x)")
# hvac writes no mark: half of tresor's requests. Even the raw limit for tresor's own
# requests beats the hvac loop by only this much, so the 3x above cannot be reached here.
print(f"  ceiling for hvac / tresor on this machine: hvac / raw curl = {h / c:.2f}x")
print(f"for the same requests one at a time: hvac marked creates / tresor = {hm / t:.2f}x")
# Where the apply's time goes: tresor and the server share the machine's cores.
print(f"CPU during the apply: tresor {tresor_cpu:.2f} s, OpenBao {tresor_bao_cpu:.2f} s, "
      f"of {cores:.0f} cores x {t:.2f} s = {cores * t:.2f} s; "
      f"OpenBao for the same 2,000 requests from curl: {curl_bao_cpu:.2f} s")
for number, (cs, c_cpu, c_bao, fs, ts, t_cpu, t_bao) in enumerate(rounds, 1):
    print(f"10,000 creates, round {number}: curl --parallel 32 (tresor's 20,000 requests) {cs:.2f} s "
          f"(CPU: curl {c_cpu:.2f} s, OpenBao {c_bao:.2f} s); with the durability floor beside it {fs:.2f} s = {fs / cs:.2f}x; "
          f"tresor apply {ts:.2f} s = {ts / cs:.2f}x (CPU: tresor {t_cpu:.2f} s, OpenBao {t_bao:.2f} s)")
median = lambda values: sorted(values)[len(values) // 2]
# Each round's runs follow each other within seconds, and the machine's speed drifts by a
# third and more over minutes: the ratios are taken within a round, then their median.
c10, f10, t10 = (median([r[i] for r in rounds]) for i in (0, 3, 4))
floor_ratio, tresor_ratio = (median([r[i] / r[0] for r in rounds]) for i in (3, 4))
print(f"10,000 creates, median of {len(rounds)}: raw curl {c10:.2f} s; curl + the durability floor (status file and audit "
      f"lines per secret) {f10:.2f} s; tresor {t10:.2f} s. Within a round, the median: floor {floor_ratio:.2f}x, "
      f"tresor {tresor_ratio:.2f}x the raw curl (target <= 1.3x: {'met' if tresor_ratio <= 1.3 else 'NOT met'})")
print(f"  1.3x leaves tresor {1.3 - floor_ratio:.2f}x of the raw curl's time beyond the durability floor for the rest "
      f"of its work (reading and checking the manifests, planning, fingerprints, encoding, its HTTP client); "
      f"it takes {tresor_ratio - floor_ratio:.2f}x")
PY
