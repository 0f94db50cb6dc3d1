package plugin

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The decisions against a fake API server: what the plugin refuses before
// writing, and what it writes otherwise. Who may decide is the real API
// server's to say (test/integration/plugin runs these against envtest).

func scheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

func incident(name string, level v1alpha1.IncidentLevel, drill bool) *v1alpha1.SecurityIncident {
	return &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "unit"},
		Spec: v1alpha1.SecurityIncidentSpec{Drill: drill}, Status: v1alpha1.SecurityIncidentStatus{Level: level}}
}

func responseTo(drill bool, level v1alpha1.Level, incs ...*v1alpha1.SecurityIncident) *v1alpha1.EmergencyResponse {
	r := &v1alpha1.EmergencyResponse{
		ObjectMeta: metav1.ObjectMeta{Name: "resp", Namespace: "office", Generation: 1,
			Annotations: map[string]string{v1alpha1.AnnotationCreatedBy: "duty-officer"}},
		Spec:   v1alpha1.EmergencyResponseSpec{Drill: drill},
		Status: v1alpha1.EmergencyResponseStatus{ObservedGeneration: 1, Level: level, Phase: v1alpha1.ResponseAwaitingApproval},
	}
	for _, inc := range incs {
		r.Spec.IncidentRefs = append(r.Spec.IncidentRefs, v1alpha1.IncidentRef{Namespace: inc.Namespace, Name: inc.Name})
	}
	return r
}

func warningAt(level v1alpha1.WarningLevel, published, lifted bool) *v1alpha1.Warning {
	w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "office"},
		Spec: v1alpha1.WarningSpec{Level: level, Source: v1alpha1.SourceProvincial}}
	if published {
		w.Status.PublishedTime, w.Status.PublishedLevel, w.Status.Phase = &metav1.Time{Time: time.Now()}, level, v1alpha1.WarningPublished
	}
	if lifted {
		w.Status.LiftedTime, w.Status.Phase = &metav1.Time{Time: time.Now()}, v1alpha1.WarningLifted
	}
	return w
}

type decide func(context.Context, client.Client, string, string, Decision) (string, error)

func TestDecisions(t *testing.T) {
	real4, drill4 := incident("outage", "IV", false), incident("drill", "IV", true)
	started := responseTo(false, "IV", real4)
	started.Status.StartedTime = &metav1.Time{Time: time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)}
	started.Status.Approval = &v1alpha1.Approval{ApprovedBy: "leading-group", Level: "IV"}
	started.Status.Phase = v1alpha1.ResponseActive
	started.Annotations[v1alpha1.AnnotationApprovedBy] = "leading-group"
	started.Annotations[v1alpha1.AnnotationApprovedLevel] = "IV"
	stale := responseTo(false, "IV", real4)
	stale.Generation = 2
	atIII := responseTo(false, "III", real4) // the incident is at IV now
	me := Decision{User: "leading-group"}
	with := func(f func(*Decision)) Decision { d := me; f(&d); return d }

	cases := map[string]struct {
		objs    []client.Object
		do      decide
		d       Decision
		refusal string // empty: written
		wrote   map[string]string
	}{
		"a level IV response on the leading group's approval": {
			objs: []client.Object{real4, responseTo(false, "IV", real4)}, do: ApproveResponse, d: me,
			wrote: map[string]string{v1alpha1.AnnotationApprovedBy: "leading-group", v1alpha1.AnnotationApprovedLevel: "IV"},
		},
		"--level naming the response's own level": {
			objs: []client.Object{real4, responseTo(false, "IV", real4)}, do: ApproveResponse, d: with(func(d *Decision) { d.Level = "iv" }),
			wrote: map[string]string{v1alpha1.AnnotationApprovedLevel: "IV"},
		},
		"a level II response on the ministry's directive": {
			objs: []client.Object{incident("outage", "II", false), responseTo(false, "II", incident("outage", "II", false))}, do: ApproveResponse,
			d:     with(func(d *Decision) { d.Directive = "MIIT-1" }),
			wrote: map[string]string{v1alpha1.AnnotationDirective: "MIIT-1", v1alpha1.AnnotationApprovedLevel: "II"},
		},
		"an approval for another level": {
			objs: []client.Object{real4, responseTo(false, "IV", real4)}, do: ApproveResponse, d: with(func(d *Decision) { d.Level = "III" }),
			refusal: `covers level "III", but the response is at level IV`,
		},
		"a level II response without a directive": {
			objs: []client.Object{incident("outage", "II", false), responseTo(false, "II", incident("outage", "II", false))}, do: ApproveResponse, d: me,
			refusal: "a level II response starts on the ministry's directive",
		},
		"a directive for a level IV response": {
			objs: []client.Object{real4, responseTo(false, "IV", real4)}, do: ApproveResponse, d: with(func(d *Decision) { d.Directive = "MIIT-1" }),
			refusal: "not a directive: drop --directive",
		},
		"a drill response over a real incident": {
			objs: []client.Object{real4, drill4, responseTo(true, "IV", drill4, real4)}, do: ApproveResponse, d: me,
			refusal: "covers the real incident unit/outage",
		},
		"a drill response over a drill incident": {
			objs: []client.Object{drill4, responseTo(true, "IV", drill4)}, do: ApproveResponse, d: me,
			wrote: map[string]string{v1alpha1.AnnotationApprovedBy: "leading-group"},
		},
		"a response already started": {
			objs: []client.Object{real4, started}, do: ApproveResponse, d: me,
			refusal: "already started at 2026-11-20 11:00:00 +08:00 for level IV on approval of leading-group",
		},
		"a response whose spec the operator has not read": {
			objs: []client.Object{real4, stale}, do: ApproveResponse, d: me, refusal: "has not yet read its latest spec",
		},
		"a response whose incidents rose above its status.level": {
			objs: []client.Object{real4, atIII}, do: ApproveResponse, d: me, refusal: "now put it at level IV, but status.level still says III",
		},
		"a response with no level": {
			objs: []client.Object{incident("scan", "BelowThreshold", false), responseTo(false, "", incident("scan", "BelowThreshold", false))},
			do:   ApproveResponse, d: me, refusal: "no level yet",
		},
		"an end without a start": {
			objs: []client.Object{real4, responseTo(false, "IV", real4)}, do: EndResponse, d: me, refusal: "has not started",
		},
		"the end of a started response": {
			objs: []client.Object{real4, started}, do: EndResponse, d: me,
			wrote: map[string]string{v1alpha1.AnnotationEndApprovedBy: "leading-group"},
		},
		"a red warning": {
			objs: []client.Object{warningAt(v1alpha1.WarningRed, false, false)}, do: ApproveWarning, d: me,
			refusal: "a red warning is not approved in the province",
		},
		"a risk notice": {
			objs: []client.Object{warningAt(v1alpha1.WarningRiskNotice, false, false)}, do: ApproveWarning, d: me,
			refusal: "a risk notice is not approved in the province",
		},
		"a yellow warning's publication": {
			objs: []client.Object{warningAt(v1alpha1.WarningYellow, false, false)}, do: ApproveWarning, d: me,
			wrote: map[string]string{v1alpha1.AnnotationApprovedBy: "leading-group", v1alpha1.AnnotationApprovedLevel: "Yellow"},
		},
		"a yellow warning approved as blue": {
			objs: []client.Object{warningAt(v1alpha1.WarningYellow, false, false)}, do: ApproveWarning, d: with(func(d *Decision) { d.Level = "Blue" }),
			refusal: "it is a yellow warning, not Blue",
		},
		"a warning already published at its colour": {
			objs: []client.Object{warningAt(v1alpha1.WarningYellow, true, false)}, do: ApproveWarning, d: me,
			refusal: "already published as a yellow warning",
		},
		"a lifted warning": {
			objs: []client.Object{warningAt(v1alpha1.WarningYellow, true, true)}, do: ApproveWarning, d: me, refusal: "was lifted",
		},
		"lifting an unpublished warning": {
			objs: []client.Object{warningAt(v1alpha1.WarningYellow, false, false)}, do: LiftWarning, d: me, refusal: "has not been published",
		},
		"lifting a yellow warning": {
			objs: []client.Object{warningAt(v1alpha1.WarningYellow, true, false)}, do: LiftWarning, d: me,
			wrote: map[string]string{v1alpha1.AnnotationLiftApprovedBy: "leading-group"},
		},
		"lifting a red warning without a directive": {
			objs: []client.Object{warningAt(v1alpha1.WarningRed, true, false)}, do: LiftWarning, d: me, refusal: "lifts on the ministry's directive",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientBuilder().WithScheme(scheme(t)).WithObjects(tc.objs...).WithStatusSubresource(tc.objs...).Build()
			target := tc.objs[len(tc.objs)-1]
			before := target.DeepCopyObject().(client.Object)
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(target), before); err != nil {
				t.Fatal(err)
			}
			out, err := tc.do(context.Background(), c, "office", target.GetName(), tc.d)
			after := target.DeepCopyObject().(client.Object)
			if err := c.Get(context.Background(), client.ObjectKeyFromObject(target), after); err != nil {
				t.Fatal(err)
			}
			if tc.refusal != "" {
				var r *Refusal
				if !errors.As(err, &r) || !strings.Contains(r.Why, tc.refusal) {
					t.Fatalf("got %q, %v; want a refusal saying %q", out, err, tc.refusal)
				}
				if after.GetResourceVersion() != before.GetResourceVersion() {
					t.Errorf("the refusal wrote to the object")
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			for k, v := range tc.wrote {
				if got := after.GetAnnotations()[k]; got != v {
					t.Errorf("annotation %s = %q, want %q (output %q)", k, got, v, out)
				}
			}
		})
	}
}

func TestKindAndName(t *testing.T) {
	for args, want := range map[string][2]string{
		"w":                   {"", "w"},
		"warn/w":              {"warning", "w"},
		"warning w":           {"warning", "w"},
		"er r":                {"emergencyresponse", "r"},
		"sinc/i":              {"securityincident", "i"},
		"securityincidents i": {"securityincident", "i"},
		"emergencyresponses.emergency.netsec.io/r": {"emergencyresponse", "r"},
	} {
		k, n, err := kindAndName(strings.Fields(args))
		if err != nil || string(k) != want[0] || n != want[1] {
			t.Errorf("kindAndName(%q) = %q, %q, %v; want %q", args, k, n, err, want)
		}
	}
	if _, _, err := kindAndName([]string{"pod", "p"}); err == nil {
		t.Error("a pod has no timeline")
	}
}

func TestPrintTimeline(t *testing.T) {
	var b bytes.Buffer
	at := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	PrintTimeline(&b, []Entry{{at, "started"}}, nil)
	if want := "# times in Asia/Shanghai (UTC+08:00)\n2026-11-20 11:00:00 +08:00  started\n"; b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	PrintTimeline(&b, []Entry{{at, "started"}}, time.UTC)
	if want := "# times in UTC (UTC+00:00)\n2026-11-20 03:00:00 +00:00  started\n"; b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// The help lists every command, with an example of each, and kubectl's own
// connection flags.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	cmd := NewCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	for _, c := range []string{"approve", "end", "lift", "form", "timeline", "units"} {
		if !strings.Contains(help, "\n  "+c+" ") {
			t.Errorf("the help does not list %s:\n%s", c, help)
		}
		if !strings.Contains(help, "kubectl incident "+c+" ") {
			t.Errorf("the help has no example of %s", c)
		}
	}
	for _, f := range []string{"--kubeconfig", "--context", "-n, --namespace", "--as string", "--as-group", "-s, --server", "--token", "--time-zone"} {
		if !strings.Contains(help, f) {
			t.Errorf("the help lacks %s", f)
		}
	}
	if strings.Contains(help, "completion") {
		t.Error("the help lists cobra's completion command, which kubectl plugins do not use")
	}
	for _, sub := range []string{"approve", "end", "lift", "form", "timeline", "units"} {
		out.Reset()
		cmd := NewCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
		cmd.SetArgs([]string{sub, "--help"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "Examples:") || !strings.Contains(out.String(), "Usage:\n  kubectl incident "+sub) {
			t.Errorf("%s --help:\n%s", sub, out.String())
		}
	}
}

func TestIncidentTimelineShowsCorrectionsAndWithdrawal(t *testing.T) {
	at := func(h int) metav1.Time { return metav1.NewTime(time.Date(2026, 12, 4, h, 0, 0, 0, time.UTC)) }
	inc := incident("dup", "IV", false)
	inc.CreationTimestamp = at(3)
	inc.Spec.DiscoveredAt = at(9)
	inc.Spec.Withdrawal = &v1alpha1.Withdrawal{Reason: v1alpha1.WithdrawalDuplicate, DuplicateOf: "first"}
	inc.Status.CountedFrom = &v1alpha1.ReportedTimes{OccurredAt: at(1), DiscoveredAt: at(2)}
	inc.Status.Corrections = []v1alpha1.Correction{{Time: at(4), Generation: 2, Writer: "unit-a",
		Times: []v1alpha1.TimeCorrection{{Field: v1alpha1.FieldDiscoveredAt, From: at(2), To: at(9)}}}}
	inc.Status.Withdrawal = &v1alpha1.WithdrawalRecord{By: "unit-a", Time: at(5)}
	inc.Status.Deadlines = []v1alpha1.Deadline{{Name: "FullForm", DueTime: at(16), State: v1alpha1.DeadlineWithdrawn}}
	c := fake.NewClientBuilder().WithScheme(scheme(t)).WithObjects(inc).Build()
	entries, err := Timeline(t.Context(), c, KindIncident, "unit", "dup", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		lines = append(lines, e.What)
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"corrected by unit-a (generation 2); discoveredAt moved from 2026-12-04 02:00",
		"deadlines count from the earliest discovery on record, 2026-12-04 02:00",
		"WITHDRAWN by unit-a as a duplicate of first",
		"deadline FullForm no longer tracked: the incident was withdrawn",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, all)
		}
	}
}

// An incident covered by two responses, the first superseded by the second,
// shows each response's own start and end: neither is credited with the
// other's decision.
func TestIncidentTimelineTellsTwoResponsesApart(t *testing.T) {
	at := func(h int) *metav1.Time { m := metav1.NewTime(time.Date(2026, 12, 4, h, 0, 0, 0, time.UTC)); return &m }
	inc := incident("wave", "III", false)
	inc.CreationTimestamp = *at(1)
	inc.Status.Responses = []v1alpha1.CoveringResponse{
		{Namespace: "office", Name: "first", UID: "u1", Level: v1alpha1.LevelIV, StartedTime: at(2), EndedTime: at(5), SupersededBy: "second"},
		{Namespace: "office", Name: "second", UID: "u2", Level: v1alpha1.LevelIII, StartedTime: at(4)},
	}
	c := fake.NewClientBuilder().WithScheme(scheme(t)).WithObjects(inc).Build()
	entries, err := Timeline(t.Context(), c, KindIncident, "unit", "wave", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range entries {
		got[e.What] = e.Time.UTC().Hour()
	}
	for what, hour := range map[string]int{
		"response office/first approved and started (level IV)":   2,
		"response office/second approved and started (level III)": 4,
		"response office/first superseded by second":              5,
	} {
		if h, ok := got[what]; !ok || h != hour {
			t.Errorf("the timeline has %q at hour %d (listed: %v), want %d; all: %v", what, h, ok, hour, got)
		}
	}
}

// A response's timeline tells what the units wrote from their namespaces:
// their acknowledgements with who is on duty, their progress reports, and
// their summary reports; a warning's, its units' acknowledgements.
func TestTimelineShowsTheUnitsReports(t *testing.T) {
	at := func(h int) *metav1.Time { m := metav1.NewTime(time.Date(2026, 12, 4, h, 0, 0, 0, time.UTC)); return &m }
	resp := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: "outage", Namespace: "office", CreationTimestamp: *at(1)},
		Status: v1alpha1.EmergencyResponseStatus{
			Acknowledgements:   []v1alpha1.UnitAcknowledgement{{Namespace: "unit-telecom", Unit: "Guizhou Example Telecom", Report: "duty", Time: at(2), Duty: "Li Lei +86 851 8888 0001"}, {Namespace: "unit-registry"}},
			Progress:           []v1alpha1.UnitProgress{{Namespace: "unit-telecom", Unit: "Guizhou Example Telecom", Report: "p1", ReceivedTime: *at(3), Measures: "Rerouted traffic"}},
			UnitSummaryReports: []v1alpha1.UnitSummaryReport{{Namespace: "unit-telecom", Unit: "Guizhou Example Telecom", Report: "summary", ReceivedTime: at(5)}, {Namespace: "unit-registry"}},
		}}
	w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "red", Namespace: "office", CreationTimestamp: *at(1)},
		Spec:   v1alpha1.WarningSpec{Level: v1alpha1.WarningRed, Source: v1alpha1.SourceNational},
		Status: v1alpha1.WarningStatus{Acknowledgements: []v1alpha1.UnitAcknowledgement{{Namespace: "unit-telecom", Unit: "Guizhou Example Telecom", Report: "red-duty", Time: at(6), Duty: "Li Lei"}}}}
	c := fake.NewClientBuilder().WithScheme(scheme(t)).WithObjects(resp, w).Build()
	whats := func(kind Kind, name string) []string {
		t.Helper()
		entries, err := Timeline(t.Context(), c, kind, "office", name, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.What)
		}
		return out
	}
	got := strings.Join(whats(KindResponse, "outage"), "\n")
	for _, want := range []string{
		"acknowledged by Guizhou Example Telecom (unit-telecom/duty), on duty: Li Lei +86 851 8888 0001",
		"progress report unit-telecom/p1 from Guizhou Example Telecom: Rerouted traffic",
		"summary report unit-telecom/summary from Guizhou Example Telecom",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the response's timeline lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "unit-registry") {
		t.Errorf("a unit that owes its acknowledgement or summary has no entry of one:\n%s", got)
	}
	if got := strings.Join(whats(KindWarning, "red"), "\n"); !strings.Contains(got, "acknowledged by Guizhou Example Telecom (unit-telecom/red-duty), on duty: Li Lei") {
		t.Errorf("the warning's timeline lacks its unit's acknowledgement:\n%s", got)
	}
}
