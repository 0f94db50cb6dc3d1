// Package text holds small string helpers shared across the operator. It
// depends on nothing but the standard library.
package text

import "unicode/utf8"

// Ellipsis is the tail Truncate puts on a string it shortens.
const Ellipsis = "…"

// Truncate shortens s to at most n bytes without splitting a UTF-8 sequence.
// A string that fits is returned unchanged; a string that does not ends in
// Ellipsis, which counts towards n. When n is too small to hold the ellipsis,
// the result is the longest whole-rune prefix of s that fits in n bytes,
// without a tail; for n <= 0 it is "".
func Truncate(s string, n int) string {
	return TruncateWith(s, n, Ellipsis)
}

// TruncateWith is Truncate with another tail, for a caller whose readers
// need a plainer sign that the text was cut. The same rule holds: at most n
// bytes, tail included; no split UTF-8 sequence; the tail is dropped when n
// cannot hold it.
func TruncateWith(s string, n int, tail string) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	if n < len(tail) {
		tail = ""
	}
	cut := n - len(tail)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + tail
}
