#!/usr/bin/env bash
# Builds tresor's OCI image from scratch with buildah and writes it as an OCI archive.
# Usage: scripts/build-image.sh BINARY ARCHIVE
# No registry is pulled from: the image holds the binary (a --static-swift-stdlib build),
# the shared libraries ldd names for it, the dynamic loader, CA certificates, and a
# non-root user (65532, as the Kubernetes deployment's securityContext runs it).
set -euo pipefail
binary=${1:?usage: build-image.sh BINARY ARCHIVE}
archive=${2:?usage: build-image.sh BINARY ARCHIVE}
uid=65532

# vfs and chroot isolation: they need no overlay mounts, user namespaces or systemd,
# so the build also runs inside an unprivileged container (a CI runner).
buildah=(buildah --storage-driver vfs)
export BUILDAH_ISOLATION=chroot

root=$(mktemp -d)
chmod 0755 "$root"   # it becomes the image's /, which the non-root user must traverse
container=
cleanup() {
    if [ -n "$container" ]; then "${buildah[@]}" rm "$container" >/dev/null || true; fi
    rm -rf "$root"
}
trap cleanup EXIT

install -D -m 0755 "$binary" "$root/usr/local/bin/tresor"
# Each library at the path ldd resolved it to (symlinks followed), and the loader the
# binary names in its PT_INTERP, each with the mode it has here (the loader must be executable).
ldd "$binary" | awk '/=> \// { print $3 } /^\t\// { print $1 }' | while read -r library; do
    file=$(readlink -f "$library")
    install -D -m "$(stat -c %a "$file")" "$file" "$root$library"
done
if ldd "$binary" | grep -q 'libswift'; then
    echo "build-image.sh: $binary links the Swift runtime dynamically; build it with --static-swift-stdlib (make release)" >&2
    exit 1
fi
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
install -d -m 0755 "$root/etc"
printf 'root:x:0:0:root:/root:/sbin/nologin\ntresor:x:%s:%s:tresor:/var/lib/tresor:/sbin/nologin\n' "$uid" "$uid" > "$root/etc/passwd"
printf 'root:x:0:\ntresor:x:%s:\n' "$uid" > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
install -d -m 1777 "$root/tmp"
install -d -m 0700 "$root/var/lib/tresor"
chown "$uid:$uid" "$root/var/lib/tresor"

version=$("$binary" --version | awk 'NR == 1 { print $2 }')
container=$("${buildah[@]}" from scratch)
# Copied into the mounted root file system, not with `buildah copy`: ownership is kept
# (the state directory belongs to the tresor user).
mount=$("${buildah[@]}" mount "$container")
cp -a "$root/." "$mount/"
"${buildah[@]}" umount "$container" >/dev/null
"${buildah[@]}" config \
    --user "$uid:$uid" --workingdir /var/lib/tresor \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --entrypoint '["/usr/local/bin/tresor"]' --cmd '["--help"]' \
    --port 9464 \
    --label org.opencontainers.image.title=tresor --label "org.opencontainers.image.version=$version" \
    "$container"
"${buildah[@]}" commit --quiet --rm "$container" "localhost/tresor:$version" >/dev/null
container=
mkdir -p "$(dirname "$archive")"
rm -f "$archive"
"${buildah[@]}" push --quiet "localhost/tresor:$version" "oci-archive:$archive:tresor:$version"
"${buildah[@]}" rmi "localhost/tresor:$version" >/dev/null
echo "image tresor:$version written to $archive"
