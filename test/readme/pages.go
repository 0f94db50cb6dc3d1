package readme

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Pages are the pages whose blocks TestREADME runs, in this order, as one
// session: the README first, then the docs pages. A page may rely on what
// the pages before it did (the README's drill, the real samples that
// docs/office.md applies). Every docs/*.md must be listed here.
var Pages = []string{
	"README.md",
	"docs/reporting-units.md",
	"docs/office.md",
	"docs/board.md",
	"docs/trust.md",
	"docs/units.md",
	"docs/platform.md",
	"docs/links.md",
	"docs/benchmark.md",
	"docs/contributing.md",
	"docs/architecture.md",
}

// page is one page's blocks.
type page struct {
	name   string
	blocks []Block
}

// readPages reads the blocks of every page of Pages, after checking that
// the list and docs/ agree.
func readPages(root string) ([]page, error) {
	if err := pagesListed(root); err != nil {
		return nil, err
	}
	var pages []page
	for _, name := range Pages {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			return nil, err
		}
		blocks, err := Blocks(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pages = append(pages, page{name: name, blocks: blocks})
	}
	return pages, nil
}

// pagesListed fails when a docs page is missing from Pages, so that no page
// escapes the test.
func pagesListed(root string) error {
	found, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return err
	}
	var missing []string
	for _, f := range found {
		name := "docs/" + filepath.Base(f)
		if !slices.Contains(Pages, name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s not in Pages (test/readme/pages.go): add each where its blocks can run after the pages before it", strings.Join(missing, ", "))
	}
	return nil
}

// treat is what the test does with a block.
type treat int

const (
	notRun            treat = iota // a marker says why not
	printedByRun                   // compared with what the local manager printed
	inBackground                   // started in its own shell (the receiver)
	printedByReceiver              // each line is one the receiver printed
	parsesAsYAML                   // a yaml block must parse
	script                         // a sh block: commands to run
	transcript                     // commands with the output they show
)

// treatment says how a block is run, or why it cannot be.
func treatment(b Block) (treat, error) {
	switch {
	case strings.HasPrefix(b.Marker, markerNotRun):
		return notRun, nil
	case strings.HasPrefix(b.Marker, markerPrinted):
		return printedByRun, nil
	case strings.HasPrefix(b.Marker, markerBackground):
		return inBackground, nil
	case strings.HasPrefix(b.Marker, markerReceiver):
		return printedByReceiver, nil
	case b.Marker != "":
		return 0, fmt.Errorf("unknown marker %q", b.Marker)
	case b.Lang == "yaml":
		return parsesAsYAML, nil
	case b.Lang == "sh":
		return script, nil
	case b.Lang == "" && Transcript(b.Text) != nil:
		return transcript, nil
	}
	return 0, fmt.Errorf("a block the test cannot run, without a marker saying why (<!-- readme: not run (why) -->)")
}
