package text

import "strings"

// markdownSpecial are the ASCII characters that Markdown (CommonMark with the
// GitHub tables, strikethrough and autolinks) may read as structure inside a
// line: emphasis (* _ ~), code (`), links and images ([ ] !), raw HTML and
// autolinks (< >), entities (&), headings (#), table cells (|), and the
// backslash that escapes them all.
const markdownSpecial = "\\`*_~[]!<>&#|"

// Markdown shows s literally in Markdown: Inline, then a backslash before
// every character that could start or end structure, so that `**bold**`,
// `[link](http://x)`, `<script>`, `# heading`, `> quote`, a code fence and
// a `|` in a table cell all show as the characters typed. A value that
// would begin with a list marker or a block quote (-, +, >, 1. or 1)) has
// that marker escaped too, for a value placed at the start of a line; the
// renderers of this module never put one there. Text without these
// characters, Chinese and full-width punctuation included, is unchanged.
func Markdown(s string) string {
	s = Inline(s)
	if !strings.ContainsAny(s, markdownSpecial) && !startsBlock(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	if startsBlock(s) {
		i := strings.IndexAny(s, "-+=.)")
		b.WriteString(s[:i])
		b.WriteByte('\\')
		s = s[i:]
	}
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// startsBlock says whether s begins as a list item or a setext underline
// would (a block quote's > is escaped wherever it is).
func startsBlock(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '-', '+', '=': // > is in markdownSpecial
		return true
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')')
}
