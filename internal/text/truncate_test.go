package text

import (
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	cases := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"empty", "", 5, ""},
		{"ASCII fits", "hello", 10, "hello"},
		{"ASCII exact fit", "hello", 5, "hello"},
		{"ASCII one byte over", "hello!", 5, "he…"},
		{"ASCII cut", "hello, world", 8, "hello…"},
		// 中文 is 3 bytes a rune: 9 bytes leave room for 2 runes and "…"
		// exactly, 10 and 11 cut inside the third rune and step back.
		{"Chinese exact fit", "预警发布", 12, "预警发布"},
		{"Chinese cut on a boundary", "预警发布", 9, "预警…"},
		{"Chinese cut mid-rune (1 byte in)", "预警发布", 10, "预警…"},
		{"Chinese cut mid-rune (2 bytes in)", "预警发布", 11, "预警…"},
		{"mixed text cut mid-rune", "level 红色", 10, "level …"},
		{"only the ellipsis fits", "预警发布", 3, "…"},
		{"only the ellipsis fits, ASCII", "hello", 3, "…"},
		{"n smaller than the ellipsis, ASCII", "hello", 2, "he"},
		{"n smaller than the ellipsis, Chinese", "预警发布", 2, ""},
		{"n is 1, 2-byte rune", "éa", 1, ""},
		{"n is zero", "hello", 0, ""},
		{"n is negative", "hello", -1, ""},
		{"n is zero, empty", "", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Truncate(tc.s, tc.n)
			if got != tc.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
			}
			if tc.n >= 0 && len(got) > tc.n {
				t.Errorf("Truncate(%q, %d) is %d bytes, more than %d", tc.s, tc.n, len(got), tc.n)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Truncate(%q, %d) = %q is not valid UTF-8", tc.s, tc.n, got)
			}
		})
	}
}

func TestTruncateWith(t *testing.T) {
	const tail = "\n…(cut)" // 9 bytes
	cases := []struct {
		name    string
		s, tail string
		n       int
		want    string
	}{
		{"fits", "短文本", tail, 9, "短文本"},
		{"cut mid-rune", "预警发布预警发布", tail, 16, "预警" + tail},
		{"tail alone", "预警发布", tail, 9, tail},
		{"n smaller than the tail", "预警发布", tail, 8, "预警"},
		{"empty tail", "预警发布", "", 7, "预警"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := TruncateWith(tc.s, tc.n, tc.tail)
			if got != tc.want {
				t.Errorf("TruncateWith(%q, %d, %q) = %q, want %q", tc.s, tc.n, tc.tail, got, tc.want)
			}
			if len(got) > tc.n {
				t.Errorf("result is %d bytes, more than %d", len(got), tc.n)
			}
		})
	}
}
