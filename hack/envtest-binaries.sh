#!/usr/bin/env bash
# Builds the control-plane binaries that envtest and `make run` need
# (kube-apiserver, kube-controller-manager, kubectl, etcd) from their Go
# modules, because their usual
# prebuilt downloads are not reachable from our machines. Only the Go module
# proxy is used. Output: bin/k8s/<k8s version>-<os>-<arch>/, printed on stdout.
# A second run with the binaries in place does nothing.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
goos="$(go env GOOS)"
goarch="$(go env GOARCH)"
dest="${ENVTEST_BIN_DIR:-$root/bin/k8s}/${K8S_VERSION}-${goos}-${goarch}"
stamp="$dest/.versions"
want="kube=${K8S_VERSION} etcd=${ETCD_VERSION}"

kube_cmds=(kube-apiserver kube-controller-manager kubectl)
have_all() {
  local b
  for b in "${kube_cmds[@]}" etcd; do [[ -x "$dest/$b" ]] || return 1; done
}
if have_all && [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
  echo "$dest"
  exit 0
fi

log() { echo "envtest-binaries: $*" >&2; }
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOWORK=off

# --- kube-apiserver and kubectl -------------------------------------------
# k8s.io/kubernetes points its staging modules at ./staging/src; a module that
# requires it must replace each of them with the published v0.<minor>.<patch>.
kube="$work/kube"
mkdir -p "$kube"
(
  cd "$kube"
  go mod init envtest.local/kube >/dev/null 2>&1
  modfile="$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  staging_version="v0.${K8S_VERSION#1.}"
  go mod edit -require="k8s.io/kubernetes@v${K8S_VERSION}"
  grep -oE 'k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$modfile" | awk '{print $1}' | sort -u |
    while read -r m; do go mod edit -replace="${m}=${m}@${staging_version}"; done
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  log "resolving k8s.io/kubernetes v${K8S_VERSION} modules"
  go mod tidy -e >/dev/null 2>&1 || true
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v${K8S_VERSION}" >/dev/null
  major="${K8S_VERSION%%.*}"; rest="${K8S_VERSION#*.}"; minor="${rest%%.*}"
  ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X ${pkg}.gitVersion=v${K8S_VERSION} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
  done
  for cmd in "${kube_cmds[@]}"; do
    # A binary already built for these versions is kept (a tree that had
    # only the first three gains kube-controller-manager alone).
    if [[ -x "$dest/$cmd" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then continue; fi
    log "building $cmd v${K8S_VERSION} (several minutes on a cold cache)"
    go build -trimpath -ldflags "$ld" -o "$dest/$cmd" "k8s.io/kubernetes/cmd/$cmd"
  done
)

# --- etcd -----------------------------------------------------------------
etcd="$work/etcd"
mkdir -p "$etcd"
(
  cd "$etcd"
  go mod init envtest.local/etcd >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" >/dev/null 2>&1
  if [[ -x "$dest/etcd" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then exit 0; fi
  log "building etcd v${ETCD_VERSION}"
  go build -trimpath -ldflags "-s -w" -o "$dest/etcd" go.etcd.io/etcd/server/v3
)

echo "$want" > "$stamp"
log "done: $("$dest/kube-apiserver" --version) / $("$dest/kubectl" version --client 2>/dev/null | head -1) / $("$dest/etcd" --version | head -1)"
echo "$dest"
