package reconcile

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

var setterNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// got is what a pass left: a condition and the event reasons decided.
type got struct {
	Status  metav1.ConditionStatus
	Reason  string
	Message string
	Events  []string
}

func outcome(conds []metav1.Condition, typ string, l EventLog) got {
	c := conditionOf(conds, typ)
	return got{Status: c.Status, Reason: c.Reason, Message: c.Message, Events: l.Reasons()}
}

func conditionOf(conds []metav1.Condition, typ string) metav1.Condition {
	for _, c := range conds {
		if c.Type == typ {
			return c
		}
	}
	return metav1.Condition{}
}

func testKit(now time.Time) Kit { return Kit{Clock: clocktesting.NewFakePassiveClock(now)} }

func TestPassSetAndAnnounce(t *testing.T) {
	inc := builder.Incident("a", "u").Obj()
	inc.Generation = 3
	p := Begin(testKit(setterNow), inc, false)
	if !p.Set("X", metav1.ConditionTrue, "Why", "Said.") {
		t.Fatal("a new condition was not reported as a change")
	}
	if p.Set("X", metav1.ConditionTrue, "Why", "Said.") {
		t.Error("the same condition again was reported as a change")
	}
	c := conditionOf(inc.Status.Conditions, "X")
	if c.ObservedGeneration != 3 || !c.LastTransitionTime.Time.Equal(setterNow) {
		t.Errorf("condition stamped generation %d at %s, want 3 at %s", c.ObservedGeneration, c.LastTransitionTime, setterNow)
	}
	p.Announce("X", metav1.ConditionTrue, "Why", "Said.", NormalEvent("E", "A", "n"))
	p.Announce("X", metav1.ConditionFalse, "Other", "Changed.", NormalEvent("E", "A", "n"))
	if len(p.Events.Reasons()) != 1 {
		t.Errorf("announce sent %d events, want 1 (only for the change)", len(p.Events.Reasons()))
	}
	long := string(make([]byte, v1alpha1.MaxConditionMessage+10))
	p.Set("Y", metav1.ConditionTrue, "Why", long)
	if n := len(conditionOf(inc.Status.Conditions, "Y").Message); n > v1alpha1.MaxConditionMessage {
		t.Errorf("a message of %d bytes was kept, the limit is %d", n, v1alpha1.MaxConditionMessage)
	}
}

func TestPassWakeAt(t *testing.T) {
	p := Begin(testKit(setterNow), builder.Incident("a", "u").Obj(), false)
	if r := p.result(); r.RequeueAfter != 0 {
		t.Errorf("nothing asked for, RequeueAfter %s", r.RequeueAfter)
	}
	p.WakeAt(setterNow.Add(time.Hour))
	p.WakeAt(setterNow.Add(time.Minute))
	p.WakeAt(setterNow.Add(2 * time.Hour))
	if r := p.result(); r.RequeueAfter != time.Minute {
		t.Errorf("RequeueAfter %s, want the earliest, 1m", r.RequeueAfter)
	}
	p.WakeAt(setterNow.Add(-time.Hour))
	if r := p.result(); r.RequeueAfter != time.Second {
		t.Errorf("a time already due: RequeueAfter %s, want 1s", r.RequeueAfter)
	}
}

func TestSetReady(t *testing.T) {
	cases := map[string]struct {
		conds  []metav1.Condition
		inputs []string
		failed Cause
		want   got
	}{
		"every dependency True": {
			conds: []metav1.Condition{{Type: "A", Status: "True"}, {Type: "B", Status: "True"}},
			want:  got{Status: "True", Reason: "AllGood", Message: "All good."}},
		"the first not True gives its reason": {
			conds: []metav1.Condition{{Type: "A", Status: "True"}, {Type: "B", Status: "False", Reason: "Waiting", Message: "B waits."}},
			want:  got{Status: "False", Reason: "Waiting", Message: "B waits."}},
		"a dependency not yet known": {
			conds: []metav1.Condition{{Type: "A", Status: "True"}},
			want:  got{Status: "False", Reason: v1alpha1.InputNotYetKnownReason, Message: "B is not yet known."}},
		"a failure the kind judged itself comes first": {
			conds:  []metav1.Condition{{Type: "A", Status: "True"}, {Type: "B", Status: "True"}},
			failed: Cause{Reason: "Broken", Message: "It is broken."},
			want:   got{Status: "False", Reason: "Broken", Message: "It is broken."}},
		"no inputs: True as declared": {
			inputs: []string{},
			want:   got{Status: "True", Reason: "AllGood", Message: "All good."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inc := builder.Incident("a", "u").Obj()
			inc.Status.Conditions = tc.conds
			p := Begin(testKit(setterNow), inc, false)
			inputs := tc.inputs
			if inputs == nil {
				inputs = []string{"A", "B"}
			}
			SetReady(p, Ready{Inputs: inputs, Reason: "AllGood", Message: "All good.", Failed: tc.failed})
			if diff := cmp.Diff(tc.want, outcome(inc.Status.Conditions, v1alpha1.ConditionReady, p.Events)); diff != "" {
				t.Errorf("Ready (-want +got):\n%s", diff)
			}
		})
	}
}

// A condition's message and an event's note that quote what a person typed
// stay one line of plain text (text.Inline), and the same message set again
// is no change.
func TestMessagesAreOneLine(t *testing.T) {
	inc := builder.Incident("a", "u").Obj()
	p := Begin(testKit(setterNow), inc, false)
	typed := "Level raised: cause\r\n【演练 DRILL】forged\u2028\x1b[31mred\u202e"
	if !p.Set("X", metav1.ConditionTrue, "Why", typed) {
		t.Fatal("a new condition was not reported as a change")
	}
	want := "Level raised: cause ⏎ 【演练 DRILL】forged ⏎ ␛[31mred"
	if got := conditionOf(inc.Status.Conditions, "X").Message; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if p.Set("X", metav1.ConditionTrue, "Why", typed) {
		t.Error("the same message again was reported as a change")
	}
	rec := events.NewFakeRecorder(1)
	p.Events.Add(WarningEvent("E", "A", typed))
	p.Events.Flush(rec, inc)
	if got := <-rec.Events; !strings.HasSuffix(got, want) || strings.ContainsAny(got, "\r\n\x1b\u2028\u202e") {
		t.Errorf("event %q, want it to end in %q", got, want)
	}
}
