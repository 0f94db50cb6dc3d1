package manager

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/resource"
)

// MemoryLimitEnv is where the Deployment puts the container's memory limit
// (limits.memory, in bytes, through the downward API).
const MemoryLimitEnv = "MEMORY_LIMIT"

// softLimitShare is the part of the memory limit the Go runtime keeps its
// heap, stacks and own structures under. The rest is for what the runtime
// does not count (the binary's mapped code and data, about 30 MiB, charged
// to the container too) and for the overshoot of a burst: the limit is
// soft, and past it the collector spends at most half the CPU before it
// lets the heap grow.
const softLimitShare = 0.75

// memoryLimit parses --memory-limit: a quantity (512Mi, 1Gi, 268435456) or
// empty, 0 or off for none.
func memoryLimit(s string) (int64, error) {
	switch s {
	case "", "0", "off":
		return 0, nil
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return 0, fmt.Errorf("--memory-limit %q: %w", s, err)
	}
	if q.Sign() < 0 {
		return 0, fmt.Errorf("--memory-limit %q is negative", s)
	}
	return q.Value(), nil
}

// applyMemoryLimit sets the Go runtime's soft memory limit to a share of
// limit, unless GOMEMLIMIT says otherwise. It returns the soft limit in
// force, 0 for none.
func applyMemoryLimit(limit int64) int64 {
	if os.Getenv("GOMEMLIMIT") != "" || limit <= 0 {
		if current := debug.SetMemoryLimit(-1); current != math.MaxInt64 {
			return current
		}
		return 0
	}
	soft := int64(float64(limit) * softLimitShare)
	debug.SetMemoryLimit(soft)
	return soft
}

// DefaultGCPercent is --gc-percent's default. The Go runtime's own (GOGC
// 100) lets the heap grow to twice what the last collection left live
// before it collects again. What a storm adds to the caches is allocated
// among the garbage of the passes running meanwhile, and a span of the
// heap that keeps one cached object cannot be returned: with 10,000
// incidents, 1,000 responses and 5,000 work groups cached (50 MiB live),
// the spans holding them once the storm was over were 77 MiB at 100,
// 68 MiB at 50 and 65 MiB at 35. The price is more collections while the
// heap grows: at 35 the operator spent about 40% more CPU in a burst of
// 8,000 incidents than at 100, the extra a fifteenth of what the API
// server spent (docs/benchmark.md, "Memory").
const DefaultGCPercent = 35

// applyGCPercent sets the Go runtime's GOGC to percent, unless GOGC says
// otherwise. It returns the percentage in force.
func applyGCPercent(percent int) int {
	if os.Getenv("GOGC") != "" {
		current := debug.SetGCPercent(100)
		debug.SetGCPercent(current)
		return current
	}
	debug.SetGCPercent(percent)
	return percent
}

// DefaultReturnMemoryAfter is --return-memory-after's default: a storm's
// passes, and its reports' after it, come much closer together.
const DefaultReturnMemoryAfter = 10 * time.Second

// spellAllocs is how much the operator must have allocated since the heap
// was last returned for a quiet spell to return it again: a storm of 2,000
// incidents allocates gigabytes, a quiet day's pass a few hundred
// kilobytes. Below it a full collection would cost more than it gives back.
const spellAllocs = 64 << 20

// heapHeld is the heap the process holds: live objects, dead ones not yet
// swept, and free spans the runtime has not given back to the system.
func heapHeld() int64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() + s[1].Value.Uint64() + s[2].Value.Uint64())
}

// heapAllocs is what the process has allocated on its heap since it started.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// heapReturn returns to the system the heap a busy spell left free, once
// the operator's passes have stopped for --return-memory-after. The Go
// runtime lets the heap grow to about twice what is live before it
// collects (GOGC=100), and gives back only what lies beyond that, so an
// idle operator would keep what a storm grew it to for as long as it
// stays idle.
type heapReturn struct {
	log logr.Logger
	mu  sync.Mutex
	// allocs is heapAllocs when the heap was last returned.
	allocs uint64
}

// run collects garbage and returns the free heap to the system
// (debug.FreeOSMemory), if the passes since it last did allocated at least
// spellAllocs. It returns how much less heap the process holds, 0 when it
// did nothing. One full collection: a few tens of milliseconds of CPU with
// a storm's objects cached.
func (h *heapReturn) run() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if heapAllocs()-h.allocs < spellAllocs {
		return 0
	}
	held, start := heapHeld(), time.Now()
	debug.FreeOSMemory()
	h.allocs = heapAllocs()
	now := heapHeld()
	h.log.Info("the passes have stopped: returned the heap they left free to the system",
		"heldMiB", held>>20, "heldNowMiB", now>>20, "took", time.Since(start).Round(time.Millisecond))
	return held - now
}

// afterSync tells quiet of the caches' first lists once they are synced, as
// of a pass: a replica that is not the leader runs no pass, and would
// otherwise keep what decoding those lists grew its heap to.
type afterSync struct {
	cache interface {
		WaitForCacheSync(ctx context.Context) bool
	}
	quiet interface{ Pass() }
}

// Start waits for the caches, tells quiet, and returns.
func (a afterSync) Start(ctx context.Context) error {
	if a.cache.WaitForCacheSync(ctx) {
		a.quiet.Pass()
	}
	return nil
}

// NeedLeaderElection is false: the standby is the replica it is for.
func (afterSync) NeedLeaderElection() bool { return false }
