package text

import "testing"

func TestJoin(t *testing.T) {
	type kind string
	if got := Join([]kind{"Equipment", "ResponseTeam"}, ", "); got != "Equipment, ResponseTeam" {
		t.Errorf("Join = %q", got)
	}
	if got := Join([]kind(nil), ", "); got != "" {
		t.Errorf("Join(nil) = %q", got)
	}
}
