package text

import "strings"

// markdownSpecial are the ASCII characters that Markdown (CommonMark with the
// GitHub tables, strikethrough and autolinks) may read as structure inside a
// line: emphasis (* _ ~), code (`), links and images ([ ] !), raw HTML and
// autolinks (< >), entities (&), headings (#), table cells (|), and the
// backslash that escapes them all.
const markdownSpecial = "\\`*_~[]!<>&#|"

// Markdown shows s literally in Markdown, inside a line: Inline, then a
// backslash before every character that could start or end structure there,
// so that **bold**, [link](http://x), <script>, # heading, > quote, a code
// fence and a | in a table cell all show as the characters typed. Text
// without these characters, Chinese and full-width punctuation included, is
// unchanged; so are - + . ( ) and digits, which are structure only at the
// start of a line (a list item), where a value never is: a renderer writes
// it after a label or in a table cell, and Inline leaves it no line of its
// own.
func Markdown(s string) string {
	s = Inline(s)
	if !strings.ContainsAny(s, markdownSpecial) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
