package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Break is what Inline puts where the person who typed a value broke the
// line: a visible sign between spaces, so that a reader sees that the value
// went on to a new line there, and a renderer never starts one.
const Break = " ⏎ "

// Inline turns a value a person typed into inert, single-line text.
//
// The rule: a value a person typed is data in every output. It never starts
// a line of its own, so it cannot forge a line the operator writes (a drill
// banner, a heading, a 消息编号 / message id line, a Markdown block); it
// carries no character that a terminal, a chat client or a browser would act
// on instead of showing. Every renderer (robot texts, CloudEvents texts, the
// annex form, the plugin's timeline, events and condition messages) passes
// such values through Inline, and through the escape of its own syntax on top
// (Markdown here; html/template escapes HTML).
//
// Inline, rune by rune:
//   - a line break — \n, \r, CRLF, \v, \f, NEL (U+0085), LINE SEPARATOR
//     (U+2028), PARAGRAPH SEPARATOR (U+2029) — becomes Break (" ⏎ "): visible,
//     because the break was the typist's and the reader should see it, where a
//     plain space would silently join two sentences. A run of breaks and the
//     white space around them becomes one Break; breaks and white space at
//     either end are dropped (a YAML block scalar ends in one);
//   - a tab becomes a space;
//   - any other C0 control and DEL is shown as its Unicode control picture
//     (ESC as ␛, so an ANSI sequence \x1b[31m shows as ␛[31m and colours
//     nothing); a C1 control as U+FFFD �, as is a byte that is not UTF-8;
//   - a format character (Unicode category Cf) is dropped: the bidi
//     embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that
//     reorder what a reader sees, the zero-width space, joiners and
//     non-joiner, the byte-order mark, the soft hyphen: none of them shows, so
//     none may change what the reader is shown;
//   - everything else is kept as typed: Chinese and English text, full-width
//     punctuation, the ideographic space. A value with nothing to change is
//     returned as it is.
func Inline(s string) string {
	if !needsInline(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	// gap is the white space since the last kept rune, as it will be
	// written; broken says that the gap holds a line break.
	var gap strings.Builder
	broken := false
	for _, r := range s { // a byte that is not UTF-8 comes as utf8.RuneError
		switch {
		case isBreak(r):
			broken = true
			continue
		case r == ' ' || r == '\t':
			gap.WriteByte(' ')
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if b.Len() > 0 {
			if broken {
				b.WriteString(Break)
			} else {
				b.WriteString(gap.String())
			}
		}
		gap.Reset()
		broken = false
		switch {
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		case r >= 0x80 && r < 0xa0:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsInline says whether Inline would change s.
func needsInline(s string) bool {
	if s == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if first == ' ' || last == ' ' {
		return true
	}
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || (r >= 0x7f && r < 0xa0) || isBreak(r) || unicode.Is(unicode.Cf, r) {
			return true
		}
	}
	return false
}

func isBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}
