package controllers

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/report"
	"github.com/netsec-io/incident-operator/internal/text"
)

// readUnitReports shows the units' own reports on the response (§5.3, §6.1):
// how many progress reports came in, each covered unit's acknowledgement
// while a III/IV response is active, and each covered unit's summary report
// once the response ended. A unit is covered when the response counts one
// of its incidents; a report from any other namespace is left out (its own
// status says why).
func (r *EmergencyResponseReconciler) readUnitReports(ctx context.Context, s *responseScope) error {
	resp, st := s.Obj, &s.Obj.Status
	reports, err := reportsOn(ctx, r.Client, v1alpha1.DutyResponse, resp.Namespace, resp.Name)
	if err != nil {
		return fmt.Errorf("listing the units' reports: %w", err)
	}
	// A namespace with no registered unit (a drill filed in a namespace of
	// its own) has nobody to acknowledge or to hand in a summary report.
	var covered []string
	names := map[string]string{}
	for _, ns := range coveredUnits(s.incidents) {
		if name := unitName(ctx, r.Client, ns); name != "" {
			covered = append(covered, ns)
			names[ns] = name
		}
	}
	var progress int32
	st.Progress = nil
	acks := map[string]*v1alpha1.UnitReport{}
	summaries := map[string]*v1alpha1.UnitReport{}
	for i := range reports {
		ur := &reports[i]
		if ur.Status.ReceivedTime == nil || !slices.Contains(covered, ur.Namespace) {
			continue
		}
		switch ur.Spec.Type {
		case v1alpha1.UnitReportProgress:
			progress++
			p := ur.Spec.Progress
			st.Progress = append(st.Progress, v1alpha1.UnitProgress{Namespace: ur.Namespace, Unit: names[ur.Namespace], Report: ur.Name,
				ReceivedTime: *ur.Status.ReceivedTime, Measures: text.Truncate(p.Measures, 512), Effect: text.Truncate(p.Effect, 512), NextSteps: text.Truncate(p.NextSteps, 512)})
			if len(st.Progress) > 64 {
				st.Progress = st.Progress[1:]
			}
		case v1alpha1.UnitReportAcknowledgement:
			if acks[ur.Namespace] == nil {
				acks[ur.Namespace] = ur
			}
		case v1alpha1.UnitReportSummary:
			// A summary report counts once the response ended (§6.1).
			if ended(resp) && !ur.Status.ReceivedTime.Before(st.EndedTime) && summaries[ur.Namespace] == nil {
				summaries[ur.Namespace] = ur
			}
		}
	}
	st.ProgressReports = progress

	st.Acknowledgements, st.Unacknowledged = nil, 0
	if started(resp) && !ended(resp) && asksForDuty(st.Level) {
		for _, ns := range covered {
			a := v1alpha1.UnitAcknowledgement{Namespace: ns, Unit: names[ns]}
			if ur := acks[ns]; ur != nil {
				a.Report, a.Time, a.Duty = ur.Name, ur.Status.ReceivedTime, dutyOf(ur)
			} else {
				st.Unacknowledged++
			}
			st.Acknowledgements = append(st.Acknowledgements, a)
		}
	}

	if !ended(resp) {
		st.UnitSummaryReports = nil
		return nil
	}
	// Once the response ended, a unit it covered stays listed: its summary
	// report is owed even if a later change hid its incident.
	kept := map[string]v1alpha1.UnitSummaryReport{}
	for _, u := range st.UnitSummaryReports {
		kept[u.Namespace] = u
	}
	for _, ns := range covered {
		if _, ok := kept[ns]; !ok {
			kept[ns] = v1alpha1.UnitSummaryReport{Namespace: ns, Unit: names[ns]}
		}
	}
	st.UnitSummaryReports = st.UnitSummaryReports[:0]
	for _, ns := range slices.Sorted(maps.Keys(kept)) {
		u := kept[ns]
		if ur := summaries[ns]; ur != nil && u.Report == "" {
			u.Report, u.ReceivedTime = ur.Name, ur.Status.ReceivedTime
		}
		st.UnitSummaryReports = append(st.UnitSummaryReports, u)
	}
	return nil
}

// unitsDone are the units' summary reports as SummaryOwed counts them.
func unitsDone(st *v1alpha1.EmergencyResponseStatus) []report.UnitDone {
	out := make([]report.UnitDone, 0, len(st.UnitSummaryReports))
	for _, u := range st.UnitSummaryReports {
		out = append(out, report.UnitDone{Namespace: u.Namespace, At: timeOf(u.ReceivedTime)})
	}
	return out
}

// asksForDuty: a III or IV response asks its units for 24-hour duty (§5.3);
// I and II run under the ministry's command.
func asksForDuty(l v1alpha1.Level) bool { return l == v1alpha1.LevelIII || l == v1alpha1.LevelIV }

// coveredUnits are the namespaces of the incidents a response counts, sorted.
func coveredUnits(incidents []v1alpha1.SecurityIncident) []string {
	var out []string
	for i := range incidents {
		if withdrawn(&incidents[i]) {
			continue
		}
		out = append(out, incidents[i].Namespace)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// unitName is the registered name of the unit of a namespace, or "" when it
// has none.
func unitName(ctx context.Context, c client.Reader, namespace string) string {
	u := &v1alpha1.ReportingUnit{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: namespace}, u); err != nil {
		return ""
	}
	return u.Spec.Name
}

// dutyOf is the person on duty an acknowledgement names, with the phone.
func dutyOf(ur *v1alpha1.UnitReport) string {
	if ur.Spec.Acknowledgement == nil {
		return ""
	}
	d := ur.Spec.Acknowledgement.Duty
	return d.Name + " " + d.Phone
}
