package health

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/localcluster"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/test/builder"
)

// observed is one state of one kind, as the API server holds it.
type observed struct {
	obj *unstructured.Unstructured
	// how says how the state was reached, when not by the operator alone.
	how string
}

// driveStates brings an object of every kind into each state of the table
// through the API, as the plan's people would, and returns each as read
// back. Objects are created together so that the operator works on them at
// once; each state is read when the operator has written it.
func driveStates(t *testing.T, c *cluster) map[key]observed {
	t.Helper()
	got := map[key]observed{}
	record := func(k key, o client.Object, how string) { got[k] = observed{obj: c.read(t, o), how: how} }

	unit, office := c.namespace(t, "unit-"), c.namespace(t, "office-")
	// The office registers the unit whose incidents are filed there.
	must(t, builder.Register(c.ctx, c.admin, unit, 10*time.Second))
	delivered, failing, unreached := c.namespace(t, "channels-ok-"), c.namespace(t, "channels-failing-"), c.namespace(t, "no-channels-")

	// Receivers of the warnings' messages: one that takes them, one that
	// is down.
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	t.Cleanup(ok.Close)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	t.Cleanup(down.Close)
	for ns, url := range map[string]string{delivered: ok.URL, failing: down.URL} {
		for _, a := range []v1alpha1.Audience{v1alpha1.AudienceUnits, v1alpha1.AudiencePublic, v1alpha1.AudienceLeadingGroup} {
			c.channel(t, ns, a, url)
		}
	}
	// The incidents' reports reach the office, the responses' the offices
	// above: a source whose report cannot go out is not Ready.
	c.channel(t, unit, v1alpha1.AudienceOffice, ok.URL)
	// An incident that reaches level I or II is reported to the offices
	// above at once (§2.2, §5.4).
	for _, a := range []v1alpha1.Audience{v1alpha1.AudienceLeadingGroup, v1alpha1.AudienceMinistryOffice} {
		c.channel(t, unit, a, ok.URL)
	}
	for _, a := range []v1alpha1.Audience{v1alpha1.AudienceLeadingGroup, v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceEmergencyManagement} {
		c.channel(t, office, a, ok.URL)
	}
	noSecret := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: "no-secret", Namespace: unreached},
		Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: v1alpha1.AudiencePublic, SecretRef: v1alpha1.SecretReference{Name: "never-created"}}}
	c.create(t, c.admin, noSecret)
	c.mergePatch(t, c.as[pressOfficer], noSecret, map[string]any{"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationConsentedBy: pressOfficer}}})

	// Calendars.
	must(t, localcluster.ApplyFile(c.ctx, c.admin, filepath.Join(root, "config", "samples", "emergency_v1alpha1_holidaycalendar_2025.yaml")))
	validCal := &v1alpha1.HolidayCalendar{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	badCal := &v1alpha1.HolidayCalendar{ObjectMeta: metav1.ObjectMeta{Name: "weekday-workday"}, Spec: v1alpha1.HolidayCalendarSpec{
		TimeZone: "Asia/Shanghai",
		// 2026-03-04 is a Wednesday: a make-up working day must be a
		// Saturday or Sunday. The schema admits the date; the operator
		// cannot use the calendar.
		Workdays: []v1alpha1.Workday{{Date: "2026-03-04", Name: "typo"}},
	}}
	leavingCal := &v1alpha1.HolidayCalendar{ObjectMeta: metav1.ObjectMeta{Name: "leaving", Finalizers: []string{"test.health/hold"}},
		Spec: v1alpha1.HolidayCalendarSpec{TimeZone: "Asia/Shanghai", Holidays: []v1alpha1.Holiday{{Name: "New Year", Start: "2026-01-01"}}}}
	c.create(t, c.admin, badCal)
	c.create(t, c.admin, leavingCal)

	// Warnings: a red one from the ministry is relayed at once; a
	// provincial yellow one waits for the leading group.
	redIn := map[string]*v1alpha1.Warning{}
	for _, ns := range []string{delivered, failing, unreached} {
		w := warning("red", ns, v1alpha1.WarningRed, v1alpha1.SourceNational)
		c.create(t, c.as[dutyOfficer], w)
		redIn[ns] = w
	}
	yellow := warning("yellow", delivered, v1alpha1.WarningYellow, v1alpha1.SourceProvincial)
	c.create(t, c.as[dutyOfficer], yellow)

	// Incidents, reported by their units (the administrator here).
	outage := func(name string) *v1alpha1.SecurityIncident {
		return builder.Incident(name, unit).Outage(v1alpha1.ScopeCity).Suggested(v1alpha1.LevelIV).Obj()
	}
	leak := func(name string) *v1alpha1.SecurityIncident {
		return builder.Incident(name, unit).Records(1_500_000).Suggested(v1alpha1.LevelIII).Obj()
	}
	complete, generation := outage("city-outage"), outage("edited-outage")
	quick := builder.Incident("quick-notice", unit).QuickNotice().Outage(v1alpha1.ScopeCity).Suggested(v1alpha1.LevelIV).
		Discovered(c.clock.Now().Add(-5 * time.Minute)).Obj()
	waitingInc, staffingInc, activeInc, endedInc, lowerInc := outage("waiting"), outage("staffing"), outage("active"), outage("ending"), outage("shared")
	realInc, leakInc, risingInc := outage("real-outage"), leak("member-leak"), leak("rising-leak")
	for _, inc := range []*v1alpha1.SecurityIncident{complete, generation, quick, waitingInc, staffingInc, activeInc, endedInc, lowerInc, realInc, leakInc, risingInc} {
		c.create(t, c.admin, inc)
	}

	// Responses, requested by the duty officer.
	oneGroup := func(b *builder.ResponseBuilder) *builder.ResponseBuilder {
		return b.WorkGroups(v1alpha1.WorkGroupRecovery)
	}
	notify := func(b *builder.ResponseBuilder) *builder.ResponseBuilder {
		return b.Measures(v1alpha1.MeasureAffectedUserNotification)
	}
	missing := builder.Response("missing-incident", office).Edit(func(r *v1alpha1.EmergencyResponse) {
		r.Spec.IncidentRefs = []v1alpha1.IncidentRef{{Namespace: unit, Name: "not-yet-reported"}}
	}).Obj()
	waiting := oneGroup(builder.Response("waiting", office, waitingInc)).Obj()
	staffing := oneGroup(builder.Response("staffing", office, staffingInc)).Obj()
	active := oneGroup(builder.Response("active", office, activeInc)).Obj()
	ending := oneGroup(builder.Response("ending", office, endedInc)).Obj()
	drill := oneGroup(builder.Response("drill-over-real", office, realInc)).Drill().Obj()
	leakResp := oneGroup(builder.Response("leak-no-notification", office, leakInc)).Obj()
	old := notify(oneGroup(builder.Response("old", office, risingInc))).Obj()
	lower := oneGroup(builder.Response("lower", office, lowerInc)).Obj()
	for _, r := range []*v1alpha1.EmergencyResponse{missing, waiting, staffing, active, ending, drill, leakResp, old, lower} {
		c.create(t, c.as[dutyOfficer], r)
	}

	// The work groups of "staffing" cannot be marked Ready for now: the
	// response is seen while the operator sets them up.
	c.hold.add("staffing", func(o client.Object) bool {
		wg, isWG := o.(*v1alpha1.WorkGroup)
		return isWG && wg.Namespace == office && wg.Labels[v1alpha1.LabelResponse] == staffing.Name
	})
	for _, r := range []*v1alpha1.EmergencyResponse{staffing, active, ending, old, lower} {
		c.approve(t, r, leadingGroup)
	}
	c.approve(t, drill, drillPipeline)

	// SecurityIncident.
	c.waitFor(t, complete, v1alpha1.ConditionReady, "True", v1alpha1.IncidentReadyReason)
	c.waitFor(t, complete, v1alpha1.ConditionReportedUpward, "True", "") // its reports delivered: settled
	record(key{"SecurityIncident", incClassified}, complete, "")
	c.waitFor(t, quick, v1alpha1.IncidentFormCompleteCondition, "False", v1alpha1.IncidentFormPendingReason)
	c.waitFor(t, quick, v1alpha1.ConditionReportedUpward, "True", "") // its reports delivered: settled
	record(key{"SecurityIncident", incFormPending}, quick, "")

	// The operator cannot write the status of "edited-outage" for now, and
	// its spec is corrected: the API server moves the generation on.
	c.waitFor(t, generation, v1alpha1.ConditionReady, "True", "")
	c.hold.add("generation", func(o client.Object) bool {
		return o.GetNamespace() == unit && o.GetName() == generation.Name
	})
	c.mergePatch(t, c.admin, generation, map[string]any{"spec": map[string]any{"description": "Corrected: the outage is the city's fibre ring."}})
	eventually(t, "generation behind", func() error {
		u := c.read(t, generation)
		og, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
		if u.GetGeneration() <= og {
			return fmt.Errorf("generation %d, observedGeneration %d", u.GetGeneration(), og)
		}
		return nil
	})
	record(key{"SecurityIncident", incGenerationBehind}, generation, "the operator's status writes for it were held by the test after a spec edit")
	c.hold.release("generation")

	// EmergencyResponse.
	c.waitFor(t, missing, v1alpha1.ResponseApprovedCondition, "False", v1alpha1.ResponseIncidentsPendingReason)
	record(key{"EmergencyResponse", respIncidentsPending}, missing, "")
	c.waitFor(t, waiting, v1alpha1.ResponseApprovedCondition, "False", v1alpha1.ResponseAwaitingApprovalReason)
	record(key{"EmergencyResponse", respAwaitingApproval}, waiting, "")
	c.waitFor(t, staffing, v1alpha1.ConditionReconciling, "True", v1alpha1.ResponseWorkGroupsPendingReason)
	record(key{"EmergencyResponse", respWorkGroupsPending}, staffing, "the operator's status writes for its work groups were held by the test")
	c.hold.release("staffing")
	c.waitFor(t, active, v1alpha1.ConditionReady, "True", v1alpha1.ResponseReadyReason)
	c.waitFor(t, active, v1alpha1.ConditionReportedUpward, "True", "") // its reports delivered: settled
	record(key{"EmergencyResponse", respActive}, active, "")
	c.waitFor(t, drill, v1alpha1.ResponseApprovedCondition, "False", v1alpha1.ResponseDrillMismatchReason)
	record(key{"EmergencyResponse", respDrillOverReal}, drill, "")
	c.waitFor(t, leakResp, v1alpha1.ResponseMeasuresCompleteCondition, "False", v1alpha1.ResponseUserNotificationMissing)
	record(key{"EmergencyResponse", respLeakWithoutNotification}, leakResp, "")

	// A response the office sets at a higher level over the same incident
	// takes over from "lower".
	c.waitFor(t, lower, v1alpha1.ConditionReady, "True", v1alpha1.ResponseReadyReason)
	upper := oneGroup(builder.Response("upper", office, lowerInc)).Level(v1alpha1.LevelIII).Obj()
	c.create(t, c.as[dutyOfficer], upper)
	c.approve(t, upper, leadingGroup)
	c.waitFor(t, lower, v1alpha1.ResponseSupersededCondition, "True", v1alpha1.ResponseSupersededReason)
	c.waitFor(t, lower, v1alpha1.ConditionReportedUpward, "True", "") // its reports delivered: settled
	record(key{"EmergencyResponse", respSupersededByHigher}, lower, "")

	// "rising-leak" grows to level II under its level III response.
	c.waitFor(t, old, v1alpha1.ConditionReady, "True", v1alpha1.ResponseReadyReason)
	c.mergePatch(t, c.admin, risingInc, map[string]any{"spec": map[string]any{"impact": map[string]any{"dataLeak": map[string]any{"records": 20_000_000}}}})
	c.waitFor(t, risingInc, v1alpha1.IncidentResponseLevelCoveredCondition, "False", v1alpha1.IncidentResponseOwedReason)
	record(key{"SecurityIncident", incResponseOwed}, risingInc, "")
	c.waitFor(t, old, v1alpha1.ResponseLevelCoveredCondition, "False", v1alpha1.ResponseIncidentEscalatedReason)
	record(key{"EmergencyResponse", respEscalated}, old, "")
	higher := notify(oneGroup(builder.Response("higher", office, risingInc))).Obj()
	c.create(t, c.as[dutyOfficer], higher)
	c.approve(t, higher, ministry)
	c.waitFor(t, old, v1alpha1.ResponseSupersededCondition, "True", v1alpha1.ResponseSupersededReason)
	c.waitFor(t, old, v1alpha1.ConditionReportedUpward, "True", "") // its end reported: settled
	record(key{"EmergencyResponse", respSupersededAfterEscalation}, old, "")
	c.waitFor(t, risingInc, v1alpha1.IncidentResponseLevelCoveredCondition, "True", "")
	c.waitFor(t, risingInc, v1alpha1.ConditionReportedUpward, "True", "") // reported upward at level II too
	record(key{"SecurityIncident", incCoveredAgain}, risingInc, "")

	// "ending" is ended on the leading group's approval.
	c.waitFor(t, ending, v1alpha1.ConditionReady, "True", v1alpha1.ResponseReadyReason)
	c.mergePatch(t, c.as[dutyOfficer], ending, map[string]any{"spec": map[string]any{"endRequested": true}})
	c.mergePatch(t, c.as[leadingGroup], ending, map[string]any{"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationEndApprovedBy: leadingGroup}}})
	c.waitFor(t, ending, v1alpha1.ResponseEndedCondition, "True", v1alpha1.ResponseEndedReason)
	c.waitFor(t, ending, v1alpha1.ConditionReportedUpward, "True", "") // its reports delivered: settled
	record(key{"EmergencyResponse", respEnded}, ending, "")

	// States the API server no longer lets anyone reach, built from a real
	// response by setting what the operator would set.
	got[key{"EmergencyResponse", respApprovalOtherLevel}] = observed{obj: approvalForAnotherLevel(t, got[key{"EmergencyResponse", respAwaitingApproval}].obj),
		how: "by hand from the waiting response, since the API server now refuses an approval naming another level (rule level): Approved, Ready and Stalled set from the gate's own verdict (internal/plan/approval.Start)"}
	fresh := got[key{"EmergencyResponse", respAwaitingApproval}].obj.DeepCopy()
	unstructured.RemoveNestedField(fresh.Object, "status")
	got[key{"EmergencyResponse", respNoStatus}] = observed{obj: fresh,
		how: "by hand from the waiting response, without its status: what a tool sees between the create and the operator's first status write"}

	// WorkGroup.
	wg := &v1alpha1.WorkGroup{ObjectMeta: metav1.ObjectMeta{Namespace: office, Name: "active-recovery"}}
	c.waitFor(t, wg, v1alpha1.ConditionReady, "True", v1alpha1.WorkGroupSetUpReason)
	record(key{"WorkGroup", wgSetUp}, wg, "")

	// Warning, NotificationChannel, Notification.
	c.waitFor(t, yellow, v1alpha1.WarningPublishedCondition, "False", v1alpha1.WarningAwaitingApprovalReason)
	record(key{"Warning", warnAwaitingApproval}, yellow, "")
	c.waitFor(t, redIn[delivered], v1alpha1.ConditionReady, "True", v1alpha1.WarningReadyReason)
	record(key{"Warning", warnDelivered}, redIn[delivered], "")
	c.waitFor(t, redIn[failing], v1alpha1.ConditionReconciling, "True", v1alpha1.WarningDeliveryPendingReason)
	record(key{"Warning", warnDelivering}, redIn[failing], "")
	c.waitFor(t, redIn[unreached], v1alpha1.WarningDeliveredCondition, "False", v1alpha1.NotificationNoChannelReason)
	record(key{"Warning", warnNoChannel}, redIn[unreached], "")
	okChannel := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Namespace: delivered, Name: "units"}}
	c.waitFor(t, okChannel, v1alpha1.ConditionReady, "True", "")
	record(key{"NotificationChannel", chanReady}, okChannel, "")
	c.waitFor(t, noSecret, v1alpha1.ConditionReady, "False", v1alpha1.ChannelSecretUnusableReason)
	record(key{"NotificationChannel", chanSecretMissing}, noSecret, "")
	got[key{"Notification", ntfDelivered}] = observed{obj: c.publication(t, delivered, "True")}
	got[key{"Notification", ntfDelivering}] = observed{obj: c.publication(t, failing, "False")}

	// HolidayCalendar.
	c.waitFor(t, validCal, v1alpha1.ConditionReady, "True", v1alpha1.CalendarValidReason)
	record(key{"HolidayCalendar", calValid}, validCal, "")
	c.waitFor(t, badCal, v1alpha1.ConditionReady, "False", v1alpha1.CalendarInvalidReason)
	record(key{"HolidayCalendar", calInvalid}, badCal, "")
	c.waitFor(t, leavingCal, v1alpha1.ConditionReady, "True", v1alpha1.CalendarValidReason)
	must(t, c.admin.Delete(c.ctx, leavingCal))
	eventually(t, "calendar being deleted", func() error {
		if c.read(t, leavingCal).GetDeletionTimestamp() == nil {
			return fmt.Errorf("no deletionTimestamp yet")
		}
		return nil
	})
	record(key{"HolidayCalendar", calDeleting}, leavingCal, "a finalizer of the test keeps it")

	// Last, the day of discovery ends: the quick notice's form is overdue.
	c.clock.Step(24 * time.Hour)
	c.waitFor(t, quick, v1alpha1.IncidentFormCompleteCondition, "False", v1alpha1.IncidentFormOverdueReason)
	record(key{"SecurityIncident", incFormOverdue}, quick, "the test's clock stepped a day")
	return got
}

// approvalForAnotherLevel is the waiting response as the operator would
// leave it with an approval for III while its level is IV: the gate's own
// verdict (internal/plan/approval) on Approved and Ready, and Stalled with the
// same reason and message, as controllers/health.go sets it.
func approvalForAnotherLevel(t *testing.T, waiting *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	u := waiting.DeepCopy()
	ann := u.GetAnnotations()
	ann[v1alpha1.AnnotationApprovedBy], ann[v1alpha1.AnnotationApprovedLevel] = leadingGroup, string(v1alpha1.LevelIII)
	u.SetAnnotations(ann)
	level, _, _ := unstructured.NestedString(u.Object, "status", "level")
	v := approval.Start(ann, v1alpha1.Level(level))
	if v.Passed || v.Reason != v1alpha1.ResponseApprovalLevelMismatch {
		t.Fatalf("the gate says %+v of an approval for III over a level %s response", v, level)
	}
	var conds []metav1.Condition
	raw, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	data, err := json.Marshal(raw)
	must(t, err)
	must(t, json.Unmarshal(data, &conds))
	set := func(typ string, status metav1.ConditionStatus, reason, message string) {
		meta.SetStatusCondition(&conds, metav1.Condition{Type: typ, Status: status, Reason: reason, Message: message, ObservedGeneration: u.GetGeneration()})
	}
	set(v1alpha1.ResponseApprovedCondition, metav1.ConditionFalse, v.Reason, v.Message)
	set(v1alpha1.ConditionReady, metav1.ConditionFalse, v.Reason, v.Message)
	set(v1alpha1.ConditionStalled, metav1.ConditionTrue, v.Reason, v.Message)
	data, err = json.Marshal(conds)
	must(t, err)
	var out []any
	must(t, json.Unmarshal(data, &out))
	must(t, unstructured.SetNestedSlice(u.Object, out, "status", "conditions"))
	return u
}

// warning is a warning's content at a colour, from a source.
func warning(name, ns string, l v1alpha1.WarningLevel, source v1alpha1.WarningSource) *v1alpha1.Warning {
	return &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.WarningSpec{
		Level: l, Source: source, StartTime: metav1.NewTime(time.Now().Truncate(time.Second)),
		Scope: "Provincial government websites", Harm: "Defacement and data theft",
		Precautions: []string{"Patch CMS plugins"}, TimeLimits: "Patch within 48 hours",
		Issuer: "Provincial emergency office", Hotline: "0851-12321",
	}}
}

// namespace creates a namespace of its own for a group of objects.
func (c *cluster) namespace(t *testing.T, prefix string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix}}
	must(t, c.admin.Create(c.ctx, ns))
	return ns.Name
}

// create creates an object as a user.
func (c *cluster) create(t *testing.T, as client.Client, o client.Object) {
	t.Helper()
	if err := as.Create(c.ctx, o); err != nil {
		t.Fatalf("creating %T %s/%s: %v", o, o.GetNamespace(), o.GetName(), err)
	}
}

// channel sets up a CloudEvents channel to an audience, with its Secret,
// and has whoever speaks for the audience consent to it.
func (c *cluster) channel(t *testing.T, ns string, a v1alpha1.Audience, url string) {
	t.Helper()
	name := strings.ToLower(string(a))
	by := map[v1alpha1.Audience]string{v1alpha1.AudienceUnits: dutyOfficer, v1alpha1.AudienceOffice: dutyOfficer, v1alpha1.AudiencePublic: pressOfficer,
		v1alpha1.AudienceLeadingGroup: leadingGroup, v1alpha1.AudienceMinistryOffice: ministry, v1alpha1.AudienceEmergencyManagement: emManagement}[a]
	c.create(t, c.admin, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name + "-endpoint", Namespace: ns}, StringData: map[string]string{"address": url}})
	ch := &v1alpha1.NotificationChannel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.NotificationChannelSpec{Type: v1alpha1.ChannelCloudEvents, Audience: a, SecretRef: v1alpha1.SecretReference{Name: name + "-endpoint"}}}
	c.create(t, c.admin, ch)
	c.mergePatch(t, c.as[by], ch, map[string]any{"metadata": map[string]any{"annotations": map[string]any{v1alpha1.AnnotationConsentedBy: by}}})
}

// mergePatch writes a merge patch as a user, the way `kubectl patch` and
// `kubectl annotate` do.
func (c *cluster) mergePatch(t *testing.T, as client.Client, o client.Object, patch map[string]any) {
	t.Helper()
	data, err := json.Marshal(patch)
	must(t, err)
	target := o.DeepCopyObject().(client.Object)
	retry(t, fmt.Sprintf("patching %s/%s", o.GetNamespace(), o.GetName()), func() error {
		return as.Patch(c.ctx, target, client.RawPatch(types.MergePatchType, data))
	})
}

// approve writes the decision that starts a response, once the operator has
// set its level: the leading group's approval (III, IV), the ministry
// leading group's (I) or office's (II) directive, or the drill pipeline's approval of a drill; each names
// the level in force.
func (c *cluster) approve(t *testing.T, r *v1alpha1.EmergencyResponse, who string) {
	t.Helper()
	var level string
	eventually(t, "the level of "+r.Name, func() error {
		level, _, _ = unstructured.NestedString(c.read(t, r).Object, "status", "level")
		if level == "" {
			return fmt.Errorf("no level yet")
		}
		return nil
	})
	ann := map[string]any{v1alpha1.AnnotationApprovedBy: who, v1alpha1.AnnotationApprovedLevel: level}
	if who == ministry || who == ministryLeader {
		ann = map[string]any{v1alpha1.AnnotationDirective: "MIIT-" + r.Name, v1alpha1.AnnotationApprovedLevel: level}
	}
	c.mergePatch(t, c.as[who], r, map[string]any{"metadata": map[string]any{"annotations": ann}})
}

// waitFor waits until the object shows the condition (reason "" for any).
func (c *cluster) waitFor(t *testing.T, o client.Object, typ, status, reason string) {
	t.Helper()
	eventually(t, fmt.Sprintf("%s/%s %s=%s %s", o.GetNamespace(), o.GetName(), typ, status, reason), func() error {
		return hasCondition(c.read(t, o), typ, status, reason)
	})
}

// publication is the notification of a namespace's red warning to the
// units and the public, once its Delivered condition has that status.
func (c *cluster) publication(t *testing.T, ns, delivered string) *unstructured.Unstructured {
	t.Helper()
	var found *unstructured.Unstructured
	eventually(t, "the publication of the warning in "+ns, func() error {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("NotificationList"))
		if err := c.admin.List(c.ctx, list, client.InNamespace(ns)); err != nil {
			return err
		}
		for i := range list.Items {
			n := &list.Items[i]
			if event, _, _ := unstructured.NestedString(n.Object, "spec", "event"); event != string(v1alpha1.EventWarningPublished) {
				continue
			}
			if s, _, _, ok := condition(n, v1alpha1.NotificationDeliveredCondition); ok && s == delivered {
				found = n
				return nil
			}
			return hasCondition(n, v1alpha1.NotificationDeliveredCondition, delivered, "")
		}
		return fmt.Errorf("no WarningPublished notification yet")
	})
	return found
}
