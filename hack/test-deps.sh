#!/usr/bin/env bash
# Installs what some tests need besides Go, where they run (Debian, Ubuntu):
#   chromium        prints the annex form to PDF (internal/form: one A4 page)
#   fonts-noto-cjk  a Chinese font, so that the form prints characters, not boxes
#   poppler-utils   pdfinfo and pdftotext, to count and read the printed pages
#   axe-core        (npm, pinned, into bin/test-deps/node_modules) the board's
#                   accessibility check in the browser (test/board)
# Idempotent and quick when everything is there: it only checks. Without
# apt-get, or when the install fails (no network), it says what is missing
# and exits 0: those tests then skip, saying why. TEST_DEPS_STRICT=1 makes
# a failed install fail.
set -euo pipefail

need=()
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
  need+=(chromium)
fi
if ! command -v fc-list >/dev/null || [[ -z "$(fc-list :lang=zh family 2>/dev/null)" ]]; then
  need+=(fonts-noto-cjk)
fi
if ! command -v pdfinfo >/dev/null || ! command -v pdftotext >/dev/null; then
  need+=(poppler-utils)
fi

# axe-core, pinned, in a cache directory of the repository (not a global
# install), or $TEST_DEPS_DIR: test/board injects
# node_modules/axe-core/axe.min.js from there.
AXE_VERSION=4.14.1
deps="${TEST_DEPS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/bin/test-deps}"
axe_installed() {
  [[ -f "$deps/node_modules/axe-core/axe.min.js" ]] &&
    grep -q "\"version\": \"$AXE_VERSION\"" "$deps/node_modules/axe-core/package.json"
}
if ! axe_installed; then
  if command -v npm >/dev/null; then
    echo "hack/test-deps.sh: installing axe-core@$AXE_VERSION into $deps" >&2
    mkdir -p "$deps"
    npm install --prefix "$deps" --no-save --no-package-lock --no-audit --no-fund --silent "axe-core@$AXE_VERSION" >&2 ||
      echo "hack/test-deps.sh: npm install axe-core@$AXE_VERSION failed; the board's accessibility check will fail in CI, skip elsewhere." >&2
  else
    need+=(npm)
  fi
fi

if [[ ${#need[@]} -eq 0 ]]; then
  exit 0
fi

fail() {
  echo "hack/test-deps.sh: $1; the tests that need ${need[*]} will skip." >&2
  [[ "${TEST_DEPS_STRICT:-}" == 1 ]] && exit 1
  exit 0
}
command -v apt-get >/dev/null || fail "no apt-get here: install ${need[*]} yourself"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || fail "not root and no sudo: install ${need[*]} as root"
  sudo=(sudo -n)
fi
echo "hack/test-deps.sh: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null || fail "apt-get update failed"
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || fail "apt-get install ${need[*]} failed"
