package harness

import (
	"encoding/json"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/deadline"
)

// EventsFor lists the events about one object.
func EventsFor(g Gomega, obj client.Object) []eventsv1.Event {
	c := current()
	list := &eventsv1.EventList{}
	g.Expect(c.Client.List(c.Ctx, list, client.InNamespace(obj.GetNamespace()))).To(Succeed())
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.UID == obj.GetUID() {
			out = append(out, e)
		}
	}
	return out
}

// EventReasons lists "Type/Reason" of the events about obj.
func EventReasons(g Gomega, obj client.Object) []string {
	var out []string
	for _, e := range EventsFor(g, obj) {
		out = append(out, e.Type+"/"+e.Reason)
	}
	return out
}

// Condition returns a condition of an incident, or an empty one.
func Condition(inc *v1alpha1.SecurityIncident, typ string) metav1.Condition {
	return ConditionOf(inc.Status.Conditions, typ)
}

// ConditionOf returns a condition from a list, or an empty one.
func ConditionOf(conds []metav1.Condition, typ string) metav1.Condition {
	if c := meta.FindStatusCondition(conds, typ); c != nil {
		return *c
	}
	return metav1.Condition{}
}

// DeadlineOf returns a deadline of an incident, or an empty one.
func DeadlineOf(inc *v1alpha1.SecurityIncident, name string) v1alpha1.Deadline {
	return deadline.Find(inc.Status.Deadlines, name)
}

// Get reads an incident afresh.
func Get(g Gomega, inc *v1alpha1.SecurityIncident) *v1alpha1.SecurityIncident {
	c := current()
	out := &v1alpha1.SecurityIncident{}
	g.Expect(c.Client.Get(c.Ctx, client.ObjectKeyFromObject(inc), out)).To(Succeed())
	return out
}

// KeyOf is an object's namespace and name.
func KeyOf(o client.Object) client.ObjectKey { return client.ObjectKeyFromObject(o) }

// GetResponse reads a response afresh.
func GetResponse(g Gomega, resp *v1alpha1.EmergencyResponse) *v1alpha1.EmergencyResponse {
	c := current()
	out := &v1alpha1.EmergencyResponse{}
	g.Expect(c.Client.Get(c.Ctx, client.ObjectKeyFromObject(resp), out)).To(Succeed())
	return out
}

// ResponseCondition returns a condition of a response, or an empty one.
func ResponseCondition(resp *v1alpha1.EmergencyResponse, typ string) metav1.Condition {
	return ConditionOf(resp.Status.Conditions, typ)
}

// ResponseDeadline returns a deadline of a response, or an empty one.
func ResponseDeadline(resp *v1alpha1.EmergencyResponse, name string) v1alpha1.Deadline {
	return deadline.Find(resp.Status.Deadlines, name)
}

// LoadYAML reads one object from a manifest.
func LoadYAML(path string, into client.Object) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return yaml.UnmarshalStrict(data, into)
}

// Annotate writes annotations on a response as a user, the way `kubectl
// annotate` does (a merge patch; a nil value removes one).
func Annotate(c client.Client, resp *v1alpha1.EmergencyResponse, kv map[string]any) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": kv}})
	Expect(err).NotTo(HaveOccurred())
	return c.Patch(current().Ctx, &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: resp.Name, Namespace: resp.Namespace}},
		client.RawPatch(types.MergePatchType, patch))
}

// Approve writes an approval once the operator has settled the response's
// level, as a person reading `kubectl get` would.
func Approve(c client.Client, resp *v1alpha1.EmergencyResponse, user string, level v1alpha1.Level) error {
	GinkgoHelper()
	Eventually(func(g Gomega) v1alpha1.Level { return GetResponse(g, resp).Status.Level }).ShouldNot(BeEmpty())
	return Annotate(c, resp, map[string]any{v1alpha1.AnnotationApprovedBy: user, v1alpha1.AnnotationApprovedLevel: string(level)})
}

// AnnotateNotification writes annotations on a notification as a user, as
// `kubectl annotate`.
func AnnotateNotification(c client.Client, n *v1alpha1.Notification, kv map[string]string) error {
	cl := current()
	cur := &v1alpha1.Notification{}
	if err := cl.Client.Get(cl.Ctx, client.ObjectKeyFromObject(n), cur); err != nil {
		return err
	}
	patch := client.MergeFrom(cur.DeepCopy())
	if cur.Annotations == nil {
		cur.Annotations = map[string]string{}
	}
	for k, v := range kv {
		cur.Annotations[k] = v
	}
	return c.Patch(cl.Ctx, cur, patch)
}

// Delivered is a notification's Delivered condition.
func Delivered(n *v1alpha1.Notification) metav1.Condition {
	return ConditionOf(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition)
}

// RefusedWith expects the API server's refusal (Forbidden or Invalid),
// naming words.
func RefusedWith(err error, words ...string) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred())
	Expect(apierrors.IsForbidden(err) || apierrors.IsInvalid(err)).To(BeTrue(), "want a refusal, got %v", err)
	for _, w := range words {
		Expect(err.Error()).To(ContainSubstring(w))
	}
}

// RefusedIn is RefusedWith inside an Eventually: a conflict (the operator
// wrote the object's status meanwhile) fails the attempt, so that it is
// made again on a fresh copy, instead of failing the spec.
func RefusedIn(g Gomega, err error, words ...string) {
	g.Expect(err).To(HaveOccurred())
	g.Expect(apierrors.IsConflict(err)).To(BeFalse(), "a conflict, not the refusal: trying again")
	g.Expect(apierrors.IsForbidden(err) || apierrors.IsInvalid(err)).To(BeTrue(), "want a refusal, got %v", err)
	for _, w := range words {
		g.Expect(err.Error()).To(ContainSubstring(w))
	}
}

// Gathered finds one metric in the operator's registry (controller-runtime's)
// by name and labels, or nil.
func Gathered(name string, labels map[string]string) *dto.Metric {
	GinkgoHelper()
	families, err := metrics.Registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			return m
		}
	}
	return nil
}

// NewWarning creates, as the duty officer, a warning of the given colour
// and source in namespace ns, published through the channels named.
func NewWarning(ns, name string, level v1alpha1.WarningLevel, source v1alpha1.WarningSource, drill bool, channels ...string) *v1alpha1.Warning {
	GinkgoHelper()
	w := &v1alpha1.Warning{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.WarningSpec{
			Level: level, Source: source, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
			Scope: "Mail servers of the province", Harm: "Credential theft", Precautions: []string{"Reset administrator passwords"}, TimeLimits: "Within 24 hours",
			Issuer: "National office", Hotline: "12321", Channels: channels, Drill: drill,
		},
	}
	Expect(AsUser(DutyOfficer).Create(current().Ctx, w)).To(Succeed())
	return w
}

// ApproveYellow approves w at yellow, as the provincial leading group.
func ApproveYellow(w *v1alpha1.Warning) {
	GinkgoHelper()
	c := current()
	Eventually(func() error {
		cur := &v1alpha1.Warning{}
		if err := c.Client.Get(c.Ctx, client.ObjectKeyFromObject(w), cur); err != nil {
			return err
		}
		patch := client.MergeFrom(cur.DeepCopy())
		cur.Annotations[v1alpha1.AnnotationApprovedBy] = ApproverIII
		cur.Annotations[v1alpha1.AnnotationApprovedLevel] = "Yellow"
		return AsUser(ApproverIII).Patch(c.Ctx, cur, patch)
	}).Should(Succeed())
}

// GetWarning reads w afresh.
func GetWarning(g Gomega, w *v1alpha1.Warning) *v1alpha1.Warning {
	c := current()
	out := &v1alpha1.Warning{}
	g.Expect(c.Client.Get(c.Ctx, client.ObjectKeyFromObject(w), out)).To(Succeed())
	return out
}
