package manager

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"

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
