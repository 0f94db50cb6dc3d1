#!/usr/bin/env bash
# Fails when `make manifests generate fmt` changes the tree: the CRDs, the
# role, the DeepCopy code and the formatting must be committed as generated.
# It compares the tree before and after, so that work in progress that is
# already up to date does not count.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
make="${MAKE:-make}"

# One line per file that differs from HEAD or is untracked: its hash and path.
state() {
  { git diff --name-only HEAD; git ls-files --others --exclude-standard; } | sort -u |
    while IFS= read -r f; do
      if [[ -e "$f" ]]; then echo "$(git hash-object -- "$f") $f"; else echo "deleted $f"; fi
    done
}

before="$(state)"
"$make" --no-print-directory manifests generate fmt >/dev/null
after="$(state)"
if [[ "$before" != "$after" ]]; then
  echo "make verify: the generated files or the formatting are out of date:" >&2
  diff <(echo "$before") <(echo "$after") | sed -n 's/^[<>] [^ ]* //p' | sort -u | sed 's/^/    /' >&2
  echo "Run 'make manifests generate fmt' and commit the result." >&2
  exit 1
fi
echo "make verify: generated files and formatting are up to date."
