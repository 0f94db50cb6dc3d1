package text

import "testing"

func TestInline(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"Chinese with full-width punctuation", "某单位门户网站被篡改（首页），已断网；联系人：张三。", "某单位门户网站被篡改（首页），已断网；联系人：张三。"},
		{"ideographic space kept", "单位名称　某某", "单位名称　某某"},
		{"two spaces kept", "a  b", "a  b"},
		{"newline", "a\nb", "a ⏎ b"},
		{"CRLF is one break", "a\r\nb", "a ⏎ b"},
		{"lone CR", "a\rb", "a ⏎ b"},
		{"run of breaks and spaces", "a \n\n  \r\n b", "a ⏎ b"},
		{"breaks at the ends dropped", "\n  a\n", "a"},
		{"spaces at the ends dropped", "  a b  ", "a b"},
		{"LS", "a\u2028b", "a ⏎ b"},
		{"PS", "a\u2029b", "a ⏎ b"},
		{"NEL", "a\u0085b", "a ⏎ b"},
		{"VT and FF", "a\vb\fc", "a ⏎ b ⏎ c"},
		{"tab", "a\tb", "a b"},
		{"ANSI escape", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"NUL and DEL", "a\x00b\x7f", "a␀b␡"},
		{"C1 control", "a\u009bb", "a\ufffdb"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
		{"RLO", "abc\u202Egpj.exe", "abcgpj.exe"},
		{"bidi isolate", "\u2067a\u2069", "a"},
		{"ZWJ", "a\u200db", "ab"},
		{"ZWSP and BOM", "\ufeffa\u200bb", "ab"},
		{"only invisible", "\u200b\u202e", ""},
		{"fake drill line", "ok\n【演练 DRILL】fake", "ok ⏎ 【演练 DRILL】fake"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Inline(tc.in); got != tc.want {
				t.Errorf("Inline(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := Inline(Inline(tc.in)); got != tc.want {
				t.Errorf("Inline is not idempotent on %q: %q", tc.in, got)
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"Chinese with full-width punctuation", "某单位（首页）被篡改，已断网；详见《通报》。", "某单位（首页）被篡改，已断网；详见《通报》。"},
		{"plain ASCII punctuation", "v1.2 (2026-11-20), a.b", "v1.2 (2026-11-20), a.b"},
		{"bold", "**bold**", `\*\*bold\*\*`},
		{"heading", "# heading", `\# heading`},
		{"quote", "> quote", `\> quote`},
		{"link", "[x](http://x)", `\[x\](http://x)`},
		{"image", "![x](y)", `\!\[x\](y)`},
		{"fence", "```go", "\\`\\`\\`go"},
		{"pipe", "a|b", `a\|b`},
		{"backslash pipe", `a\|b`, `a\\\|b`},
		{"HTML", "<script>alert(1)</script>", `\<script\>alert(1)\</script\>`},
		{"entity", "&lt;", `\&lt;`},
		{"emphasis", "_a_ ~b~", `\_a\_ \~b\~`},
		{"phone number", "+86 851 8000 1111", "+86 851 8000 1111"},
		{"breaks folded first", "a\n# b", `a ⏎ \# b`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Markdown(tc.in); got != tc.want {
				t.Errorf("Markdown(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
