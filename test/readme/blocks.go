// Package readme keeps the README and the docs true: its test runs the
// blocks a user copies, page after page in order, as one session against the
// operator on a local control plane (see docs/contributing.md, "How the
// README and the docs are tested").
package readme

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"
)

// Block is one fenced block of a page.
type Block struct {
	// Line is the line of its opening fence, from 1.
	Line int
	// Lang is the word after the fence: "sh", "yaml", or "" for a plain block.
	Lang string
	// Marker is what a `<!-- readme: … -->` comment on the line before the
	// fence says (empty without one).
	Marker string
	// Text is the block's content, without the fences.
	Text string
}

var markerRE = regexp.MustCompile(`^<!--\s*readme:\s*(.*?)\s*-->$`)

// Blocks returns the fenced blocks of a Markdown text in order.
func Blocks(markdown string) ([]Block, error) {
	var blocks []Block
	var cur *Block
	var body []string
	last := ""
	sc := bufio.NewScanner(strings.NewReader(markdown))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") {
			if cur == nil {
				cur = &Block{Line: n, Lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))}
				if m := markerRE.FindStringSubmatch(last); m != nil {
					cur.Marker = m[1]
				}
				body = nil
			} else {
				cur.Text = strings.Join(body, "\n")
				blocks = append(blocks, *cur)
				cur = nil
			}
			continue
		}
		if cur != nil {
			body = append(body, line)
		} else if trimmed != "" {
			last = trimmed
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: a block that is never closed", cur.Line)
	}
	return blocks, sc.Err()
}

// Step is one command of a transcript and the output it shows.
type Step struct {
	// Command is the command, continuation lines joined with newlines.
	Command string
	// Output is the output shown under it.
	Output []string
}

// Transcript reads a block whose commands start with "$ ", each followed by
// its output; a command line ending in a backslash goes on on the next line.
// It returns nil when the block has no such command.
func Transcript(text string) []Step {
	var steps []Step
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if cmd, ok := strings.CutPrefix(l, "$ "); ok {
			for strings.HasSuffix(cmd, `\`) && i+1 < len(lines) {
				i++
				cmd += "\n" + lines[i]
			}
			steps = append(steps, Step{Command: cmd})
			continue
		}
		if len(steps) == 0 {
			if strings.TrimSpace(l) != "" {
				return nil
			}
			continue
		}
		steps[len(steps)-1].Output = append(steps[len(steps)-1].Output, l)
	}
	return steps
}

// Ellipsis, in a shown output, stands for what is left out: on a line of its
// own, any number of lines; within a line, any text.
const Ellipsis = "…"

var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	// Times: 2026-11-25 14:19:36 +08:00, 2026-12-09T16:00:00Z, 2026-11-26 08:43:09.118 +08:00.
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?[+-]\d{2}:\d{2}|Z)?`), "<time>"},
	// Uids, whole or their first eight digits in a name (…-published-7b82a86e).
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "<uid>"},
	{regexp.MustCompile(`-[0-9a-f]{8}\b`), "-<uid>"},
	// Loopback ports, which the receiver picks.
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:<port>"},
	// Ages and durations in a table: 1s, 16s, 2m3s, 10m, 4d.
	{regexp.MustCompile(`(^|\s)\d+[smhd](\d+[smh])?(\s|$)`), "$1<age>$3"},
	// Column alignment.
	{regexp.MustCompile(`[ \t]+`), " "},
}

// Mask replaces what differs from run to run (times, ages, uids, ports,
// column widths) with placeholders.
func Mask(line string) string {
	for _, m := range masks {
		// Twice, for neighbours that share a space ("1s 2s").
		line = m.re.ReplaceAllString(line, m.with)
		line = m.re.ReplaceAllString(line, m.with)
	}
	return strings.TrimSpace(line)
}

// Match says whether output is what want shows, both masked, with Ellipsis
// standing for what want leaves out. Blank lines at either end are ignored.
func Match(want, output []string) bool {
	var pats []*regexp.Regexp
	for _, w := range trim(want) {
		w = Mask(w)
		if w == Ellipsis {
			pats = append(pats, nil)
			continue
		}
		parts := strings.Split(w, Ellipsis)
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		pats = append(pats, regexp.MustCompile("^"+strings.Join(parts, ".*")+"$"))
	}
	out := trim(output)
	for i := range out {
		out[i] = Mask(out[i])
	}
	return match(pats, out)
}

func match(pats []*regexp.Regexp, out []string) bool {
	if len(pats) == 0 {
		return len(out) == 0
	}
	if pats[0] == nil {
		for k := 0; k <= len(out); k++ {
			if match(pats[1:], out[k:]) {
				return true
			}
		}
		return false
	}
	return len(out) > 0 && pats[0].MatchString(out[0]) && match(pats[1:], out[1:])
}

func trim(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return append([]string(nil), lines...)
}

// Markers before a block, in the pages' own words (docs/contributing.md,
// "How the README and the docs are tested").
const (
	markerNotRun     = "not run"
	markerPrinted    = "printed by make run"
	markerBackground = "runs in its own shell"
	markerReceiver   = "printed by incident-receiver"
)
