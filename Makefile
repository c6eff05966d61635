# tresor: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
ifneq ($(wildcard /opt/swift/usr/bin/swift),)
export PATH := /opt/swift/usr/bin:$(PATH)
endif
SWIFT ?= swift
# The commit `tresor --version` and tresor_build_info name (Package.swift reads it; a
# new value also makes SwiftPM read the manifest again, so the commit is never stale).
export TRESOR_GIT_COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
DEMO_STATE := .build/demo-state
FUZZ_SECONDS ?= 60

.PHONY: all build test demo bench fuzz clean

all: build

build:
	@scripts/ensure-deps.sh build
	$(SWIFT) build

## Installs what the tests need, builds once, checks the schemas, runs every test, then
## runs each fuzz target over its seed corpus (its own sanitized build in .build-fuzz).
test:
	@scripts/ensure-deps.sh test
	$(SWIFT) build --build-tests
	python3 scripts/check-schemas.py examples
	TRESOR_BAO="$$(command -v bao || python3 -c 'import os, sysconfig; print(os.path.join(sysconfig.get_path("scripts"), "bao"))')" \
		$(SWIFT) test --skip-build
	FUZZ_TIMEOUT=10 FUZZ_REPLAY=1 Fuzz/run.sh 0

## Builds tresor, applies examples/quickstart to the embedded local vault and shows
## the result. Run it again: the second apply finds nothing to change.
demo:
	@scripts/ensure-deps.sh build
	$(SWIFT) build --product tresor
	.build/debug/tresor validate examples/quickstart --list
	.build/debug/tresor apply -f examples/quickstart --state-dir $(DEMO_STATE)
	@echo
	.build/debug/tresor get secrets --state-dir $(DEMO_STATE)
	@echo
	.build/debug/tresor describe secret demo-db --state-dir $(DEMO_STATE)

## Release-build benchmarks; prints time and peak memory (and, on the contract fakes,
## tresor against a Python requests loop; on etcd, the state store side by side with a
## directory and the failover time). The vault benchmarks go first:
## ext4 creates files slowly for minutes after many were deleted nearby (TresorBench
## deletes its 40,000 files when it ends), and their applies create a file per secret.
bench:
	@scripts/ensure-deps.sh build
	$(SWIFT) build -c release --product tresor
	$(SWIFT) build -c release --product TresorBench
	Benchmarks/openbao-bench.sh .build/release/tresor
	Benchmarks/aws-bench.sh .build/release/tresor
	Benchmarks/cloud-fakes-bench.sh .build/release/tresor
	Benchmarks/etcd-bench.sh .build/release/tresor
	.build/release/TresorBench --tresor .build/release/tresor

## Every libFuzzer target in Fuzz/Targets for FUZZ_SECONDS each, with AddressSanitizer,
## built apart in .build-fuzz; fails on any finding and leaves it under Fuzz/Findings/.
fuzz:
	@scripts/ensure-deps.sh build
	Fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build .build-fuzz
