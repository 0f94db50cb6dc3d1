package deletion

import (
	"encoding/json"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// Deletion as a cluster does it: the suite runs kube-controller-manager's
// garbage collector and namespace controller (test/integration/harness), so nothing
// here deletes an owned object itself.

// hold is a finalizer of the tests' own, which keeps an object in its
// deletion (deletionTimestamp set) for as long as a spec needs.
const hold = "test.emergency.netsec.io/hold"

// patchMeta writes metadata (annotations, finalizers) with a merge patch.
func patchMeta(c client.Client, obj client.Object, meta map[string]any) error {
	data, err := json.Marshal(map[string]any{"metadata": meta})
	Expect(err).NotTo(HaveOccurred())
	return c.Patch(ctx, obj, client.RawPatch(types.MergePatchType, data))
}

// withHold adds the hold finalizer.
func withHold(obj client.Object) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, harness.KeyOf(obj), obj)).To(Succeed())
		obj.SetFinalizers(append(obj.GetFinalizers(), hold))
		g.Expect(k8s.Update(ctx, obj)).To(Succeed())
	}).Should(Succeed())
}

// release removes the hold finalizer and waits for the object to go: that
// object, by its uid, for a controller may set up another of the same name
// at once.
func release(obj client.Object) {
	GinkgoHelper()
	uid := obj.GetUID()
	Eventually(func(g Gomega) {
		err := k8s.Get(ctx, harness.KeyOf(obj), obj)
		if apierrors.IsNotFound(err) || obj.GetUID() != uid {
			return
		}
		g.Expect(err).NotTo(HaveOccurred())
		obj.SetFinalizers(slices.DeleteFunc(obj.GetFinalizers(), func(f string) bool { return f == hold }))
		g.Expect(k8s.Update(ctx, obj)).To(Succeed())
	}).Should(Succeed())
	Eventually(func() bool {
		err := k8s.Get(ctx, harness.KeyOf(obj), obj)
		return apierrors.IsNotFound(err) || err == nil && obj.GetUID() != uid
	}, 30*time.Second).Should(BeTrue())
}

// deleting waits until the API server shows obj in its deletion.
func deleting(obj client.Object) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, harness.KeyOf(obj), obj)).To(Succeed())
		g.Expect(obj.GetDeletionTimestamp()).NotTo(BeNil())
	}).Should(Succeed())
}

// workGroupsOf lists a response's work groups by its label.
func workGroupsOf(g Gomega, resp *v1alpha1.EmergencyResponse) []v1alpha1.WorkGroup {
	list := &v1alpha1.WorkGroupList{}
	g.Expect(k8s.List(ctx, list, client.InNamespace(resp.Namespace), client.MatchingLabels{v1alpha1.LabelResponse: resp.Name})).To(Succeed())
	return list.Items
}

// notificationsOf lists the reports a source made.
func notificationsOf(g Gomega, src client.Object) []v1alpha1.Notification {
	list := &v1alpha1.NotificationList{}
	g.Expect(k8s.List(ctx, list, client.InNamespace(src.GetNamespace()), client.MatchingLabels{v1alpha1.LabelSourceUID: string(src.GetUID())})).To(Succeed())
	return list.Items
}

// startedDrill creates a level III drill and its drill response in ns, has
// the drill pipeline approve the response, and returns both once the five
// work groups and the reports of both exist.
func startedDrill(ns, name string) (*v1alpha1.SecurityIncident, *v1alpha1.EmergencyResponse) {
	GinkgoHelper()
	inc := builder.Incident(name+"-incident", ns).Drill().Records(1_500_000).Obj()
	Expect(k8s.Create(ctx, inc)).To(Succeed())
	resp := builder.Response(name, ns, inc).Drill().Obj()
	Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
	Expect(harness.Approve(harness.AsUser(harness.DrillPipeline), resp, harness.DrillPipeline, v1alpha1.LevelIII)).To(Succeed())
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, harness.KeyOf(resp), resp)).To(Succeed())
		g.Expect(harness.ResponseCondition(resp, v1alpha1.ResponseWorkGroupsReadyCondition).Status).To(Equal(metav1.ConditionTrue))
		g.Expect(workGroupsOf(g, resp)).To(HaveLen(5))
		g.Expect(notificationsOf(g, resp)).NotTo(BeEmpty())
		g.Expect(k8s.Get(ctx, harness.KeyOf(inc), inc)).To(Succeed())
		g.Expect(notificationsOf(g, inc)).NotTo(BeEmpty())
	}).Should(Succeed())
	return inc, resp
}

// drillWarning creates a drill warning as the duty officer.
func drillWarning(ns, name string, level v1alpha1.WarningLevel, source v1alpha1.WarningSource, finalizers ...string) *v1alpha1.Warning {
	GinkgoHelper()
	w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Finalizers: finalizers}, Spec: v1alpha1.WarningSpec{
		Drill: true, Level: level, Source: source, StartTime: metav1.Now(), Scope: "s", Harm: "h",
		Precautions: []string{"p"}, TimeLimits: "48 hours", Issuer: "the office", Hotline: "12321"}}
	Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, w)).To(Succeed())
	return w
}

var _ = Describe("Deletion", func() {
	var ns string
	BeforeEach(func() {
		harness.GrantRoles()
		ns = harness.NewNamespace()
	})

	It("removes a deleted drill's work groups and notifications through their owner references", func() {
		inc, resp := startedDrill(ns, "gc")
		Expect(k8s.Delete(ctx, resp, client.PropagationPolicy(metav1.DeletePropagationBackground))).To(Succeed())
		Expect(k8s.Delete(ctx, inc, client.PropagationPolicy(metav1.DeletePropagationBackground))).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(workGroupsOf(g, resp)).To(BeEmpty())
			g.Expect(notificationsOf(g, resp)).To(BeEmpty())
			g.Expect(notificationsOf(g, inc)).To(BeEmpty())
		}, 30*time.Second).Should(Succeed())
	})

	It("completes a foreground delete of a response with work groups, and brings none back meanwhile", func() {
		_, resp := startedDrill(ns, "fg")
		withHold(resp)
		wgs := &v1alpha1.WorkGroupList{}
		Expect(k8s.List(ctx, wgs, client.InNamespace(ns))).To(Succeed())
		watcher, err := client.NewWithWatch(cfg, client.Options{Scheme: k8s.Scheme()})
		Expect(err).NotTo(HaveOccurred())
		w, err := watcher.Watch(ctx, &v1alpha1.WorkGroupList{}, client.InNamespace(ns), &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: wgs.ResourceVersion}})
		Expect(err).NotTo(HaveOccurred())
		defer w.Stop()
		var added []string
		collect := func() {
			for {
				select {
				case e := <-w.ResultChan():
					if wg, ok := e.Object.(*v1alpha1.WorkGroup); ok && e.Type == watch.Added {
						added = append(added, wg.Name)
					}
				default:
					return
				}
			}
		}

		start := time.Now()
		Expect(k8s.Delete(ctx, resp, client.PropagationPolicy(metav1.DeletePropagationForeground))).To(Succeed())
		By("the garbage collector deletes the work groups first, then lets the response go")
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, harness.KeyOf(resp), resp)).To(Succeed())
			g.Expect(resp.DeletionTimestamp).NotTo(BeNil())
			g.Expect(resp.Finalizers).To(Equal([]string{hold}), "foregroundDeletion is done")
			g.Expect(workGroupsOf(g, resp)).To(BeEmpty())
		}, 30*time.Second).Should(Succeed())
		GinkgoWriter.Printf("foreground delete of a response with 5 work groups: %s\n", time.Since(start))

		By("while the response is being deleted, the operator sets up no work group, even when woken")
		Expect(patchMeta(k8s, resp, map[string]any{"annotations": map[string]any{"test.emergency.netsec.io/poke": "1"}})).To(Succeed())
		Consistently(func(g Gomega) {
			g.Expect(workGroupsOf(g, resp)).To(BeEmpty())
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())
		release(resp)
		collect()
		Expect(added).To(BeEmpty(), "work groups created after the delete")
	})

	It("completes a foreground delete without a finalizer of its own", func() {
		_, resp := startedDrill(ns, "plain")
		start := time.Now()
		Expect(k8s.Delete(ctx, resp, client.PropagationPolicy(metav1.DeletePropagationForeground))).To(Succeed())
		Eventually(func() bool { return apierrors.IsNotFound(k8s.Get(ctx, harness.KeyOf(resp), resp)) }, 30*time.Second).Should(BeTrue())
		GinkgoWriter.Printf("foreground delete, done: %s\n", time.Since(start))
		Eventually(func(g Gomega) []v1alpha1.WorkGroup { return workGroupsOf(g, resp) }).Should(BeEmpty())
	})

	It("deletes a namespace that holds only drills", func() {
		startedDrill(ns, "ns")
		red := drillWarning(ns, "red", v1alpha1.WarningRed, v1alpha1.SourceNational)
		Eventually(func(g Gomega) v1alpha1.WarningPhase {
			g.Expect(k8s.Get(ctx, harness.KeyOf(red), red)).To(Succeed())
			return red.Status.Phase
		}).Should(Equal(v1alpha1.WarningPublished))
		drillWarning(ns, "yellow", v1alpha1.WarningYellow, v1alpha1.SourceProvincial)

		start := time.Now()
		Expect(k8s.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKey{Name: ns}, &corev1.Namespace{}))
		}, 60*time.Second, 250*time.Millisecond).Should(BeTrue())
		GinkgoWriter.Printf("namespace of drills deleted in %s\n", time.Since(start))
	})

	It("keeps a namespace that holds a real incident, Terminating, and says why", func() {
		inc := builder.Incident("real", ns).Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.IncidentLevel { return harness.Get(g, inc).Status.Level }).Should(Equal(v1alpha1.IncidentLevel("III")))

		Expect(k8s.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
		Eventually(func(g Gomega) {
			got := &corev1.Namespace{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Name: ns}, got)).To(Succeed())
			g.Expect(got.Status.Phase).To(Equal(corev1.NamespaceTerminating))
			var failure *corev1.NamespaceCondition
			for i := range got.Status.Conditions {
				if got.Status.Conditions[i].Type == corev1.NamespaceDeletionContentFailure {
					failure = &got.Status.Conditions[i]
				}
			}
			g.Expect(failure).NotTo(BeNil())
			g.Expect(failure.Status).To(Equal(corev1.ConditionTrue))
			g.Expect(failure.Message).To(ContainSubstring("rule record"))
			GinkgoWriter.Printf("namespace condition %s: %s\n", failure.Reason, failure.Message)
		}, 60*time.Second, 250*time.Millisecond).Should(Succeed())
		Consistently(func(g Gomega) {
			g.Expect(harness.Get(g, inc).DeletionTimestamp).To(BeNil())
		}, 2*time.Second).Should(Succeed())
	})
})

var _ = Describe("An object being deleted is left alone", func() {
	var ns string
	BeforeEach(func() {
		harness.GrantRoles()
		ns = harness.NewNamespace()
	})

	It("an incident: a change of its facts is not classified", func() {
		inc := builder.Incident("held", ns).Drill().Records(1_500_000).Obj()
		inc.Finalizers = []string{hold}
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.IncidentLevel { return harness.Get(g, inc).Status.Level }).Should(Equal(v1alpha1.IncidentLevel("III")))
		Expect(k8s.Delete(ctx, inc)).To(Succeed())
		deleting(inc)
		Eventually(func(g Gomega) {
			cur := harness.Get(g, inc)
			cur.Spec.Impact.DataLeak.Records = 20_000_000
			g.Expect(k8s.Update(ctx, cur)).To(Succeed())
		}).Should(Succeed())
		Consistently(func(g Gomega) {
			got := harness.Get(g, inc)
			g.Expect(got.Status.Level).To(Equal(v1alpha1.IncidentLevel("III")))
			g.Expect(got.Status.ObservedGeneration).To(BeNumerically("<", got.Generation))
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())
		release(inc)
	})

	It("a response: an approval starts nothing and sets up no work group", func() {
		inc := builder.Incident("held-incident", ns).Drill().Records(1_500_000).Obj()
		Expect(k8s.Create(ctx, inc)).To(Succeed())
		resp := builder.Response("held", ns, inc).Drill().Obj()
		resp.Finalizers = []string{hold}
		Expect(harness.AsUser(harness.DutyOfficer).Create(ctx, resp)).To(Succeed())
		Eventually(func(g Gomega) v1alpha1.ResponsePhase { return harness.GetResponse(g, resp).Status.Phase }).Should(Equal(v1alpha1.ResponseAwaitingApproval))
		Expect(k8s.Delete(ctx, resp)).To(Succeed())
		deleting(resp)
		Expect(harness.Approve(harness.AsUser(harness.DrillPipeline), resp, harness.DrillPipeline, v1alpha1.LevelIII)).To(Succeed())
		Consistently(func(g Gomega) {
			g.Expect(harness.GetResponse(g, resp).Status.Phase).To(Equal(v1alpha1.ResponseAwaitingApproval))
			g.Expect(workGroupsOf(g, resp)).To(BeEmpty())
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())
		release(resp)
	})

	It("a warning: an approval publishes nothing and reports nothing", func() {
		w := drillWarning(ns, "held", v1alpha1.WarningYellow, v1alpha1.SourceProvincial, hold)
		Eventually(func(g Gomega) v1alpha1.WarningPhase {
			g.Expect(k8s.Get(ctx, harness.KeyOf(w), w)).To(Succeed())
			return w.Status.Phase
		}).Should(Equal(v1alpha1.WarningAwaitingApproval))
		Expect(k8s.Delete(ctx, w)).To(Succeed())
		deleting(w)
		Expect(patchMeta(harness.AsUser(harness.DrillPipeline), w, map[string]any{"annotations": map[string]any{
			v1alpha1.AnnotationApprovedBy: harness.DrillPipeline, v1alpha1.AnnotationApprovedLevel: "Yellow"}})).To(Succeed())
		Consistently(func(g Gomega) {
			g.Expect(k8s.Get(ctx, harness.KeyOf(w), w)).To(Succeed())
			g.Expect(w.Status.Phase).To(Equal(v1alpha1.WarningAwaitingApproval))
			g.Expect(notificationsOf(g, w)).To(BeEmpty())
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())
		release(w)
	})

	It("a work group: a report is not counted, and once it is gone its response brings it back", func() {
		_, resp := startedDrill(ns, "wg")
		wg := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Name: "wg-recovery", Namespace: ns}}
		withHold(wg)
		oldUID := wg.UID
		Expect(k8s.Delete(ctx, wg)).To(Succeed())
		deleting(wg)
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, harness.KeyOf(wg), wg)).To(Succeed())
			wg.Spec.Reports = []v1alpha1.ProgressReport{{Time: metav1.Now(), Unit: "u", Measures: "m", Effect: "e", NextSteps: "n", Suggestions: "s"}}
			g.Expect(harness.AsUser(harness.DutyOfficer).Update(ctx, wg)).To(Succeed())
		}).Should(Succeed())
		Consistently(func(g Gomega) {
			g.Expect(k8s.Get(ctx, harness.KeyOf(wg), wg)).To(Succeed())
			g.Expect(wg.Status.ReportCount).To(BeZero())
		}, 3*time.Second, 200*time.Millisecond).Should(Succeed())
		release(wg)
		By("the response, not being deleted, sets it up again")
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, harness.KeyOf(wg), wg)).To(Succeed())
			g.Expect(wg.UID).NotTo(Equal(oldUID))
			g.Expect(metav1.IsControlledBy(wg, resp)).To(BeTrue())
		}).Should(Succeed())
	})

	It("a channel: its Secret arriving does not make it Ready", func() {
		ch := &v1alpha1.NotificationChannel{
			ObjectMeta: metav1.ObjectMeta{Name: "held", Namespace: ns, Finalizers: []string{hold}},
			Spec:       v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudienceOffice, SecretRef: v1alpha1.SecretReference{Name: "held-endpoint"}},
		}
		Expect(k8s.Create(ctx, ch)).To(Succeed())
		Eventually(func(g Gomega) metav1.ConditionStatus {
			g.Expect(k8s.Get(ctx, harness.KeyOf(ch), ch)).To(Succeed())
			return harness.ConditionOf(ch.Status.Conditions, v1alpha1.ConditionReady).Status
		}).Should(Equal(metav1.ConditionFalse))
		Expect(k8s.Delete(ctx, ch)).To(Succeed())
		deleting(ch)
		Expect(k8s.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "held-endpoint", Namespace: ns},
			StringData: map[string]string{"address": "http://127.0.0.1:9/"},
		})).To(Succeed())
		Consistently(func(g Gomega) metav1.ConditionStatus {
			g.Expect(k8s.Get(ctx, harness.KeyOf(ch), ch)).To(Succeed())
			return harness.ConditionOf(ch.Status.Conditions, v1alpha1.ConditionReady).Status
		}, 3*time.Second, 200*time.Millisecond).Should(Equal(metav1.ConditionFalse))
		release(ch)
	})
})
