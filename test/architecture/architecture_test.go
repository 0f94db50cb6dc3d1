// Package architecture checks that docs/architecture.md draws the packages
// as they are: the table of who imports whom is the one hack/imports.sh
// prints, so the page cannot drift from the code.
package architecture

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const tableHeader = "| package | imports (of this module) |"

func TestTheDrawingIsTheCode(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(root, "hack", "imports.sh"))
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hack/imports.sh: %v", err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	code, drawn := table(string(out)), table(string(doc))
	if len(code) < 3 || len(drawn) < 3 {
		t.Fatalf("no imports table found (%d rows printed, %d in the page): both start with %q", len(code), len(drawn), tableHeader)
	}
	if diff := cmp.Diff(code, drawn); diff != "" {
		t.Errorf("docs/architecture.md draws the imports otherwise than the code has them; paste what `bash hack/imports.sh` prints (-code +doc):\n%s", diff)
	}
}

// table is the rows of the imports table in text: from its header to the
// first line that is not a row.
func table(text string) []string {
	var rows []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == tableHeader:
			in = true
		case in && strings.HasPrefix(line, "|"):
			rows = append(rows, strings.TrimSpace(line))
		case in:
			return rows
		}
	}
	return rows
}
