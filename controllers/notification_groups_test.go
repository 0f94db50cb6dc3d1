package controllers

import (
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

func TestGrouperSendsTheFirstAtOnceAndGroupsTheRest(t *testing.T) {
	g := newGrouper(ReportGrouping{Interval: 30 * time.Second, Max: 3, Alone: 1})
	k := groupKey{channel: "office/desk", event: "IncidentReported"}
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	report := func(i int) types.NamespacedName { return types.NamespacedName{Namespace: "u", Name: fmt.Sprint(i)} }

	if v, _, _ := g.join(k, report(0), t0); v != sendAlone {
		t.Fatalf("the first report of a quiet day: %v, want it sent alone at once", v)
	}
	v, at, _ := g.join(k, report(1), t0.Add(time.Second))
	if v != waitForGroup || !at.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("a report within the interval: %v until %v, want it to wait until %v", v, at, t0.Add(30*time.Second))
	}
	if v, _, _ := g.join(k, report(1), t0.Add(2*time.Second)); v != waitForGroup {
		t.Fatalf("the same report again: %v, want it still waiting", v)
	}
	other := groupKey{channel: "office/desk", event: "IncidentReported", drill: true}
	if v, _, _ := g.join(other, report(9), t0.Add(time.Second)); v != sendAlone {
		t.Fatalf("a drill's report does not wait for real ones: %v", v)
	}
	g.join(k, report(2), t0.Add(3*time.Second))
	v, _, members := g.join(k, report(3), t0.Add(4*time.Second))
	if v != sendTogether || len(members) != 3 || members[0] != report(3) {
		t.Fatalf("a full message (3): %v %v, want the joining report to send 3, itself first", v, members)
	}
	if v, _, _ := g.join(k, report(1), t0.Add(5*time.Second)); v != inMessage {
		t.Fatalf("a report taken by another pass: %v, want inMessage", v)
	}
	g.sent(k, members)
	v, at, _ = g.join(k, report(4), t0.Add(6*time.Second))
	if v != waitForGroup || !at.Equal(t0.Add(34*time.Second)) {
		t.Fatalf("after a full message, the next waits an interval from it: %v until %v", v, at)
	}
	g.join(k, report(5), t0.Add(7*time.Second))
	v, _, members = g.join(k, report(5), t0.Add(34*time.Second))
	if v != sendTogether || len(members) != 2 {
		t.Fatalf("at the interval's end: %v %v, want the two waiting sent together", v, members)
	}
	g.sent(k, members)
	if v, _, _ := g.join(k, report(6), t0.Add(5*time.Minute)); v != sendAlone {
		t.Fatalf("a quiet day again: %v, want it alone at once", v)
	}
	v, _, _ = g.join(k, report(7), t0.Add(5*time.Minute+time.Second))
	if v != waitForGroup {
		t.Fatalf("right after: %v, want a wait", v)
	}
	if v, _, _ := g.join(k, report(7), t0.Add(5*time.Minute+30*time.Second)); v != sendAlone {
		t.Fatalf("one report alone at the interval's end goes as itself: %v", v)
	}
}

func TestGrouperOff(t *testing.T) {
	g := newGrouper(ReportGrouping{})
	k := groupKey{channel: "office/desk"}
	now := time.Now()
	for i := range 3 {
		if v, _, _ := g.join(k, types.NamespacedName{Name: fmt.Sprint(i)}, now); v != sendAlone {
			t.Fatalf("grouping off: report %d %v, want alone", i, v)
		}
	}
	if !g.start("m") || g.start("m") {
		t.Fatal("a message is sent by one pass at a time")
	}
	g.done("m")
	if !g.start("m") {
		t.Fatal("a message done may be resent")
	}
}

func TestGrouperLetsAnOrdinaryDaysFewGoAlone(t *testing.T) {
	g := newGrouper(ReportGrouping{Interval: 30 * time.Second})
	k := groupKey{channel: "office/desk", event: "IncidentReported"}
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for i := range DefaultReportGroupAlone {
		if v, _, _ := g.join(k, types.NamespacedName{Name: fmt.Sprint(i)}, t0.Add(time.Duration(i)*time.Second)); v != sendAlone {
			t.Fatalf("report %d of an ordinary day: %v, want it alone at once", i, v)
		}
	}
	if v, _, _ := g.join(k, types.NamespacedName{Name: "storm"}, t0.Add(5*time.Second)); v != waitForGroup {
		t.Fatalf("report %d within the interval: %v, want it to wait for the group", DefaultReportGroupAlone+1, v)
	}
}
