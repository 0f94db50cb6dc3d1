package controllers

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	testingclock "k8s.io/utils/clock/testing"
)

func incidentKey(i int) types.NamespacedName {
	return types.NamespacedName{Namespace: "unit-a", Name: fmt.Sprintf("inc-%d", i)}
}

// woken reads the incidents the storm wakes until want have come, or a
// second has passed.
func woken(t *testing.T, s *storm, want int) []string {
	t.Helper()
	var got []string
	deadline := time.After(time.Second)
	for len(got) < want {
		select {
		case e := <-s.wake:
			got = append(got, e.Object.GetName())
		case <-deadline:
			return got
		}
	}
	slices.Sort(got)
	return got
}

func TestStormHoldsReportsWhileIncidentsArriveFasterThanTheRate(t *testing.T) {
	clk := testingclock.NewFakeClock(time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC))
	s := newStorm(StormConfig{Rate: 5, Hold: time.Minute}, clk)

	s.arrived()
	if _, held := s.hold(incidentKey(0)); held {
		t.Fatal("a single incident's report is held")
	}
	for range 8 {
		s.arrived()
	}
	if _, held := s.hold(incidentKey(0)); held {
		t.Fatal("nine incidents within two seconds (the rate is five a second) hold a report")
	}
	s.arrived()
	left, held := s.hold(incidentKey(1))
	if !held || left != time.Minute {
		t.Fatalf("ten incidents within two seconds: held %v for %s, want held for the whole minute", held, left)
	}
	if _, held := s.hold(incidentKey(2)); !held {
		t.Fatal("a second incident's report is not held")
	}

	// The storm goes on: ten more every second keep it up.
	for range 3 {
		clk.Step(time.Second)
		for range 10 {
			s.arrived()
		}
	}
	if got := woken(t, s, 1); len(got) != 0 {
		t.Fatalf("woken while the storm lasts: %v", got)
	}
	left, held = s.hold(incidentKey(1))
	if !held || left != time.Minute-3*time.Second {
		t.Fatalf("three seconds on, still storming: held %v for %s, want held for 57s more", held, left)
	}

	// Two seconds after the last arrivals, the storm has calmed: each
	// incident held is woken once, and none is held any more.
	clk.Step(2 * time.Second)
	if got, want := woken(t, s, 2), []string{"inc-1", "inc-2"}; !slices.Equal(got, want) {
		t.Fatalf("woken once calm: %v, want %v", got, want)
	}
	if got := woken(t, s, 1); len(got) != 0 {
		t.Fatalf("woken twice: %v", got)
	}
	if _, held := s.hold(incidentKey(1)); held {
		t.Fatal("held after the storm calmed")
	}
}

func TestStormHoldsAReportNoLongerThanHold(t *testing.T) {
	clk := testingclock.NewFakeClock(time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC))
	s := newStorm(StormConfig{Rate: 1, Hold: 10 * time.Second}, clk)
	storming := func() {
		s.arrived()
		s.arrived()
	}
	storming()
	if _, held := s.hold(incidentKey(1)); !held {
		t.Fatal("not held in a storm")
	}
	for range 9 {
		clk.Step(time.Second)
		storming()
	}
	if left, held := s.hold(incidentKey(1)); !held || left != time.Second {
		t.Fatalf("after 9s: held %v for %s, want held for 1s more", held, left)
	}
	clk.Step(time.Second)
	storming()
	if _, held := s.hold(incidentKey(1)); held {
		t.Fatal("held for longer than Hold while the storm goes on")
	}
	if left, held := s.hold(incidentKey(2)); !held || left != 10*time.Second {
		t.Fatalf("an incident newly held: held %v for %s, want 10s", held, left)
	}
}

func TestStormOff(t *testing.T) {
	clk := testingclock.NewFakeClock(time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC))
	for name, s := range map[string]*storm{"no hold": newStorm(StormConfig{Rate: 1}, clk), "none": nil} {
		for range 100 {
			s.arrived()
		}
		if _, held := s.hold(incidentKey(1)); held {
			t.Errorf("%s: a report is held", name)
		}
	}
}
