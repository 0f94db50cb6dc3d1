package main

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
)

// The manager's live heap is read from its heap profile in text form, as
// net/http/pprof serves it with debug=1: the runtime's own format, written
// here by this process.
func TestHeapAllocFromTheRuntimesProfile(t *testing.T) {
	keep := make([]byte, 8<<20)
	runtime.GC()
	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	got, err := memStats(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got["HeapAlloc"] < int64(len(keep)) {
		t.Errorf("HeapAlloc %d, want at least the %d bytes kept", got["HeapAlloc"], len(keep))
	}
	runtime.KeepAlive(keep)
	for _, name := range runtimeStats {
		if got[name] <= 0 && name != "HeapReleased" {
			t.Errorf("%s: %d, want it read", name, got[name])
		}
	}

	if _, err := memStats(strings.NewReader("heap profile: 0: 0 [0: 0] @ heap/1048576\n")); err == nil {
		t.Error("a profile without HeapAlloc: no error")
	}
}
