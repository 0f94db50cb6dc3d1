package controllers

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The setters and rules of notifications, without a cluster.

func channelOf(name string, a v1alpha1.Audience, ready bool) *v1alpha1.NotificationChannel {
	ch := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "office",
		Annotations: map[string]string{v1alpha1.AnnotationConsentedBy: "someone"}}, Spec: v1alpha1.NotificationChannelSpec{Audience: a, TimeoutSeconds: 10}}
	if ready {
		ch.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue}}
	}
	return ch
}

func TestNotificationSetDelivered(t *testing.T) {
	at := metav1.NewTime(setterNow)
	sms, ministry, ministry2 := channelOf("sms", v1alpha1.AudiencePublic, true), channelOf("ministry", v1alpha1.AudienceMinistryOffice, true), channelOf("ministry-2", v1alpha1.AudienceMinistryOffice, true)
	targets := map[string]*v1alpha1.NotificationChannel{"office/sms": sms, "office/ministry": ministry}
	both := []v1alpha1.Audience{v1alpha1.AudiencePublic, v1alpha1.AudienceMinistryOffice}
	done := v1alpha1.NotificationDelivery{Channel: "sms", Namespace: "office", Audience: v1alpha1.AudiencePublic, State: v1alpha1.DeliveryDelivered, DeliveredTime: &at, Attempts: 1}
	failing := v1alpha1.NotificationDelivery{Channel: "ministry", Namespace: "office", Audience: v1alpha1.AudienceMinistryOffice, State: v1alpha1.DeliveryFailed, Attempts: 2, LastError: "receiver answered HTTP 503"}
	fresh := v1alpha1.NotificationDelivery{Channel: "ministry-2", Namespace: "office", Audience: v1alpha1.AudienceMinistryOffice, State: v1alpha1.DeliveryPending}
	reached := v1alpha1.NotificationDelivery{Channel: "ministry-2", Namespace: "office", Audience: v1alpha1.AudienceMinistryOffice, State: v1alpha1.DeliveryDelivered, DeliveredTime: &at, Attempts: 1}
	cases := map[string]struct {
		audiences  []v1alpha1.Audience
		deliveries []v1alpha1.NotificationDelivery
		targets    map[string]*v1alpha1.NotificationChannel
		unreached  []string
		held       int
		want       got
		delivered  bool
	}{
		"nothing sent yet": {audiences: both, targets: targets,
			want: got{Status: "False", Reason: "DeliveryPending", Message: "Not delivered yet."}},
		"every channel of an audience failing, with its error": {audiences: both, deliveries: []v1alpha1.NotificationDelivery{done, failing}, targets: targets,
			want: got{Status: "False", Reason: "DeliveryFailing", Message: "Every channel of MinistryOffice failed so far; retrying. 1 of 2 channels do not have it yet. office/ministry (attempt 2): receiver answered HTTP 503."}},
		"one channel of an audience failing, another not tried yet": {audiences: both, deliveries: []v1alpha1.NotificationDelivery{done, failing, fresh},
			targets: map[string]*v1alpha1.NotificationChannel{"office/sms": sms, "office/ministry": ministry, "office/ministry-2": ministry2},
			want:    got{Status: "False", Reason: "DeliveryPending", Message: "Not delivered yet. 2 of 3 channels do not have it yet. office/ministry (attempt 2): receiver answered HTTP 503."}},
		"one channel of an audience failing, another of it reached": {audiences: both, deliveries: []v1alpha1.NotificationDelivery{done, failing, reached},
			targets: map[string]*v1alpha1.NotificationChannel{"office/sms": sms, "office/ministry": ministry, "office/ministry-2": ministry2},
			want:    got{Status: "True", Reason: "Delivered", Message: "Delivered through 2 channel(s): office/sms, office/ministry-2."}, delivered: true},
		"an audience without a Ready channel comes first": {audiences: []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceEmergencyManagement},
			deliveries: []v1alpha1.NotificationDelivery{failing}, targets: targets, unreached: []string{"no Ready channel for EmergencyManagement"},
			want: got{Status: "False", Reason: "NoChannel", Message: "Cannot reach every audience: no Ready channel for EmergencyManagement. 1 of 1 channels do not have it yet. office/ministry (attempt 2): receiver answered HTTP 503."}},
		"held for consent": {audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, targets: targets, held: 1,
			deliveries: []v1alpha1.NotificationDelivery{{Channel: "sms", Namespace: "office", Audience: v1alpha1.AudiencePublic, State: v1alpha1.DeliveryPending}},
			want: got{Status: "False", Reason: "AwaitingConsent", Message: "1 message(s) to the public wait for the emergency office's consent (annotation emergency.netsec.io/release-approved-by). 1 of 1 channels do not have it yet.",
				Events: []string{"Normal/AwaitingConsent"}}},
		"delivered everywhere": {audiences: []v1alpha1.Audience{v1alpha1.AudiencePublic}, deliveries: []v1alpha1.NotificationDelivery{done}, targets: map[string]*v1alpha1.NotificationChannel{"office/sms": sms},
			want: got{Status: "True", Reason: "Delivered", Message: "Delivered through 1 channel(s): office/sms."}, delivered: true},
		"a channel gone since is left out, once its audience has it elsewhere": {audiences: both, deliveries: []v1alpha1.NotificationDelivery{done, failing, reached},
			targets: map[string]*v1alpha1.NotificationChannel{"office/sms": sms, "office/ministry-2": ministry2},
			want:    got{Status: "True", Reason: "Delivered", Message: "Delivered through 2 channel(s): office/sms, office/ministry-2."}, delivered: true},
		"a delivery to another audience's channel does not count for this one": {audiences: both, deliveries: []v1alpha1.NotificationDelivery{done}, targets: targets,
			want: got{Status: "False", Reason: "DeliveryPending", Message: "Not delivered yet."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n := &v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Namespace: "unit"}, Spec: v1alpha1.NotificationSpec{Audiences: tc.audiences},
				Status: v1alpha1.NotificationStatus{Deliveries: tc.deliveries}}
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

func TestChannelReady(t *testing.T) {
	ch := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: "wecom", Namespace: "office"},
		Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelWeCom, Audience: v1alpha1.AudienceUnits, SecretRef: v1alpha1.SecretReference{Name: "wecom-endpoint"}}}
	s := &channelScope{Pass: reconcile.Begin(testKit(setterNow), ch, false)}
	r := &NotificationChannelReconciler{}
	s.setSecretRead(nil)
	reconcile.SetReady(s.Pass, r.ready(s))
	if diff := cmp.Diff(got{Status: "False", Reason: "NoConsent", Message: "Units has not consented to this channel, so nothing is delivered through it: someone who may consent for Units " +
		"(the verb consent on audiences/units in emergency.netsec.io) runs kubectl annotate nch wecom -n office emergency.netsec.io/consented-by=$USER."},
		outcome(ch.Status.Conditions, v1alpha1.ConditionReady, s.Events)); diff != "" {
		t.Errorf("Ready without consent (-want +got):\n%s", diff)
	}
	ch.Annotations = map[string]string{v1alpha1.AnnotationConsentedBy: "duty-officer"}
	s.setSecretRead(&secretError{reason: v1alpha1.ChannelSecretUnusableReason, msg: `Secret "wecom-endpoint" does not hold a usable WeCom address`})
	reconcile.SetReady(s.Pass, r.ready(s))
	if diff := cmp.Diff(got{Status: "False", Reason: "SecretUnusable", Message: `Secret "wecom-endpoint" does not hold a usable WeCom address.`},
		outcome(ch.Status.Conditions, v1alpha1.ConditionReady, s.Events)); diff != "" {
		t.Errorf("Ready without the Secret (-want +got):\n%s", diff)
	}
	s.setSecretRead(nil)
	reconcile.SetReady(s.Pass, r.ready(s))
	if diff := cmp.Diff(got{Status: "True", Reason: "SecretFound", Message: `Consented to by duty-officer; Secret "wecom-endpoint" holds the WeCom address.`},
		outcome(ch.Status.Conditions, v1alpha1.ConditionReady, s.Events)); diff != "" {
		t.Errorf("Ready with the Secret (-want +got):\n%s", diff)
	}
}

// A channel's reader may not be one who may read its Secret: whether the
// Secret is absent, lacks its address or holds a bad one, the channel says
// the same.
func TestChannelSecretNoOracle(t *testing.T) {
	ch := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: "wecom", Namespace: "office"},
		Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelWeCom, SecretRef: v1alpha1.SecretReference{Name: "wecom-endpoint"}}}
	secret := func(data map[string]string) client.Object {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wecom-endpoint", Namespace: "office"}, Data: map[string][]byte{}}
		for k, v := range data {
			s.Data[k] = []byte(v)
		}
		return s
	}
	var first string
	for name, objs := range map[string][]client.Object{
		"absent":        nil,
		"no address":    {secret(map[string]string{"signingSecret": "SEC"})},
		"blank address": {secret(map[string]string{"address": "  "})},
		"not a URL":     {secret(map[string]string{"address": "ftp://relay.example.cn/hook?key=K"})},
	} {
		c := fake.NewClientBuilder().WithObjects(objs...).Build()
		_, err := readEndpoint(context.Background(), c, ch)
		se := (*secretError)(nil)
		if !errors.As(err, &se) || se.reason != v1alpha1.ChannelSecretUnusableReason {
			t.Fatalf("%s: got %v, want reason %s", name, err, v1alpha1.ChannelSecretUnusableReason)
		}
		if first == "" {
			first = se.msg
		}
		if se.msg != first {
			t.Errorf("%s: the channel says %q, for another case %q: a reader could tell them apart", name, se.msg, first)
		}
		if strings.Contains(se.msg, "relay.example.cn") || strings.Contains(se.msg, "SEC") {
			t.Errorf("%s: the message shows what the Secret holds: %q", name, se.msg)
		}
	}
	ok := fake.NewClientBuilder().WithObjects(secret(map[string]string{"address": "https://qyapi.example.cn/send?key=K"})).Build()
	if _, err := readEndpoint(context.Background(), ok, ch); err != nil {
		t.Errorf("a Secret with an https address: %v", err)
	}
}
