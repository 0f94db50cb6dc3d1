package controllers

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The setters and rules of notifications, without a cluster.

func channelOf(name string, a v1alpha1.Audience, ready bool) *v1alpha1.NotificationChannel {
	ch := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.NotificationChannelSpec{Audience: a, TimeoutSeconds: 10}}
	if ready {
		ch.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue}}
	}
	return ch
}

func TestNotificationSetDelivered(t *testing.T) {
	at := metav1.NewTime(setterNow)
	sms, ministry := channelOf("sms", v1alpha1.AudiencePublic, true), channelOf("ministry", v1alpha1.AudienceMinistryOffice, true)
	targets := map[string]*v1alpha1.NotificationChannel{"sms": sms, "ministry": ministry}
	done := v1alpha1.NotificationDelivery{Channel: "sms", State: v1alpha1.DeliveryDelivered, DeliveredTime: &at, Attempts: 1}
	failing := v1alpha1.NotificationDelivery{Channel: "ministry", State: v1alpha1.DeliveryFailed, Attempts: 2, LastError: "receiver answered HTTP 503"}
	cases := map[string]struct {
		deliveries []v1alpha1.NotificationDelivery
		targets    map[string]*v1alpha1.NotificationChannel
		unreached  []string
		held       int
		want       got
		delivered  bool
	}{
		"nothing sent yet": {targets: targets,
			want: got{Status: "False", Reason: "DeliveryPending", Message: "Not delivered yet."}},
		"a channel failing, with its error": {deliveries: []v1alpha1.NotificationDelivery{done, failing}, targets: targets,
			want: got{Status: "False", Reason: "DeliveryPending", Message: "Not delivered yet. 1 of 2 channels do not have it yet. ministry (attempt 2): receiver answered HTTP 503."}},
		"an audience without a Ready channel comes first": {deliveries: []v1alpha1.NotificationDelivery{failing}, targets: targets, unreached: []string{"no Ready channel for EmergencyManagement"},
			want: got{Status: "False", Reason: "NoChannel", Message: "Cannot reach every audience: no Ready channel for EmergencyManagement. 1 of 1 channels do not have it yet. ministry (attempt 2): receiver answered HTTP 503."}},
		"held for consent": {targets: targets, held: 1, deliveries: []v1alpha1.NotificationDelivery{{Channel: "sms", State: v1alpha1.DeliveryPending}},
			want: got{Status: "False", Reason: "AwaitingConsent", Message: "1 message(s) to the public wait for the emergency office's consent (annotation emergency.netsec.io/release-approved-by). 1 of 1 channels do not have it yet.",
				Events: []string{"Normal/AwaitingConsent"}}},
		"delivered everywhere": {deliveries: []v1alpha1.NotificationDelivery{done}, targets: map[string]*v1alpha1.NotificationChannel{"sms": sms},
			want: got{Status: "True", Reason: "Delivered", Message: "Delivered through 1 channel(s): sms."}, delivered: true},
		"a channel gone since is left out": {deliveries: []v1alpha1.NotificationDelivery{done, failing}, targets: map[string]*v1alpha1.NotificationChannel{"sms": sms},
			want: got{Status: "True", Reason: "Delivered", Message: "Delivered through 1 channel(s): sms."}, delivered: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n := &v1alpha1.Notification{Status: v1alpha1.NotificationStatus{Deliveries: tc.deliveries}}
			s := &notificationScope{Pass: reconcile.Begin(testKit(setterNow), n, false), targets: tc.targets, unreached: tc.unreached, held: tc.held}
			s.setDelivered()
			if diff := cmp.Diff(tc.want, outcome(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition, s.Events)); diff != "" {
				t.Errorf("Delivered (-want +got):\n%s", diff)
			}
			if (n.Status.DeliveredTime != nil) != tc.delivered {
				t.Errorf("deliveredTime %v, want set: %v", n.Status.DeliveredTime, tc.delivered)
			}
		})
	}
}

func TestNextAttempt(t *testing.T) {
	at := metav1.NewTime(setterNow)
	ch := channelOf("c", v1alpha1.AudienceOffice, true)
	cases := map[string]struct {
		d        v1alpha1.NotificationDelivery
		wait     time.Duration
		retrying bool
	}{
		"never tried":            {d: v1alpha1.NotificationDelivery{State: v1alpha1.DeliveryPending}},
		"first failure: 1 s":     {d: v1alpha1.NotificationDelivery{State: v1alpha1.DeliveryFailed, Attempts: 1, LastAttemptTime: &at}, wait: time.Second, retrying: true},
		"third failure: 4 s":     {d: v1alpha1.NotificationDelivery{State: v1alpha1.DeliveryFailed, Attempts: 3, LastAttemptTime: &at}, wait: 4 * time.Second, retrying: true},
		"capped at five minutes": {d: v1alpha1.NotificationDelivery{State: v1alpha1.DeliveryFailed, Attempts: 30, LastAttemptTime: &at}, wait: 5 * time.Minute, retrying: true},
		"outcome never recorded: may still be under way": {d: v1alpha1.NotificationDelivery{State: v1alpha1.DeliveryPending, Attempts: 1, LastAttemptTime: &at}, wait: 15 * time.Second, retrying: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			next, retrying := nextAttempt(tc.d, ch)
			if retrying != tc.retrying || (retrying && !next.Equal(setterNow.Add(tc.wait))) {
				t.Errorf("next attempt %s (%v), want %s later (%v)", next, retrying, tc.wait, tc.retrying)
			}
		})
	}
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
		if got := needsConsent(n); got != tc.want {
			t.Errorf("%s: needsConsent = %v, want %v", name, got, tc.want)
		}
	}
}

func TestNotificationName(t *testing.T) {
	uid := "9e582e24-aae9-4bc5-8483-f76c6eb29747"
	if got, want := notificationName("red", "published", uid), "red-published-9e582e24"; got != want {
		t.Errorf("name %q, want %q", got, want)
	}
	long := strings.Repeat("a", 240) + ".b"
	got := notificationName(long, "adjusted-12-reportedupward", uid)
	if len(got) > 253 || !strings.HasSuffix(got, "-adjusted-12-reportedupward-9e582e24") || strings.Contains(got, ".-") {
		t.Errorf("a long name is cut to fit, keeping the key and the uid: %q (%d)", got, len(got))
	}
}

func TestSetReportedUpward(t *testing.T) {
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
		want     got
	}{
		"nothing owed": {want: got{Status: "True", Reason: "NothingToReport", Message: "No report is owed yet."}},
		"just written down": {ntfs: []v1alpha1.Notification{ntf("a", "", "", "")}, channels: office,
			want: got{Status: "False", Reason: "DeliveryPending", Message: "a (IncidentReported): not yet delivered"}},
		"just written down, with no channel for its audience": {ntfs: []v1alpha1.Notification{ntf("a", "", "", "")},
			want: got{Status: "False", Reason: "NoChannel", Message: "a (IncidentReported): Cannot reach every audience: no Ready channel for Office."}},
		"no channel, never silent": {ntfs: []v1alpha1.Notification{ntf("a", "Delivered", "True", ""), ntf("b", "NoChannel", "False", "Cannot reach every audience: no Ready channel for Office.")},
			want: got{Status: "False", Reason: "NoChannel", Message: "b (IncidentReported): Cannot reach every audience: no Ready channel for Office."}},
		"all delivered": {ntfs: []v1alpha1.Notification{ntf("a", "Delivered", "True", "")},
			want: got{Status: "True", Reason: "Reported", Message: "All 1 reports delivered: a."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := reconcile.Begin(testKit(setterNow), &v1alpha1.SecurityIncident{}, false)
			setReportedUpward(p, tc.ntfs, tc.channels)
			if diff := cmp.Diff(tc.want, outcome(p.Obj.Status.Conditions, v1alpha1.ConditionReportedUpward, p.Events)); diff != "" {
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
			reqs, err := warningReports(w)
			if err != nil {
				t.Fatal(err)
			}
			var gotKeys []string
			for _, r := range reqs {
				gotKeys = append(gotKeys, r.Key+" "+string(r.Event)+" "+strings.Join(audienceStrings(r.Audiences), ","))
				if throughNamed(r.Audiences[0]) != (len(r.Channels) > 0) {
					t.Errorf("%s: the named channels are for the units and the public only: %v", r.Key, r.Channels)
				}
				if !json.Valid(r.Report.Data) || !r.Time.Equal(setterNow) {
					t.Errorf("%s: data valid %v, time %s", r.Key, json.Valid(r.Report.Data), r.Time)
				}
			}
			if diff := cmp.Diff(tc.want, gotKeys); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChannelReady(t *testing.T) {
	ch := &v1alpha1.NotificationChannel{Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelWeCom, SecretRef: v1alpha1.SecretReference{Name: "wecom-endpoint"}}}
	s := &channelScope{Pass: reconcile.Begin(testKit(setterNow), ch, false)}
	r := &NotificationChannelReconciler{}
	s.setSecretRead(&secretError{reason: v1alpha1.ChannelSecretMissingReason, msg: `Secret "wecom-endpoint" of channel "wecom": notfound`})
	reconcile.SetReady(s.Pass, r.ready(s))
	if diff := cmp.Diff(got{Status: "False", Reason: "SecretMissing", Message: `Secret "wecom-endpoint" of channel "wecom": notfound.`},
		outcome(ch.Status.Conditions, v1alpha1.ConditionReady, s.Events)); diff != "" {
		t.Errorf("Ready without the Secret (-want +got):\n%s", diff)
	}
	s.setSecretRead(nil)
	reconcile.SetReady(s.Pass, r.ready(s))
	if diff := cmp.Diff(got{Status: "True", Reason: "SecretFound", Message: `Secret "wecom-endpoint" holds the WeCom address.`},
		outcome(ch.Status.Conditions, v1alpha1.ConditionReady, s.Events)); diff != "" {
		t.Errorf("Ready with the Secret (-want +got):\n%s", diff)
	}
}
