package manager

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"

	"github.com/go-logr/logr"
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

// After a busy spell, the heap it left free goes back to the system; after
// a pass or two, nothing is collected.
func TestHeapReturn(t *testing.T) {
	released := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	h := &heapReturn{log: logr.Discard()}
	// What the tests before left counts as a spell of its own.
	h.run()
	if got := h.run(); got != 0 {
		t.Errorf("with nothing allocated since, returned %d bytes again, want 0", got)
	}

	// A spell's garbage: 96 MiB in objects of a pass's size, dropped when
	// the spell ends.
	func() {
		var spell [][]byte
		for range 96 << 10 {
			spell = append(spell, make([]byte, 1024))
		}
		runtime.KeepAlive(spell)
	}()
	before := released()
	if got := h.run(); got < 64<<20 {
		t.Errorf("returned %d MiB of a 96 MiB spell, want at least 64", got>>20)
	}
	if after := released(); after-before < 64<<20 {
		t.Errorf("the runtime counts %d MiB more returned to the system, want at least 64", (after-before)>>20)
	}

	// A quiet day's passes: less than a spell allocated, nothing done.
	small := make([]byte, 1<<20)
	runtime.KeepAlive(small)
	if got := h.run(); got != 0 {
		t.Errorf("after 1 MiB allocated, returned %d bytes, want 0", got)
	}
}

type passes int

func (p *passes) Pass() { *p++ }

type syncs bool

func (s syncs) WaitForCacheSync(context.Context) bool { return bool(s) }

// A replica tells the quiet timer of its caches' first lists once they
// are synced, leader or not; caches that never sync (the replica
// stopping) tell it nothing.
func TestAfterSync(t *testing.T) {
	var p passes
	a := afterSync{cache: syncs(true), quiet: &p}
	if a.NeedLeaderElection() {
		t.Error("needs the lease: a standby would keep its first lists' heap")
	}
	if err := a.Start(context.Background()); err != nil || p != 1 {
		t.Errorf("synced: %d passes told, error %v; want 1, none", p, err)
	}
	p = 0
	if err := (afterSync{cache: syncs(false), quiet: &p}).Start(context.Background()); err != nil || p != 0 {
		t.Errorf("never synced: %d passes told, error %v; want 0, none", p, err)
	}
}

func TestApplyGCPercent(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	if got := applyGCPercent(50); got != 50 || debug.SetGCPercent(50) != 50 {
		t.Errorf("--gc-percent 50: in force %d, want 50", got)
	}

	// GOGC wins: the runtime read it at start; it is left alone, off too.
	t.Setenv("GOGC", "80")
	debug.SetGCPercent(80)
	if got := applyGCPercent(50); got != 80 || debug.SetGCPercent(80) != 80 {
		t.Errorf("with GOGC=80: in force %d, want 80", got)
	}
	t.Setenv("GOGC", "off")
	debug.SetGCPercent(-1)
	if got := applyGCPercent(50); got != -1 || debug.SetGCPercent(-1) != -1 {
		t.Errorf("with GOGC=off: in force %d, want -1 (off)", got)
	}
}
