package manager

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	cases := map[string]struct {
		in   string
		want int64
		err  bool
	}{
		"empty":      {in: "", want: 0},
		"zero":       {in: "0", want: 0},
		"off":        {in: "off", want: 0},
		"binary":     {in: "128Mi", want: 128 << 20},
		"bytes":      {in: "268435456", want: 256 << 20},
		"negative":   {in: "-1Mi", err: true},
		"not a size": {in: "lots", err: true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := memoryLimit(c.in)
			if (err != nil) != c.err || got != c.want {
				t.Errorf("memoryLimit(%q) = %d, %v; want %d, error %v", c.in, got, err, c.want, c.err)
			}
		})
	}
}

func TestApplyMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	debug.SetMemoryLimit(math.MaxInt64)
	if got := applyMemoryLimit(0); got != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("no limit: soft limit %d, runtime's %d; want none", got, debug.SetMemoryLimit(-1))
	}
	if got := applyMemoryLimit(128 << 20); got != 96<<20 || debug.SetMemoryLimit(-1) != 96<<20 {
		t.Errorf("128Mi: soft limit %d, runtime's %d; want 96Mi", got, debug.SetMemoryLimit(-1))
	}

	// GOMEMLIMIT wins: the runtime read it at start; it is left alone.
	t.Setenv("GOMEMLIMIT", "200MiB")
	debug.SetMemoryLimit(200 << 20)
	if got := applyMemoryLimit(128 << 20); got != 200<<20 {
		t.Errorf("with GOMEMLIMIT: soft limit %d, want 200MiB", got)
	}
}
