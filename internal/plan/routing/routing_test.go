package routing

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
)

var setterNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// channelOf is a channel of namespace "unit" that its audience consented
// to, Ready or not.
func channelOf(name string, a v1alpha1.Audience, ready bool) *v1alpha1.NotificationChannel {
	return channelIn("unit", name, a, ready, true)
}

func channelIn(ns, name string, a v1alpha1.Audience, ready, consented bool) *v1alpha1.NotificationChannel {
	ch := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.NotificationChannelSpec{Audience: a, TimeoutSeconds: 10}}
	if ready {
		ch.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue}}
	}
	if consented {
		ch.Annotations = map[string]string{v1alpha1.AnnotationConsentedBy: "someone"}
	}
	return ch
}

func TestNeedsConsent(t *testing.T) {
	cases := map[string]struct {
		event     v1alpha1.NotificationEvent
		audiences []v1alpha1.Audience
		want      bool
	}{
		"a public notice":                         {event: v1alpha1.EventPublicNotice, audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, want: true},
		"a warning's publication is its own":      {event: v1alpha1.EventWarningPublished, audiences: []v1alpha1.Audience{v1alpha1.AudienceUnits, v1alpha1.AudiencePublic}},
		"a warning's lifting is its own":          {event: v1alpha1.EventWarningLifted, audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}},
		"a report to the offices is not public":   {event: v1alpha1.EventResponseStarted, audiences: []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice}},
		"a response's end told to the public too": {event: v1alpha1.EventResponseEnded, audiences: []v1alpha1.Audience{v1alpha1.AudienceLeadingGroup, v1alpha1.AudiencePublic}, want: true},
	}
	for name, tc := range cases {
		n := &v1alpha1.Notification{Spec: v1alpha1.NotificationSpec{Event: tc.event, Audiences: tc.audiences}}
		if got := NeedsConsent(n); got != tc.want {
			t.Errorf("%s: needsConsent = %v, want %v", name, got, tc.want)
		}
	}
}

func TestNotificationName(t *testing.T) {
	uid := "9e582e24-aae9-4bc5-8483-f76c6eb29747"
	if got, want := NotificationName("red", "published", uid), "red-published-9e582e24"; got != want {
		t.Errorf("name %q, want %q", got, want)
	}
	long := strings.Repeat("a", 240) + ".b"
	got := NotificationName(long, "adjusted-12-reportedupward", uid)
	if len(got) > 253 || !strings.HasSuffix(got, "-adjusted-12-reportedupward-9e582e24") || strings.Contains(got, ".-") {
		t.Errorf("a long name is cut to fit, keeping the key and the uid: %q (%d)", got, len(got))
	}
}

func TestReportedUpward(t *testing.T) {
	ntf := func(name string, reason string, status metav1.ConditionStatus, msg string) v1alpha1.Notification {
		n := v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: v1alpha1.NotificationSpec{Event: v1alpha1.EventIncidentReported, Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}}}
		if reason != "" {
			n.Status.Conditions = []metav1.Condition{{Type: v1alpha1.NotificationDeliveredCondition, Status: status, Reason: reason, Message: msg}}
		}
		return n
	}
	office := []v1alpha1.NotificationChannel{*channelOf("desk", v1alpha1.AudienceOffice, true)}
	cases := map[string]struct {
		ntfs     []v1alpha1.Notification
		channels []v1alpha1.NotificationChannel
		want     Verdict
	}{
		"nothing owed": {want: Verdict{Status: "True", Reason: "NothingToReport", Message: "No report is owed yet."}},
		"just written down": {ntfs: []v1alpha1.Notification{ntf("a", "", "", "")}, channels: office,
			want: Verdict{Status: "False", Reason: "DeliveryPending", Message: "a (IncidentReported): not yet delivered"}},
		"just written down, with no channel for its audience": {ntfs: []v1alpha1.Notification{ntf("a", "", "", "")},
			want: Verdict{Status: "False", Reason: "NoChannel", Message: "a (IncidentReported): Cannot reach every audience: no Ready channel for Office."}},
		"no channel, never silent": {ntfs: []v1alpha1.Notification{ntf("a", "Delivered", "True", ""), ntf("b", "NoChannel", "False", "Cannot reach every audience: no Ready channel for Office.")},
			want: Verdict{Status: "False", Reason: "NoChannel", Message: "b (IncidentReported): Cannot reach every audience: no Ready channel for Office."}},
		"failing, never silent": {ntfs: []v1alpha1.Notification{ntf("a", "DeliveryPending", "False", "Not delivered yet."), ntf("b", "DeliveryFailing", "False", "Every channel of Office failed so far; retrying.")}, channels: office,
			want: Verdict{Status: "False", Reason: "DeliveryFailing", Message: "b (IncidentReported): Every channel of Office failed so far; retrying. a (IncidentReported): not yet delivered"}},
		"all delivered": {ntfs: []v1alpha1.Notification{ntf("a", "Delivered", "True", "")},
			want: Verdict{Status: "True", Reason: "Reported", Message: "All 1 reports delivered: a."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ReportedUpward(tc.ntfs, tc.channels)); diff != "" {
				t.Errorf("ReportedUpward (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWarningReports(t *testing.T) {
	at := metav1.NewTime(setterNow)
	steps := func(h ...v1alpha1.WarningStep) v1alpha1.WarningStatus { return v1alpha1.WarningStatus{History: h} }
	cases := map[string]struct {
		level  v1alpha1.WarningLevel
		source v1alpha1.WarningSource
		st     v1alpha1.WarningStatus
		want   []string // key event audiences
	}{
		"red relayed: the leading group told": {level: v1alpha1.WarningRed, source: v1alpha1.SourceNational,
			st:   steps(v1alpha1.WarningStep{Action: v1alpha1.WarningActionPublished, Level: v1alpha1.WarningRed, Time: at}),
			want: []string{"published WarningPublished Units,Public", "reportedupward WarningRelayed LeadingGroup"}},
		"yellow published, adjusted, lifted: the ministry and emergency management each time": {level: v1alpha1.WarningBlue, source: v1alpha1.SourceProvincial,
			st: steps(v1alpha1.WarningStep{Action: v1alpha1.WarningActionPublished, Level: v1alpha1.WarningYellow, Time: at},
				v1alpha1.WarningStep{Action: v1alpha1.WarningActionAdjusted, Level: v1alpha1.WarningBlue, Time: at},
				v1alpha1.WarningStep{Action: v1alpha1.WarningActionLifted, Level: v1alpha1.WarningBlue, Time: at}),
			want: []string{"published WarningPublished Units,Public", "reportedupward WarningReportedUpward MinistryOffice,EmergencyManagement",
				"adjusted-1 WarningAdjusted Units,Public", "adjusted-1-reportedupward WarningAdjusted MinistryOffice,EmergencyManagement",
				"lifted WarningLifted Units,Public", "lifted-reportedupward WarningLifted MinistryOffice,EmergencyManagement"}},
		"a risk notice reports nothing upward": {level: v1alpha1.WarningRiskNotice, source: v1alpha1.SourceProvincial,
			st:   steps(v1alpha1.WarningStep{Action: v1alpha1.WarningActionPublished, Level: v1alpha1.WarningRiskNotice, Time: at}),
			want: []string{"published WarningPublished Units,Public"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "office"},
				Spec: v1alpha1.WarningSpec{Level: tc.level, Source: tc.source, Channels: []string{"sms"}}, Status: tc.st}
			reqs, err := Warning{Warning: w}.Owed()
			if err != nil {
				t.Fatal(err)
			}
			var gotKeys []string
			for _, r := range reqs {
				gotKeys = append(gotKeys, r.Key+" "+string(r.Event)+" "+strings.Join(audienceStrings(r.Audiences), ","))
				if ThroughNamed(r.Audiences[0]) != (len(r.Channels) > 0) {
					t.Errorf("%s: the named channels are for the units and the public only: %v", r.Key, r.Channels)
				}
				if !json.Valid(said(t, r).Data) || !r.Time.Equal(setterNow) {
					t.Errorf("%s: data valid %v, time %s", r.Key, json.Valid(said(t, r).Data), r.Time)
				}
			}
			if diff := cmp.Diff(tc.want, gotKeys); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChannelReady(t *testing.T) {
	cases := map[string]struct {
		ch   *v1alpha1.NotificationChannel
		want bool
	}{
		"consented and Ready":                         {ch: channelIn("office", "desk", v1alpha1.AudienceOffice, true, true), want: true},
		"Ready, without its audience's consent":       {ch: channelIn("office", "desk", v1alpha1.AudienceOffice, true, false)},
		"consented, its Secret not there (not Ready)": {ch: channelIn("office", "desk", v1alpha1.AudienceOffice, false, true)},
		"an empty consent is none": {ch: func() *v1alpha1.NotificationChannel {
			ch := channelIn("office", "desk", v1alpha1.AudienceOffice, true, true)
			ch.Annotations[v1alpha1.AnnotationConsentedBy] = ""
			return ch
		}()},
	}
	for name, tc := range cases {
		if got := ChannelReady(tc.ch); got != tc.want {
			t.Errorf("%s: ChannelReady = %v, want %v", name, got, tc.want)
		}
	}
}

func TestTargetsAndUnreached(t *testing.T) {
	office := []v1alpha1.Audience{v1alpha1.AudienceOffice}
	public := []v1alpha1.Audience{v1alpha1.AudienceUnits, v1alpha1.AudiencePublic}
	cases := map[string]struct {
		spec      v1alpha1.NotificationSpec
		channels  []*v1alpha1.NotificationChannel
		targets   []string
		unreached []string
	}{
		"the office's channel in the office's namespace serves a unit's report": {spec: v1alpha1.NotificationSpec{Audiences: office},
			channels: []*v1alpha1.NotificationChannel{channelIn("emergency-office", "desk", v1alpha1.AudienceOffice, true, true)},
			targets:  []string{"emergency-office/desk"}},
		"a channel claiming the office without its consent gets nothing": {spec: v1alpha1.NotificationSpec{Audiences: office},
			channels:  []*v1alpha1.NotificationChannel{channelIn("unit", "mine", v1alpha1.AudienceOffice, true, false)},
			unreached: []string{"no Ready channel for Office that Office consented to (annotation emergency.netsec.io/consented-by, written by someone who speaks for Office)"}},
		"the same name in both namespaces is two channels": {spec: v1alpha1.NotificationSpec{Audiences: office},
			channels: []*v1alpha1.NotificationChannel{channelIn("unit", "desk", v1alpha1.AudienceOffice, true, true), channelIn("emergency-office", "desk", v1alpha1.AudienceOffice, true, true)},
			targets:  []string{"emergency-office/desk", "unit/desk"}},
		"another audience's channel is not a target": {spec: v1alpha1.NotificationSpec{Audiences: office},
			channels:  []*v1alpha1.NotificationChannel{channelIn("unit", "ministry", v1alpha1.AudienceMinistryOffice, true, true)},
			unreached: []string{"no Ready channel for Office"}},
		"consented but not Ready: tried, and the audience unreached": {spec: v1alpha1.NotificationSpec{Audiences: office},
			channels:  []*v1alpha1.NotificationChannel{channelIn("unit", "desk", v1alpha1.AudienceOffice, false, true)},
			targets:   []string{"unit/desk"},
			unreached: []string{"no Ready channel for Office"}},
		"a named channel of the report's namespace for the public": {spec: v1alpha1.NotificationSpec{Audiences: public, Channels: []string{"sms"}},
			channels: []*v1alpha1.NotificationChannel{channelIn("unit", "sms", v1alpha1.AudiencePublic, true, true), channelIn("unit", "other", v1alpha1.AudiencePublic, true, true)},
			targets:  []string{"unit/sms"}},
		"naming the office's channel does not send the public's message there": {spec: v1alpha1.NotificationSpec{Audiences: public, Channels: []string{"desk"}},
			channels:  []*v1alpha1.NotificationChannel{channelIn("unit", "desk", v1alpha1.AudienceOffice, true, true)},
			unreached: []string{"no Ready channel of those named for the units and the public: desk reaches Office, not the units or the public"}},
		"a named channel without consent": {spec: v1alpha1.NotificationSpec{Audiences: public, Channels: []string{"sms"}},
			channels:  []*v1alpha1.NotificationChannel{channelIn("unit", "sms", v1alpha1.AudiencePublic, true, false)},
			unreached: []string{"no Ready channel of those named for the units and the public: sms has no consent of Public"}},
		"a name is looked up in the report's namespace only": {spec: v1alpha1.NotificationSpec{Audiences: public, Channels: []string{"sms"}},
			channels:  []*v1alpha1.NotificationChannel{channelIn("emergency-office", "sms", v1alpha1.AudiencePublic, true, true)},
			unreached: []string{"no Ready channel of those named for the units and the public: sms does not exist"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var chs []v1alpha1.NotificationChannel
			for _, ch := range tc.channels {
				chs = append(chs, *ch)
			}
			var keys []string
			for k := range Targets("unit", &tc.spec, chs) {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if diff := cmp.Diff(tc.targets, keys); diff != "" {
				t.Errorf("Targets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.unreached, Unreached("unit", &tc.spec, chs)); diff != "" {
				t.Errorf("Unreached (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnserved(t *testing.T) {
	d := func(a v1alpha1.Audience, state v1alpha1.DeliveryState) v1alpha1.NotificationDelivery {
		return v1alpha1.NotificationDelivery{Channel: string(a), Audience: a, State: state}
	}
	upward := []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceEmergencyManagement}
	cases := map[string]struct {
		spec       v1alpha1.NotificationSpec
		deliveries []v1alpha1.NotificationDelivery
		want       []v1alpha1.Audience
	}{
		"nothing delivered": {spec: v1alpha1.NotificationSpec{Audiences: upward}, want: upward},
		"one audience has it, the other owed": {spec: v1alpha1.NotificationSpec{Audiences: upward},
			deliveries: []v1alpha1.NotificationDelivery{d(v1alpha1.AudienceMinistryOffice, v1alpha1.DeliveryDelivered)},
			want:       []v1alpha1.Audience{v1alpha1.AudienceEmergencyManagement}},
		"a failed channel of an audience another channel reached": {spec: v1alpha1.NotificationSpec{Audiences: upward},
			deliveries: []v1alpha1.NotificationDelivery{d(v1alpha1.AudienceMinistryOffice, v1alpha1.DeliveryDelivered), d(v1alpha1.AudienceMinistryOffice, v1alpha1.DeliveryFailed),
				d(v1alpha1.AudienceEmergencyManagement, v1alpha1.DeliveryDelivered)}},
		"another audience's delivery does not count": {spec: v1alpha1.NotificationSpec{Audiences: []v1alpha1.Audience{v1alpha1.AudienceOffice}},
			deliveries: []v1alpha1.NotificationDelivery{d(v1alpha1.AudienceMinistryOffice, v1alpha1.DeliveryDelivered)},
			want:       []v1alpha1.Audience{v1alpha1.AudienceOffice}},
		"named channels serve the units and the public together": {spec: v1alpha1.NotificationSpec{Audiences: []v1alpha1.Audience{v1alpha1.AudienceUnits, v1alpha1.AudiencePublic}, Channels: []string{"sms"}},
			deliveries: []v1alpha1.NotificationDelivery{d(v1alpha1.AudiencePublic, v1alpha1.DeliveryDelivered)}},
		"without names, each needs its own": {spec: v1alpha1.NotificationSpec{Audiences: []v1alpha1.Audience{v1alpha1.AudienceUnits, v1alpha1.AudiencePublic}},
			deliveries: []v1alpha1.NotificationDelivery{d(v1alpha1.AudiencePublic, v1alpha1.DeliveryDelivered)},
			want:       []v1alpha1.Audience{v1alpha1.AudienceUnits}},
	}
	for name, tc := range cases {
		if diff := cmp.Diff(tc.want, Unserved(&tc.spec, tc.deliveries)); diff != "" {
			t.Errorf("%s: Unserved (-want +got):\n%s", name, diff)
		}
	}
}

func TestIncidentWithdrawnReport(t *testing.T) {
	inc := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "dup", Namespace: "unit", CreationTimestamp: metav1.NewTime(setterNow)},
		Spec: v1alpha1.SecurityIncidentSpec{Reporter: v1alpha1.Reporter{UnitName: "Unit"}}}
	keys := func() []string {
		t.Helper()
		reqs, err := Incident{SecurityIncident: inc}.Owed()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range reqs {
			out = append(out, r.Key+" "+string(r.Event)+" "+strings.Join(audienceStrings(r.Audiences), ","))
		}
		return out
	}
	if diff := cmp.Diff([]string{"reported IncidentReported Office"}, keys()); diff != "" {
		t.Errorf("an incident that stands (-want +got):\n%s", diff)
	}
	inc.Spec.Withdrawal = &v1alpha1.Withdrawal{Reason: v1alpha1.WithdrawalDuplicate, DuplicateOf: "first"}
	if diff := cmp.Diff([]string{"reported IncidentReported Office"}, keys()); diff != "" {
		t.Errorf("a withdrawal the operator has not recorded yet is not reported (-want +got):\n%s", diff)
	}
	inc.Status.Withdrawal = &v1alpha1.WithdrawalRecord{By: "unit-a", Time: metav1.NewTime(setterNow.Add(time.Hour))}
	if diff := cmp.Diff([]string{"reported IncidentReported Office", "withdrawn IncidentWithdrawn Office"}, keys()); diff != "" {
		t.Errorf("a withdrawn incident: to whom its first report went (-want +got):\n%s", diff)
	}
	reqs, _ := Incident{SecurityIncident: inc}.Owed()
	if text := said(t, reqs[1]).EN; !strings.Contains(text, "a duplicate") || !strings.Contains(text, "first") || !strings.Contains(text, "unit-a") {
		t.Errorf("the withdrawal's text says why and who: %q", text)
	}
}

// An incident that reaches level I or II is reported at once to the
// ministry's office and the leading group (§2.2, §5.4), once per level, with
// the measures proposed; a withdrawal then goes to them too.
func TestIncidentReportedUpward(t *testing.T) {
	at := func(h int) metav1.Time { return metav1.NewTime(setterNow.Add(time.Duration(h) * time.Hour)) }
	inc := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "wave", Namespace: "unit", CreationTimestamp: at(0)},
		Spec: v1alpha1.SecurityIncidentSpec{Reporter: v1alpha1.Reporter{UnitName: "Unit"}, ProposedMeasures: "Start a level II response."},
		Status: v1alpha1.SecurityIncidentStatus{LevelHistory: []v1alpha1.LevelChange{
			{Time: at(0), To: "III"}, {Time: at(1), From: "III", To: "II"}, {Time: at(2), From: "II", To: "I"},
			{Time: at(3), From: "I", To: "II"}}}}
	keys := func() []string {
		t.Helper()
		reqs, err := Incident{SecurityIncident: inc}.Owed()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range reqs {
			if r.Event == v1alpha1.EventIncidentReportedUpward || r.Event == v1alpha1.EventIncidentWithdrawn {
				out = append(out, r.Key+" "+strings.Join(audienceStrings(r.Audiences), ","))
				if r.Event == v1alpha1.EventIncidentReportedUpward && !strings.Contains(said(t, r).ZH, "Start a level II response.") {
					t.Errorf("%s does not carry the proposed measures: %q", r.Key, said(t, r).ZH)
				}
			}
		}
		return out
	}
	want := []string{"reportedupward-ii MinistryOffice,LeadingGroup", "reportedupward-i MinistryOffice,LeadingGroup"}
	if diff := cmp.Diff(want, keys()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	inc.Spec.Withdrawal = &v1alpha1.Withdrawal{Reason: v1alpha1.WithdrawalFalseAlarm}
	inc.Status.Withdrawal = &v1alpha1.WithdrawalRecord{By: "unit-a", Time: at(4)}
	if diff := cmp.Diff(append([]string{"withdrawn Office,MinistryOffice,LeadingGroup"}, want...), keys()); diff != "" {
		t.Errorf("a withdrawal goes where the reports went (-want +got):\n%s", diff)
	}
}

// A response waiting for its decision tells whoever decides it (§5.3): the
// leading group for III and IV, the ministry's office for I and II.
func TestResponseAwaitingDecision(t *testing.T) {
	for level, want := range map[v1alpha1.Level]string{
		v1alpha1.LevelIV: "LeadingGroup", v1alpha1.LevelIII: "LeadingGroup",
		v1alpha1.LevelII: "MinistryOffice", v1alpha1.LevelI: "MinistryOffice",
	} {
		resp := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "office"},
			Status: v1alpha1.EmergencyResponseStatus{Level: level, Phase: v1alpha1.ResponseAwaitingApproval,
				Conditions: []metav1.Condition{{Type: v1alpha1.ResponseApprovedCondition, Status: metav1.ConditionFalse,
					Reason: v1alpha1.ResponseAwaitingApprovalReason, LastTransitionTime: metav1.NewTime(setterNow)}}}}
		reqs, err := Response{EmergencyResponse: resp}.Owed()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range reqs {
			got = append(got, r.Key+" "+strings.Join(audienceStrings(r.Audiences), ","))
		}
		if diff := cmp.Diff([]string{"awaitingdecision-" + strings.ToLower(string(level)) + " " + want}, got); diff != "" {
			t.Errorf("level %s (-want +got):\n%s", level, diff)
		}
		now := metav1.NewTime(setterNow.Add(time.Minute))
		resp.Status.StartedTime = &now
		resp.Status.Conditions[0].Reason = v1alpha1.ResponseApprovedReason
		reqs, _ = Response{EmergencyResponse: resp}.Owed()
		for _, r := range reqs {
			if r.Event == v1alpha1.EventResponseAwaitingDecision {
				t.Errorf("level %s: a started response still says it waits", level)
			}
		}
	}
}

// Each unit's progress report goes upward as a situation report (§5.3,
// §5.4), once each, and a unit's words cannot pass for a drill banner.
func TestProgressGoesUpward(t *testing.T) {
	started := metav1.NewTime(setterNow)
	resp := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "office"},
		Status: v1alpha1.EmergencyResponseStatus{Level: v1alpha1.LevelIII, StartedTime: &started, Progress: []v1alpha1.UnitProgress{
			{Namespace: "unit-a", Unit: "Unit A", Report: "p1", ReceivedTime: metav1.NewTime(setterNow.Add(time.Hour)), Measures: "【演练】blocked", Effect: "better", NextSteps: "watch"},
			{Namespace: "unit-b", Report: "p1", ReceivedTime: metav1.NewTime(setterNow.Add(2 * time.Hour)), Measures: "rerouted"},
		}}}
	reqs, err := Response{EmergencyResponse: resp}.Owed()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reqs {
		if strings.HasPrefix(r.Key, "situation-unit") {
			got = append(got, r.Key+" "+strings.Join(audienceStrings(r.Audiences), ","))
			if strings.Contains(said(t, r).ZH, "【演练】blocked") {
				t.Errorf("a unit's words pass for a drill banner: %q", said(t, r).ZH)
			}
		}
	}
	want := []string{"situation-unit-a-p1 MinistryOffice,LeadingGroup", "situation-unit-b-p1 MinistryOffice,LeadingGroup"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The office's request for support beyond the province goes to the
// ministry's office once the response runs, once each, at the time the
// operator first saw it (§5.4, §5.5).
func TestSupportRequestGoesToTheMinistry(t *testing.T) {
	seen := metav1.NewTime(setterNow.Add(-time.Hour))
	resp := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "office"},
		Spec: v1alpha1.EmergencyResponseSpec{SupportRequests: []v1alpha1.SupportRequest{
			{Name: "scrubbing", Kinds: []v1alpha1.SupportKind{v1alpha1.SupportEquipment, v1alpha1.SupportResponseTeam}, What: "Upstream scrubbing"},
			{Name: "not-yet-seen", Kinds: []v1alpha1.SupportKind{v1alpha1.SupportOther}, What: "x"},
		}},
		Status: v1alpha1.EmergencyResponseStatus{Level: v1alpha1.LevelIII, SupportRequests: []v1alpha1.SupportRequestSent{{Name: "scrubbing", SeenTime: seen}}}}
	owed := func() []Report {
		t.Helper()
		var out []Report
		reqs, err := Response{EmergencyResponse: resp}.Owed()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			if r.Event == v1alpha1.EventResponseSupportRequested {
				out = append(out, r)
			}
		}
		return out
	}
	if got := owed(); len(got) != 0 {
		t.Fatalf("a response not yet started asked the ministry for support: %+v", got)
	}
	started := metav1.NewTime(setterNow)
	resp.Status.StartedTime = &started
	got := owed()
	if len(got) != 1 {
		t.Fatalf("want one request to the ministry, got %+v", got)
	}
	r := got[0]
	if r.Key != "supportrequest-scrubbing" || strings.Join(audienceStrings(r.Audiences), ",") != "MinistryOffice" || !r.Time.Equal(setterNow) {
		t.Errorf("got key %q to %v at %v; want supportrequest-scrubbing to MinistryOffice at the start", r.Key, r.Audiences, r.Time)
	}
	for _, want := range []string{"请求支援", "技术设备、应急队伍", "Upstream scrubbing"} {
		if !strings.Contains(said(t, r).ZH, want) {
			t.Errorf("the Chinese text lacks %q:\n%s", want, said(t, r).ZH)
		}
	}
}

// said is what report r says, composed.
func said(t *testing.T, r Report) notify.Content {
	t.Helper()
	c, err := r.Content()
	if err != nil {
		t.Fatalf("composing %s: %v", r.Key, err)
	}
	return c
}
