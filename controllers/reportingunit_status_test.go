package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

func unitAt(now time.Time, u *v1alpha1.ReportingUnit) *unitScope {
	if u.Name == "" {
		u.Name, u.Namespace = "gz-telecom", "gz-telecom"
	}
	return &unitScope{Pass: reconcile.Begin(testKit(now), u, false)}
}

func TestUnitSetPlanFiled(t *testing.T) {
	plan := &v1alpha1.FiledPlan{Name: "Telecom plan", Version: "2026-2", Document: "GZCA-2026-017"}
	accepted := func(v string) map[string]string {
		return map[string]string{v1alpha1.AnnotationPlanAcceptedBy: "duty-officer", v1alpha1.AnnotationPlanAcceptedVersion: v}
	}
	cases := map[string]struct {
		typ         v1alpha1.UnitType
		large       bool
		plan        *v1alpha1.FiledPlan
		annotations map[string]string
		reason      string
		status      metav1.ConditionStatus
		version     string
	}{
		"telecom without a plan":         {typ: v1alpha1.UnitBasicTelecom, reason: v1alpha1.UnitPlanMissingReason, status: "False"},
		"registry's plan not accepted":   {typ: v1alpha1.UnitDomainRegistry, plan: plan, reason: v1alpha1.UnitPlanAwaitingReason, status: "False"},
		"an older version accepted":      {typ: v1alpha1.UnitBasicTelecom, plan: plan, annotations: accepted("2026-1"), reason: v1alpha1.UnitPlanAwaitingReason, status: "False", version: "2026-1"},
		"this version accepted":          {typ: v1alpha1.UnitBasicTelecom, plan: plan, annotations: accepted("2026-2"), reason: v1alpha1.UnitPlanAcceptedReason, status: "True", version: "2026-2"},
		"a version without who accepted": {typ: v1alpha1.UnitBasicTelecom, plan: plan, annotations: map[string]string{v1alpha1.AnnotationPlanAcceptedVersion: "2026-2"}, reason: v1alpha1.UnitPlanAwaitingReason, status: "False"},
		"a large internet company":       {typ: v1alpha1.UnitInternetCompany, large: true, reason: v1alpha1.UnitPlanMissingReason, status: "False"},
		"an internet company, not large": {typ: v1alpha1.UnitInternetCompany, reason: v1alpha1.UnitPlanNotRequiredReason, status: "True"},
		"a security support unit":        {typ: v1alpha1.UnitSecuritySupport, reason: v1alpha1.UnitPlanNotRequiredReason, status: "True"},
		"a support unit's plan accepted": {typ: v1alpha1.UnitSecuritySupport, plan: plan, annotations: accepted("2026-2"), reason: v1alpha1.UnitPlanAcceptedReason, status: "True", version: "2026-2"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := unitAt(setterNow, &v1alpha1.ReportingUnit{
				ObjectMeta: metav1.ObjectMeta{Annotations: tc.annotations},
				Spec:       v1alpha1.ReportingUnitSpec{Name: "Guizhou Example Telecom", Type: tc.typ, Large: tc.large, Plan: tc.plan},
			})
			s.setPlanFiled()
			c := conditionOf(s.Obj.Status.Conditions, v1alpha1.UnitPlanFiledCondition)
			if c.Reason != tc.reason || c.Status != tc.status {
				t.Errorf("PlanFiled = %s %s (%s), want %s %s", c.Status, c.Reason, c.Message, tc.status, tc.reason)
			}
			if got := s.Obj.Status.AcceptedPlanVersion; got != tc.version {
				t.Errorf("acceptedPlanVersion = %q, want %q", got, tc.version)
			}
		})
	}
}

func TestUnitSetDrillHeldByLocalYear(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	newYear := time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)
	drill := v1alpha1.DrillHeld{Incident: "drill-1", CountedBy: v1alpha1.DrillCountedByResponse, Time: metav1.NewTime(newYear.Add(-24 * time.Hour))}
	records := []v1alpha1.YearRecord{{Year: 2026, Drills: []v1alpha1.DrillHeld{drill}}}
	cases := map[string]struct {
		typ    v1alpha1.UnitType
		now    time.Time
		reason string
	}{
		"a telecom's drill, the last second of its year": {v1alpha1.UnitBasicTelecom, newYear.Add(-time.Second), v1alpha1.UnitDrillCountedReason},
		"a telecom at the local new year":                {v1alpha1.UnitBasicTelecom, newYear, v1alpha1.UnitDrillDueReason},
		"a support unit need not drill":                  {v1alpha1.UnitSecuritySupport, newYear, v1alpha1.UnitDrillNotRequiredReason},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := unitAt(tc.now, &v1alpha1.ReportingUnit{Spec: v1alpha1.ReportingUnitSpec{Type: tc.typ}, Status: v1alpha1.ReportingUnitStatus{Records: records}})
			s.setDrillHeld(shanghai)
			if c := conditionOf(s.Obj.Status.Conditions, v1alpha1.UnitDrillHeldCondition); c.Reason != tc.reason {
				t.Errorf("DrillHeldThisYear = %s (%s), want %s", c.Reason, c.Message, tc.reason)
			}
		})
	}
}

func TestUnitSetDutyReachable(t *testing.T) {
	contact := []v1alpha1.Contact{{Name: "Li Lei", Phone: "+86 851 8888 0001"}}
	since := metav1.NewTime(setterNow)
	owed := v1alpha1.UnitDuty{Kind: v1alpha1.DutyWarning, Namespace: "office", Name: "red", Since: &since}
	done := v1alpha1.UnitDuty{Kind: v1alpha1.DutyResponse, Namespace: "office", Name: "iii", Since: &since, Acknowledgement: "ack-iii", AcknowledgedTime: &since}
	cases := map[string]struct {
		contacts []v1alpha1.Contact
		duties   []v1alpha1.UnitDuty
		want     got
	}{
		"no contact": {duties: []v1alpha1.UnitDuty{owed}, want: got{Status: "False", Reason: v1alpha1.UnitNoDutyContactReason,
			Message: "spec.dutyContacts is empty: name who answers around the clock while a red or orange warning or a III/IV response is in force over the unit (§4.5.1, §5.3). 1 duties in force are not acknowledged: warning office/red."}},
		"one owed": {contacts: contact, duties: []v1alpha1.UnitDuty{done, owed}, want: got{Status: "False", Reason: v1alpha1.UnitDutyNotAcknowledgedReason,
			Message: "1 of 2 duties in force not acknowledged: warning office/red. Acknowledge each with a UnitReport of type Acknowledgement naming it, with the person on duty.",
			Events:  []string{"Warning/" + v1alpha1.UnitDutyOwedEvent}}},
		"all acknowledged": {contacts: contact, duties: []v1alpha1.UnitDuty{done}, want: got{Status: "True", Reason: v1alpha1.UnitDutyAcknowledgedReason,
			Message: "Every duty in force (1) is acknowledged."}},
		"nothing in force": {contacts: contact, want: got{Status: "True", Reason: v1alpha1.UnitNoDutyReason,
			Message: "No red or orange warning or III/IV response is in force over the unit; its duty contacts are named."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := unitAt(setterNow, &v1alpha1.ReportingUnit{Spec: v1alpha1.ReportingUnitSpec{DutyContacts: tc.contacts}, Status: v1alpha1.ReportingUnitStatus{Duties: tc.duties}})
			s.setDutyReachable()
			if g := outcome(s.Obj.Status.Conditions, v1alpha1.UnitDutyReachableCondition, s.Events); g.Status != tc.want.Status || g.Reason != tc.want.Reason || g.Message != tc.want.Message || len(g.Events) != len(tc.want.Events) || (len(g.Events) > 0 && g.Events[0] != tc.want.Events[0]) {
				t.Errorf("DutyReachable = %+v, want %+v", g, tc.want)
			}
		})
	}
}

func TestSummaryCountsOnlyAfterTheEnd(t *testing.T) {
	end := metav1.NewTime(setterNow)
	before, after := metav1.NewTime(setterNow.Add(-time.Minute)), metav1.NewTime(setterNow.Add(time.Minute))
	running := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Namespace: "office", Name: "r"}}
	endedResp := running.DeepCopy()
	endedResp.Status.EndedTime = &end
	cases := map[string]struct {
		resp     *v1alpha1.EmergencyResponse
		received *metav1.Time
		reason   string
	}{
		"while the response runs":      {running, &before, v1alpha1.UnitReportBeforeEndReason},
		"received before it ended":     {endedResp, &before, v1alpha1.UnitReportBeforeEndReason},
		"received after it ended":      {endedResp, &after, ""},
		"received the second it ended": {endedResp, &end, ""},
	}
	for name, tc := range cases {
		if got := summaryTooEarly(tc.resp, tc.received); got.Reason != tc.reason {
			t.Errorf("%s: %q (%s), want %q", name, got.Reason, got.Message, tc.reason)
		}
	}
}
