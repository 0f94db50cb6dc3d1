// Command typedtimes finishes the CRDs controller-gen writes: the times a
// reporter types by hand lose the schema's `format: date-time` (a maxLength
// takes its place). That format's refusal ("must be of type date-time")
// runs before any rule of ours and cannot say what to write. Each such
// field carries a CEL rule instead (its XValidation marker), which accepts
// only what Go's RFC 3339 reading accepts, as the operator decodes it, and
// whose message shows how to write one.
//
// It edits the YAML as text, so that the files stay as controller-gen
// writes them but for those lines, and a second run changes nothing.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// typed are the fields, by CRD file and the YAML line that opens each.
var typed = map[string][]string{
	"emergency.netsec.io_securityincidents.yaml": {
		"              occurredAt:",
		"              discoveredAt:",
	},
}

func main() {
	dir := "config/crd/bases"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	for file, fields := range typed {
		path := filepath.Join(dir, file)
		data, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		out, err := dropFormat(string(data), fields)
		if err != nil {
			fail(fmt.Errorf("%s: %w", path, err))
		}
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			fail(err)
		}
	}
}

// dropFormat replaces the `format: date-time` line of each field the lines
// of fields open (the first such line in the field's block, at the block's
// own indentation) with `maxLength: 64`, which bounds the cost of the
// field's rule.
func dropFormat(yaml string, fields []string) (string, error) {
	lines := strings.Split(yaml, "\n")
	for _, f := range fields {
		start := -1
		for i, l := range lines {
			if l == f {
				start = i
				break
			}
		}
		if start < 0 {
			return "", fmt.Errorf("no line %q", strings.TrimSpace(f))
		}
		indent := strings.Repeat(" ", len(f)-len(strings.TrimLeft(f, " "))+2)
		for i := start + 1; i < len(lines); i++ {
			l := lines[i]
			if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, indent) {
				break // the field's block ended: nothing to drop (a second run)
			}
			if l == indent+"format: date-time" {
				// In its place, a bound that keeps the rule's cost low.
				lines[i] = indent + "maxLength: 64"
				break
			}
		}
	}
	return strings.Join(lines, "\n"), nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "typedtimes:", err)
	os.Exit(1)
}
