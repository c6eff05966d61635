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

PREFIX ?= /usr/local
IMAGE_ARCHIVE ?= .build/tresor-image.tar

.PHONY: all build test demo bench fuzz clean release install image test-deploy

all: build

build:
	@scripts/ensure-deps.sh build
	$(SWIFT) build

## Installs what the tests need, builds once, checks the schemas, runs every test, runs
## the CLI tests again with the state in etcd, then runs each fuzz target over its seed
## corpus (its own sanitized build in .build-fuzz).
test:
	@scripts/ensure-deps.sh test
	$(SWIFT) build --build-tests
	python3 scripts/check-schemas.py examples
	TRESOR_BAO="$$(command -v bao || python3 -c 'import os, sysconfig; print(os.path.join(sysconfig.get_path("scripts"), "bao"))')" \
		$(SWIFT) test --skip-build
	scripts/cli-tests-on-etcd.sh
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
## BENCH_SCALE=100000: instead, the local vault at 1,000, 10,000 and that many secrets, and
## the cost per secret as it grows.
bench:
	@scripts/ensure-deps.sh build
	$(SWIFT) build -c release --product tresor
	$(SWIFT) build -c release --product TresorBench
ifneq ($(BENCH_SCALE),)
	.build/release/TresorBench --tresor .build/release/tresor --scale $(BENCH_SCALE)
else
	Benchmarks/openbao-bench.sh .build/release/tresor
	Benchmarks/openbao-new-first-bench.sh .build/release/tresor
	Benchmarks/aws-bench.sh .build/release/tresor
	Benchmarks/cloud-fakes-bench.sh .build/release/tresor
	Benchmarks/etcd-bench.sh .build/release/tresor
	.build/release/TresorBench --tresor .build/release/tresor
endif

## Every libFuzzer target in Fuzz/Targets for FUZZ_SECONDS each, with AddressSanitizer,
## built apart in .build-fuzz; fails on any finding and leaves it under Fuzz/Findings/.
fuzz:
	@scripts/ensure-deps.sh build
	Fuzz/run.sh $(FUZZ_SECONDS)

## A release build with the Swift runtime linked in (--static-swift-stdlib): it runs on a
## Debian host without the toolchain, needing only libcurl, libyaml, libstdc++ and libc (ldd shows them).
## Built in a directory of its own, so debug builds and `make bench` neither wait for it
## nor relink it.
STATIC := .build-static/release/tresor
release:
	@scripts/ensure-deps.sh build
	$(SWIFT) build -c release --static-swift-stdlib --product tresor --scratch-path .build-static

## The release binary, its manual page and shell completions under $(PREFIX) (and $(DESTDIR)).
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(STATIC) $(DESTDIR)$(PREFIX)/bin/tresor
	$(STATIC) man > $(DESTDIR)$(PREFIX)/share/man/man1/tresor.1
	$(STATIC) completion bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tresor
	$(STATIC) completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_tresor
	$(STATIC) completion fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/tresor.fish

## An OCI image from scratch (buildah, no registry): the release binary, the shared
## libraries it needs, CA certificates and a non-root user; written to $(IMAGE_ARCHIVE).
image: release
	@scripts/ensure-deps.sh image
	scripts/build-image.sh $(STATIC) $(IMAGE_ARCHIVE)

## The release build's own tests (10-20 minutes more than `make test`, most of it the
## release build): the installed binary without the toolchain, and the image.
test-deploy:
	@scripts/ensure-deps.sh deploy
	$(MAKE) image
	$(MAKE) install PREFIX=$(CURDIR)/.build/prefix DESTDIR=
	$(SWIFT) build --build-tests
	TRESOR_INSTALLED_BINARY=$(CURDIR)/.build/prefix/bin/tresor TRESOR_IMAGE_ARCHIVE=$(abspath $(IMAGE_ARCHIVE)) \
		$(SWIFT) test --skip-build --filter 'InstalledBinaryTests|ImageTests'

clean:
	rm -rf .build .build-fuzz .build-static
