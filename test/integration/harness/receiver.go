package harness

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
)

// Receiver is a webhook endpoint on loopback that records what it gets, and
// fails the first `failures` requests. With AnswerAfter set it takes that
// long to answer; with Hold set, it keeps what it got and answers once the
// hold is closed (or the sender gives up).
type Receiver struct {
	*httptest.Server
	mu          sync.Mutex
	failures    int
	bodies      []map[string]any
	hits        int
	answerAfter time.Duration
	hold        chan struct{}
}

// NewReceiver starts a Receiver that fails its first failures requests
// (503); the spec's cleanup closes it.
func NewReceiver(failures int) *Receiver {
	r := &Receiver{failures: failures}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		data, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.hits++
		if r.failures > 0 {
			r.failures--
			r.mu.Unlock()
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		body := map[string]any{}
		_ = json.Unmarshal(data, &body)
		r.bodies = append(r.bodies, body)
		wait, hold := r.answerAfter, r.hold
		r.mu.Unlock()
		if wait > 0 {
			time.Sleep(wait)
		}
		if hold != nil {
			select {
			case <-hold:
			case <-req.Context().Done():
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	DeferCleanup(r.Close)
	return r
}

// AnswerAfter makes the receiver take d to answer each request.
func (r *Receiver) AnswerAfter(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answerAfter = d
}

// Hold makes the receiver keep each request it records unanswered until
// hold is closed.
func (r *Receiver) Hold(hold chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hold = hold
}

// Bodies are the JSON bodies received, in order.
func (r *Receiver) Bodies() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.bodies...)
}

// IDs are the CloudEvents ids received, in order, duplicates included.
func (r *Receiver) IDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.bodies {
		id, _ := b["id"].(string)
		out = append(out, id)
	}
	return out
}

// Texts are the robot (WeCom, DingTalk) texts received, in order.
func (r *Receiver) Texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.bodies {
		if t, ok := b["text"].(map[string]any); ok {
			out = append(out, t["content"].(string))
		}
	}
	return out
}

// Attempts counts the requests, failed ones included.
func (r *Receiver) Attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits
}

var messageID = regexp.MustCompile(`消息编号 / message id: (\S+)`)

// RobotIDs are the message ids of the robot texts received, in order.
func (r *Receiver) RobotIDs() []string {
	var out []string
	for _, t := range r.Texts() {
		if m := messageID.FindStringSubmatch(t); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// NewChannel creates a channel and the Secret holding its address, and
// has its audience consent to it (Consent). A channel of the office's
// namespace is removed with its Secret when the spec ends.
func NewChannel(ns, name string, typ v1alpha1.ChannelType, audience v1alpha1.Audience, address string, timeoutSeconds int32) {
	GinkgoHelper()
	NewUnconsentedChannel(ns, name, typ, audience, address, timeoutSeconds)
	Expect(Consent(ns, name)).To(Succeed())
}

// NewUnconsentedChannel is NewChannel without the consent: a channel the
// operator delivers nothing through.
func NewUnconsentedChannel(ns, name string, typ v1alpha1.ChannelType, audience v1alpha1.Audience, address string, timeoutSeconds int32) {
	GinkgoHelper()
	c := current()
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name + "-endpoint", Namespace: ns},
		StringData: map[string]string{"address": address},
	}
	Expect(c.Client.Create(c.Ctx, secret)).To(Succeed())
	ch := &v1alpha1.NotificationChannel{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.NotificationChannelSpec{Type: typ, Audience: audience, SecretRef: v1alpha1.SecretReference{Name: name + "-endpoint"},
			TimeoutSeconds: timeoutSeconds},
	}
	Expect(c.Client.Create(c.Ctx, ch)).To(Succeed())
	if ns == OfficeNamespace {
		DeferCleanup(func() {
			Expect(client.IgnoreNotFound(c.Client.Delete(c.Ctx, ch))).To(Succeed())
			Expect(client.IgnoreNotFound(c.Client.Delete(c.Ctx, secret))).To(Succeed())
		})
	}
}

// ChannelKeeper speaks for every audience in these suites: it consents to
// the channels NewChannel makes (a test role, ChannelKeeperRole, not one
// of the shipped ones, which each speak for their own audiences).
const ChannelKeeper = "channel-keeper"

// ChannelKeeperRole grants ChannelKeeper consent for every audience, and
// patch on channels, which are real records (records/real).
const ChannelKeeperRole = "test-channel-keeper"

// Consent has ChannelKeeper consent, with its own name, to the channel
// ns/name, through its own credentials.
func Consent(ns, name string) error {
	GinkgoHelper()
	c := current()
	if !c.granted[ChannelKeeperRole] {
		role := &rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: ChannelKeeperRole},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"notificationchannels"}, Verbs: []string{"get", "patch"}},
				{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"audiences"}, Verbs: []string{"consent"},
					ResourceNames: []string{"office", "leadinggroup", "ministryoffice", "emergencymanagement", "units", "public"}},
				{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"records"}, ResourceNames: []string{"real"}, Verbs: []string{"write"}},
			},
		}
		Expect(c.Client.Create(c.Ctx, role)).To(Succeed())
		c.granted[ChannelKeeperRole] = true
		bindOnce("test-channel-keeper-binding", ChannelKeeperRole, ChannelKeeper)
	}
	patch := []byte(`{"metadata":{"annotations":{"` + v1alpha1.AnnotationConsentedBy + `":"` + ChannelKeeper + `"}}}`)
	ch := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	// RBAC takes a moment to reach the authorizer after the binding.
	var err error
	Eventually(func() error {
		err = AsUser(ChannelKeeper).Patch(c.Ctx, ch, client.RawPatch(types.MergePatchType, patch))
		return err
	}).Should(Succeed())
	return err
}

// ReportOf reads the notification a source made under a key ("published",
// "reportedupward", "adjusted-1", …).
func ReportOf(g Gomega, src client.Object, key string) *v1alpha1.Notification {
	c := current()
	n := &v1alpha1.Notification{}
	g.Expect(c.Client.Get(c.Ctx, client.ObjectKey{Namespace: src.GetNamespace(), Name: routing.NotificationName(src.GetName(), key, string(src.GetUID()))}, n)).To(Succeed())
	return n
}

// DeliveryOf is a notification's delivery to one channel (of its own
// namespace, or, if none, of another), or an empty one.
func DeliveryOf(n *v1alpha1.Notification, channel string) v1alpha1.NotificationDelivery {
	var other *v1alpha1.NotificationDelivery
	for i, d := range n.Status.Deliveries {
		if d.Channel == channel && (d.Namespace == "" || d.Namespace == n.Namespace) {
			return d
		}
		if d.Channel == channel && other == nil {
			other = &n.Status.Deliveries[i]
		}
	}
	if other != nil {
		return *other
	}
	return v1alpha1.NotificationDelivery{}
}

// ReachOffice sets up, for the spec, a consented CloudEvents channel in the
// office's namespace for each audience, all to one new receiver, which it
// returns: the reports of every namespace to those audiences reach it, so
// their sources can be Ready.
func ReachOffice(audiences ...v1alpha1.Audience) *Receiver {
	GinkgoHelper()
	r := NewReceiver(0)
	for _, a := range audiences {
		NewChannel(OfficeNamespace, "reach-"+strings.ToLower(string(a)), v1alpha1.ChannelCloudEvents, a, r.URL, 5)
	}
	return r
}
