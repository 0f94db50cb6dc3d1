#!/usr/bin/env bash
# Builds the operator's OCI image without a Docker daemon, as `make image`
# does: the manager is built here as a static binary, then buildah (or
# podman) puts it FROM scratch (Dockerfile.prebuilt) and writes the image as
# an OCI archive. Nothing is downloaded: no base image, no Go toolchain image.
#
#   IMG      image name and tag         (incident-operator:dev)
#   ARCHIVE  the OCI archive to write   (bin/incident-operator.tar)
#   GOARCH   the architecture           (the host's)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

img="${IMG:-incident-operator:dev}"
archive="${ARCHIVE:-bin/incident-operator.tar}"
go="${GO:-go}"
arch="${GOARCH:-$("$go" env GOARCH)}"
stage=bin/image

if command -v buildah >/dev/null; then
  tool=buildah
elif command -v podman >/dev/null; then
  tool=podman
else
  echo "make image needs buildah or podman (Debian: apt-get install buildah); no Docker daemon is needed." >&2
  exit 1
fi

rm -rf "$stage" && mkdir -p "$stage/rootfs/etc/ssl/certs"
echo "building the manager (./cmd) for linux/$arch, static"
CGO_ENABLED=0 GOOS=linux GOARCH="$arch" "$go" build -trimpath -ldflags="-s -w" -o "$stage/manager" ./cmd

# The CA bundle: the manager delivers to HTTPS receivers (NotificationChannels).
ca=""
for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
  if [[ -s "$f" ]]; then ca="$f"; break; fi
done
if [[ -z "$ca" ]]; then
  echo "no CA bundle on this machine (Debian: apt-get install ca-certificates)" >&2
  exit 1
fi
cp "$ca" "$stage/rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/:/sbin/nologin\n' >"$stage/rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$stage/rootfs/etc/group"
chmod 0755 "$stage/manager"
chmod 0644 "$stage/rootfs/etc/passwd" "$stage/rootfs/etc/group" "$stage/rootfs/etc/ssl/certs/ca-certificates.crt"

# Reproducible: every time in the image is the last commit's.
epoch="$(git log -1 --format=%ct 2>/dev/null || echo 0)"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
labels=(
  --label org.opencontainers.image.title=incident-operator
  --label org.opencontainers.image.description="Kubernetes operator for the public-internet cybersecurity emergency plan"
  --label org.opencontainers.image.revision="$revision"
)

rm -f "$archive"
case "$tool" in
buildah)
  buildah bud --format oci --timestamp "$epoch" --platform "linux/$arch" "${labels[@]}" \
    -t "$img" -f Dockerfile.prebuilt "$stage"
  buildah push --format oci "$img" "oci-archive:$archive:$img"
  ;;
podman)
  podman build --format oci --timestamp "$epoch" --platform "linux/$arch" "${labels[@]}" \
    -t "$img" -f Dockerfile.prebuilt "$stage"
  podman save --format oci-archive -o "$archive" "$img"
  ;;
esac
echo "$img: $archive ($(du -h "$archive" | cut -f1)), built with $tool"
