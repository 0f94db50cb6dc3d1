#!/usr/bin/env bash
# Prints, as a Markdown table, which of the module's packages each package
# (tests left out) imports: the drawing of docs/architecture.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mod=$(go list -m)
echo "| package | imports (of this module) |"
echo "| --- | --- |"
go list -f '{{.ImportPath}}|{{join .Imports " "}}' ./... | while IFS='|' read -r pkg imports; do
  case "$pkg" in "$mod"/test/*) continue ;; esac
  own=()
  for i in $imports; do
    case "$i" in "$mod"/*) own+=("\`${i#"$mod"/}\`") ;; esac
  done
  name=${pkg#"$mod"}; name=${name#/}
  echo "| \`${name:-.}\` | ${own[*]:-—} |"
done
