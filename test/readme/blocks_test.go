package readme

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBlocks(t *testing.T) {
	md := "# T\n\n<!-- readme: not run (why) -->\n```sh\nmake run\n```\n\ntext\n```\n$ a \\\n  b\nout\n$ c\n```\n"
	got, err := Blocks(md)
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{{Line: 4, Lang: "sh", Marker: "not run (why)", Text: "make run"}, {Line: 9, Text: "$ a \\\n  b\nout\n$ c"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("-want +got:\n%s", d)
	}
	steps := Transcript(got[1].Text)
	if d := cmp.Diff([]Step{{Command: "a \\\n  b", Output: []string{"out"}}, {Command: "c"}}, steps); d != "" {
		t.Errorf("-want +got:\n%s", d)
	}
	if Transcript("just output\n$ not a transcript") != nil {
		t.Error("a block that does not start with a command is not a transcript")
	}
}

func TestMatch(t *testing.T) {
	cases := map[string]struct {
		want, out []string
		match     bool
	}{
		"same":                {[]string{"a b"}, []string{"a   b  "}, true},
		"ages":                {[]string{"x True 1s"}, []string{"x True 2m3s"}, true},
		"an empty age column": {[]string{"x 1s True"}, []string{"x True"}, false},
		"times":               {[]string{"2026-11-25 14:19:36 +08:00 started"}, []string{"2027-01-02 03:04:05 +08:00 started"}, true},
		"a deadline":          {[]string{"due 2026-12-09T16:00:00Z"}, []string{"due 2027-12-09T16:00:00Z"}, true},
		"uids":                {[]string{"w-published-7b82a86e"}, []string{"w-published-00f1c2d3"}, true},
		"ellipsis in a line":  {[]string{"Error: … rule four-eyes"}, []string{"Error: long text rule four-eyes"}, true},
		"ellipsis lines":      {[]string{"a", "…", "d"}, []string{"a", "b", "c", "d"}, true},
		"ellipsis, none left": {[]string{"a", "…", "d"}, []string{"a", "d"}, true},
		"a line missing":      {[]string{"a", "b"}, []string{"a"}, false},
		"a line more":         {[]string{"a"}, []string{"a", "b"}, false},
		"other text":          {[]string{"level III"}, []string{"level IV"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Match(tc.want, tc.out); got != tc.match {
				t.Errorf("Match(%q, %q) = %v", tc.want, tc.out, got)
			}
		})
	}
}

// TestPages checks, without a cluster, that every docs page is listed and
// that every block of every page is one TestREADME knows how to treat.
func TestPages(t *testing.T) {
	root := filepath.Join("..", "..")
	pages, err := readPages(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		for _, b := range p.blocks {
			if _, err := treatment(b); err != nil {
				t.Errorf("%s:%d: %v", p.name, b.Line, err)
			}
		}
	}
}

func TestWithoutLogLines(t *testing.T) {
	in := []string{
		`I1204 07:57:41.596812   13337 reflector.go:664] "Warning: watch ended with error" reflector="k8s.io/client-go@v0.37.2/tools/cache/reflector.go:343"`,
		"emergencyresponse.emergency.netsec.io/drill-virus-response condition met",
	}
	if d := cmp.Diff(in[1:], withoutLogLines(in)); d != "" {
		t.Errorf("-want +got:\n%s", d)
	}
}
