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

// --return-memory-after: a duration, 0 for never, and never negative;
// --gc-percent: a positive percentage.
func TestMemoryFlags(t *testing.T) {
	for args, want := range map[string]string{
		"":                           "",
		"--return-memory-after=0":    "",
		"--return-memory-after=1m":   "",
		"--return-memory-after=-10s": "--return-memory-after must not be negative",
		"--gc-percent=100":           "",
		"--gc-percent=0":             "--gc-percent must be positive",
		"--gc-percent=-1":            "--gc-percent must be positive",
	} {
		var o Options
		fs := flag.NewFlagSet("manager", flag.ContinueOnError)
		o.BindFlags(fs)
		if err := fs.Parse(strings.Fields(args)); err != nil {
			t.Fatal(err)
		}
		err := o.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("%q refused: %v", args, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: got %v, want a refusal saying %q", args, err, want)
		}
		if args == "" && (o.ReturnMemoryAfter != DefaultReturnMemoryAfter || o.GCPercent != DefaultGCPercent) {
			t.Errorf("defaults %v and %d, want %v and %d", o.ReturnMemoryAfter, o.GCPercent, DefaultReturnMemoryAfter, DefaultGCPercent)
		}
	}
}
