#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/Targets with AddressSanitizer into .build-fuzz (apart
# from the ordinary build) and runs each on its corpus for SECONDS.
#
#   Fuzz/run.sh SECONDS [TARGET...]     every target, or the ones named (Manifest, Names, …)
#   FUZZ_JOBS=2 Fuzz/run.sh 600          two targets at a time
#
# FUZZ_TIMEOUT (default 1) is the most seconds of CPU time one input may take (checked by
# each target, so a loaded machine cannot fail it); libFuzzer's wall-clock -timeout, ten
# times that, catches an input that never returns. Any crash, leak, timeout
# or property failure fails the run, and libFuzzer leaves the input under
# Fuzz/Findings/<target>/; reproduce it with `.build-fuzz/release/Fuzz<target> <file>`.
# New inputs the fuzzer finds go to .build-fuzz/corpus/<target>, not into git. Every seed
# is also run once grown to just under 1 MiB, each within FUZZ_LARGE_TIMEOUT (five times
# FUZZ_TIMEOUT, for the instrumentation; see below). FUZZ_SEED fixes
# libFuzzer's seed; FUZZ_REPLAY=1 runs the seeds only (what `make test` does).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: Fuzz/run.sh SECONDS [TARGET...]}
shift
timeout=${FUZZ_TIMEOUT:-1}
export FUZZ_CPU_SECONDS=$timeout
wall_timeout=$((timeout * 10))
# The seeds grown to 1 MiB get five times the budget: coverage counters and AddressSanitizer
# make the loader about ten times slower than the release build (a 1 MiB manifest: 0.09 s
# in `tresor validate`, up to 1.2 s here on a loaded machine). The product's own bound, 1 s
# on the release build, is measured by `make bench` (large-manifests).
large_timeout=${FUZZ_LARGE_TIMEOUT:-$((timeout * 5))}
seed_option=()
if [ -n "${FUZZ_SEED:-}" ]; then seed_option=(-seed="$FUZZ_SEED"); fi
# FUZZ_REPLAY=1: run every seed (and every seed grown to 1 MiB) once, without mutating:
# the same inputs on every machine, so a smoke run checks the build, not its luck.
length_option=(-max_total_time="$seconds")
if [ -n "${FUZZ_REPLAY:-}" ]; then length_option=(-runs=0); fi
scratch=.build-fuzz
# Swift's own crash reporter would inspect the process beside AddressSanitizer's.
export SWIFT_BACKTRACE=enable=no
# Lazily made globals (`static let`) are kept for the process; their Swift enum payloads
# hide the pointer from LeakSanitizer, which would report them as leaks.
export LSAN_OPTIONS=suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0

# Release, so that times are the product's and not -Onone's; testable, because the
# parsers' entry points are internal to their modules.
# The combined -sanitize=fuzzer,address last: the Swift driver keeps only the last
# -sanitize= it is given, and SwiftPM passes --sanitize=fuzzer and --sanitize=address as two,
# which left every Swift module without coverage (libFuzzer then mutates blind).
swift build --package-path Fuzz --scratch-path "$scratch" -c release \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing || exit 1
# A build whose Swift code has no coverage counters would still run, and find nothing.
# (grep reads all of nm's output: with -q, nm's SIGPIPE would fail the pipefail pipeline.)
if ! nm "$scratch"/release/TresorCore.build/YAMLParser.swift.o 2> /dev/null | grep __sanitizer_cov > /dev/null; then
    echo "the Swift modules were built without coverage instrumentation; libFuzzer would run blind" >&2
    exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(ls Fuzz/Targets)
fi

dictionary() {
    case $1 in
        Manifest | StatusFile | Inventory | ApprovalFile) echo "-dict=Fuzz/Dictionaries/yaml.dict" ;;
        AuditLine | HashiCorpResponse | AWSResponse | CloudResponse | LocalVaultFile) echo "-dict=Fuzz/Dictionaries/json.dict" ;;
    esac
}

# Each seed repeated to just under 1 MiB: one input a target must still finish in time.
grow() {
    python3 -c 'import sys
seed = open(sys.argv[1], "rb").read()
if seed: open(sys.argv[2], "wb").write((seed * (1048575 // len(seed) + 1))[:1048575])' "$1" "$2"
}

# One target: its fuzzing run, then its seeds grown to 1 MiB. Prints what it did; the
# failures go to $scratch/<target>.failed.
fuzz_target() {
    local target=$1
    local binary=$scratch/release/Fuzz$target corpus=Fuzz/Corpus/$target work=$scratch/corpus/$target
    local large=$scratch/large/$target findings=Fuzz/Findings/$target/
    rm -f "$scratch/$target.failed"
    mkdir -p "$work" "$large" "$findings" "$corpus"
    echo "== $target: ${seconds}s"
    # shellcheck disable=SC2046
    if ! "$binary" "$work" "$corpus" $(dictionary "$target") "${seed_option[@]}" "${length_option[@]}" -timeout="$wall_timeout" \
        -rss_limit_mb=2048 -artifact_prefix="$findings" -print_final_stats=1 2> "$scratch/$target.log"; then
        echo "$target" >> "$scratch/$target.failed"
        tail -n 40 "$scratch/$target.log"
        return
    fi
    grep -E "^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$scratch/$target.log" | tr '\n' ' '
    echo
    rm -f "$large"/*
    for seed in "$corpus"/*; do [ -f "$seed" ] && grow "$seed" "$large/$(basename "$seed")"; done
    if compgen -G "$large/*" > /dev/null && ! FUZZ_CPU_SECONDS=$large_timeout "$binary" -timeout=$((large_timeout * 10)) -rss_limit_mb=2048 \
        -artifact_prefix="$findings" "$large"/* 2> "$scratch/$target.large.log"; then
        echo "$target (1 MiB inputs)" >> "$scratch/$target.failed"
        tail -n 40 "$scratch/$target.large.log"
    fi
}

# FUZZ_JOBS targets at a time (default 1), each still for SECONDS; their reports are
# printed in order once each has finished.
jobs=${FUZZ_JOBS:-1}
running=0
for target in "${targets[@]}"; do
    if [ "$jobs" -le 1 ]; then
        fuzz_target "$target"
        continue
    fi
    fuzz_target "$target" > "$scratch/$target.out" 2>&1 &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait
failed=()
for target in "${targets[@]}"; do
    if [ "$jobs" -gt 1 ]; then cat "$scratch/$target.out"; fi
    if [ -f "$scratch/$target.failed" ]; then mapfile -t -O "${#failed[@]}" failed < "$scratch/$target.failed"; fi
done

# Empty findings directories are noise; what is left is a reproducer.
find Fuzz/Findings -mindepth 1 -type d -empty -delete 2> /dev/null
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing failed: ${failed[*]}; reproducers are under Fuzz/Findings/" >&2
    exit 1
fi
echo "fuzzing: ${#targets[@]} targets ran clean"
