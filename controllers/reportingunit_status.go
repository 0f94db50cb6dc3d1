package controllers

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/unit"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The status of a ReportingUnit: one setter per condition type.

// setPlanFiled says whether the unit's own plan is filed and its version
// accepted by the office (§9.1), and records the version accepted.
func (s *unitScope) setPlanFiled() {
	u, st := s.Obj, &s.Obj.Status
	by, accepted := u.Annotations[v1alpha1.AnnotationPlanAcceptedBy], u.Annotations[v1alpha1.AnnotationPlanAcceptedVersion]
	if by == "" {
		accepted = ""
	}
	st.AcceptedPlanVersion = accepted
	typ := v1alpha1.UnitPlanFiledCondition
	switch plan := u.Spec.Plan; {
	case plan != nil && accepted == plan.Version:
		msg := fmt.Sprintf("Plan %q version %s (%s) accepted by %s.", plan.Name, plan.Version, plan.Document, by)
		s.Announce(typ, metav1.ConditionTrue, v1alpha1.UnitPlanAcceptedReason, msg,
			reconcile.NormalEvent(v1alpha1.UnitPlanAcceptedEvent, "CheckPlan", msg))
	case !unit.MustFilePlan(u.Spec.Type, u.Spec.Large):
		s.Set(typ, metav1.ConditionTrue, v1alpha1.UnitPlanNotRequiredReason,
			fmt.Sprintf("A unit of type %s%s need not file its plan with the bureau (§9.1).", u.Spec.Type, notLarge(u)))
	case plan == nil:
		s.Set(typ, metav1.ConditionFalse, v1alpha1.UnitPlanMissingReason,
			fmt.Sprintf("spec.plan is empty: a unit of type %s%s files its own emergency plan with the bureau (§9.1).", u.Spec.Type, large(u)))
	default:
		msg := fmt.Sprintf("spec.plan: version %s of %q is filed and awaits the office's acceptance (annotation %s).", plan.Version, plan.Name, v1alpha1.AnnotationPlanAcceptedVersion)
		if accepted != "" {
			msg += fmt.Sprintf(" The office accepted version %s.", accepted)
		}
		s.Set(typ, metav1.ConditionFalse, v1alpha1.UnitPlanAwaitingReason, msg)
	}
}

func large(u *v1alpha1.ReportingUnit) string {
	if u.Spec.Type == v1alpha1.UnitInternetCompany && u.Spec.Large {
		return " (large)"
	}
	return ""
}

func notLarge(u *v1alpha1.ReportingUnit) string {
	if u.Spec.Type == v1alpha1.UnitInternetCompany {
		return " not marked large"
	}
	return ""
}

// setDrillHeld says whether a drill of the unit counted in the current
// local year (§7.2).
func (s *unitScope) setDrillHeld(loc *time.Location) {
	u := s.Obj
	year := unit.Year(s.Now, loc)
	typ := v1alpha1.UnitDrillHeldCondition
	if rec := unit.Find(u.Status.Records, year); rec != nil && len(rec.Drills) > 0 {
		s.Set(typ, metav1.ConditionTrue, v1alpha1.UnitDrillCountedReason, fmt.Sprintf("%d drill(s) counted in %d: %s.", len(rec.Drills), year, drillNames(rec.Drills)))
		return
	}
	if !unit.MustDrill(u.Spec.Type) {
		s.Set(typ, metav1.ConditionTrue, v1alpha1.UnitDrillNotRequiredReason, fmt.Sprintf("A unit of type %s need not hold a yearly drill (§7.2).", u.Spec.Type))
		return
	}
	s.Set(typ, metav1.ConditionFalse, v1alpha1.UnitDrillDueReason, fmt.Sprintf(
		"No drill counted in %d yet; a unit of type %s holds one every year (§7.2), due by %s. A drill counts when the drill response over one of its drill incidents ends, or when the office accepts its own drill (annotation %s on the drill incident).",
		year, u.Spec.Type, unit.NewYear(s.Now, loc).Add(-time.Second).Format("2006-01-02 15:04:05 MST"), v1alpha1.AnnotationDrillAcceptedBy))
}

// setDutyReachable says whether someone answers for the unit around the
// clock and it acknowledged every duty in force (§4.5.1, §5.3).
func (s *unitScope) setDutyReachable() {
	u, st := s.Obj, &s.Obj.Status
	typ := v1alpha1.UnitDutyReachableCondition
	var owed []string
	for _, d := range st.Duties {
		if d.Acknowledgement == "" {
			owed = append(owed, dutyWords(d))
		}
	}
	switch {
	case len(u.Spec.DutyContacts) == 0:
		msg := "spec.dutyContacts is empty: name who answers around the clock while a red or orange warning or a III/IV response is in force over the unit (§4.5.1, §5.3)."
		if len(owed) > 0 {
			msg += fmt.Sprintf(" %d duties in force are not acknowledged: %s.", len(owed), strings.Join(owed, "; "))
		}
		s.Set(typ, metav1.ConditionFalse, v1alpha1.UnitNoDutyContactReason, msg)
	case len(owed) > 0:
		msg := fmt.Sprintf("%d of %d duties in force not acknowledged: %s. Acknowledge each with a UnitReport of type Acknowledgement naming it, with the person on duty.",
			len(owed), len(st.Duties), strings.Join(owed, "; "))
		s.Announce(typ, metav1.ConditionFalse, v1alpha1.UnitDutyNotAcknowledgedReason, msg,
			reconcile.WarningEvent(v1alpha1.UnitDutyOwedEvent, "TrackDuties", msg))
	case len(st.Duties) > 0:
		s.Set(typ, metav1.ConditionTrue, v1alpha1.UnitDutyAcknowledgedReason, fmt.Sprintf("Every duty in force (%d) is acknowledged.", len(st.Duties)))
	default:
		s.Set(typ, metav1.ConditionTrue, v1alpha1.UnitNoDutyReason, "No red or orange warning or III/IV response is in force over the unit; its duty contacts are named.")
	}
}

// dutyWords names a duty in a phrase.
func dutyWords(d v1alpha1.UnitDuty) string {
	what := "warning"
	if d.Kind == v1alpha1.DutyResponse {
		what = "response"
	}
	drill := ""
	if d.Drill {
		drill = "drill "
	}
	return fmt.Sprintf("%s%s %s/%s", drill, what, d.Namespace, d.Name)
}
