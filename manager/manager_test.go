package manager

import (
	"flag"
	"strings"
	"testing"
)

// The leader election flags are checked at start, by name, instead of
// client-go refusing them later with its own field names.
func TestLeaderElectionFlags(t *testing.T) {
	cases := map[string]struct {
		args []string
		ok   bool
	}{
		"defaults":                     {ok: true},
		"client-go's usual":            {args: []string{"--leader-election-retry-period=2s"}, ok: true},
		"retry too slow for the renew": {args: []string{"--leader-election-retry-period=9s"}},
		"renew outlasts the lease":     {args: []string{"--leader-election-renew-deadline=20s"}},
		"no retry period":              {args: []string{"--leader-election-retry-period=0"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var o Options
			fs := flag.NewFlagSet("manager", flag.ContinueOnError)
			o.BindFlags(fs)
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			err := o.Validate()
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.ok && (err == nil || !strings.Contains(err.Error(), "--leader-election-retry-period")) {
				t.Fatalf("want a refusal naming the leader election flags, got %v", err)
			}
		})
	}
}
