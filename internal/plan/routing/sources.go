package routing

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/level"
)

// The reports incidents and responses owe (§4.1, §5.3–§5.6, §6.1, §7.2),
// derived from what their status records, so that a step asking for all of
// them on every pass makes each once:
//
//	incident   reported                  → Office         key reported
//	           reached level I or II     → MinistryOffice, LeadingGroup (§2.2, §5.4)           key reportedupward-<level>
//	           withdrawn                 → Office         key withdrawn
//	           its level changed         → Office         key levelchanged-<from>-<to>-<n>
//	           a deadline missed         → Office         key deadlinemissed-<deadline>
//	response   awaiting its decision     → LeadingGroup (III, IV), MinistryOffice (I, II)     key awaitingdecision-<level>
//	           started                   → MinistryOffice, LeadingGroup                       key started
//	           work groups set up        → MinistryOffice, LeadingGroup (situation, §5.3/§5.4) key situation-workgroups
//	           a unit's progress report  → MinistryOffice, LeadingGroup (situation, §5.3/§5.4) key situation-<namespace>-<report>
//	           the office asks support   → MinistryOffice (§5.4, §5.5)                         key supportrequest-<name>
//	           escalated                 → MinistryOffice, LeadingGroup                       key escalated
//	           ended                     → MinistryOffice, LeadingGroup, EmergencyManagement  key ended
//	           a drill ended             → Office (§7.2)                                      key drillreported
//	           unit's summary report     → Office                                             key summary-unit
//	           office's summary report   → MinistryOffice, LeadingGroup                       key summary-office
//	           unit's summary missed     → Office                                             key deadlinemissed-unitsummaryreport
//	           office's summary missed   → MinistryOffice, LeadingGroup                       key deadlinemissed-officesummaryreport

// Incident is a SecurityIncident as a source of reports.
type Incident struct{ *v1alpha1.SecurityIncident }

// SourceKind implements Source.
func (Incident) SourceKind() string { return "SecurityIncident" }

// Owed are the reports an incident owes the office. Their texts are
// composed only when one is written down (Report.Content), so that a pass
// over an incident whose reports are on record, or held in a storm,
// composes none; the facts they share are gathered once, by the first.
func (i Incident) Owed() ([]Report, error) {
	inc := i.SecurityIncident
	var out []Report
	facts := sync.OnceValue(func() notify.IncidentFacts { return incidentFacts(inc) })
	drill := inc.Spec.Drill
	add := func(event v1alpha1.NotificationEvent, key string, to []v1alpha1.Audience, at metav1.Time, say func() (notify.Content, error)) {
		out = append(out, Report{Event: event, Key: key, Audiences: to, Drill: drill, Time: at.Time, Content: say})
	}
	add(v1alpha1.EventIncidentReported, KeyReported, toOffice, inc.CreationTimestamp, func() (notify.Content, error) {
		return notify.IncidentReported(facts(), drill)
	})
	if w, rec := inc.Spec.Withdrawal, inc.Status.Withdrawal; w != nil && rec != nil {
		wf := notify.WithdrawalFacts{Reason: string(w.Reason), DuplicateOf: w.DuplicateOf, Note: w.Note, By: rec.By}
		// To whom the first report went.
		add(v1alpha1.EventIncidentWithdrawn, "withdrawn", toOffice, rec.Time, func() (notify.Content, error) {
			return notify.IncidentWithdrawn(facts(), wf, drill)
		})
	}
	upward := false
	for _, h := range inc.Status.LevelHistory {
		if h.To != v1alpha1.IncidentLevel(v1alpha1.LevelI) && h.To != v1alpha1.IncidentLevel(v1alpha1.LevelII) {
			continue
		}
		key := "reportedupward-" + strings.ToLower(string(h.To))
		if slices.ContainsFunc(out, func(r Report) bool { return r.Key == key }) {
			continue // once per level
		}
		upward = true
		add(v1alpha1.EventIncidentReportedUpward, key, toMinistryAndLead, h.Time, func() (notify.Content, error) {
			at := facts()
			at.Level = string(h.To)
			return notify.IncidentReportedUpward(at, inc.Spec.ProposedMeasures, drill)
		})
	}
	if upward {
		// A withdrawal goes to whom the reports went.
		for i := range out {
			if out[i].Event == v1alpha1.EventIncidentWithdrawn {
				out[i].Audiences = append(slices.Clone(toOffice), toMinistryAndLead...)
			}
		}
	}
	seen := map[string]int{}
	for _, h := range inc.Status.LevelHistory {
		if h.From == "" {
			continue // the first classification is in the report itself
		}
		change := strings.ToLower(string(h.From) + "-" + string(h.To))
		seen[change]++
		add(v1alpha1.EventIncidentLevelChanged, fmt.Sprintf("levelchanged-%s-%d", change, seen[change]), toOffice, h.Time, func() (notify.Content, error) {
			return notify.IncidentLevelChanged(facts(), string(h.From), string(h.To), h.Cause, drill)
		})
	}
	for _, d := range inc.Status.Deadlines {
		if d.State != v1alpha1.DeadlineMissed {
			continue
		}
		df := notify.DeadlineFacts{Kind: "SecurityIncident", Namespace: inc.Namespace, Name: inc.Name,
			Deadline: d.Name, Due: d.DueTime.Time, Unit: inc.Spec.Reporter.UnitName}
		add(v1alpha1.EventDeadlineMissed, "deadlinemissed-"+strings.ToLower(d.Name), toOffice, d.DueTime, func() (notify.Content, error) {
			return notify.DeadlineMissed(df, drill)
		})
	}
	return out, nil
}

func incidentFacts(inc *v1alpha1.SecurityIncident) notify.IncidentFacts {
	f := notify.IncidentFacts{
		Namespace: inc.Namespace, Name: inc.Name,
		Unit: inc.Spec.Reporter.UnitName, UnitType: string(inc.Spec.Reporter.UnitType),
		Contact: inc.Spec.Reporter.Contact.Name, Phone: inc.Spec.Reporter.Contact.Phone,
		Affected: inc.Spec.NetworkUnit.Name, Description: inc.Spec.Description,
		OccurredAt: inc.Spec.OccurredAt.Time, DiscoveredAt: inc.Spec.DiscoveredAt.Time,
		Level: string(inc.Status.Level), LevelReasons: inc.Status.LevelReasons,
		LevelReasonsZH: reasonsZH(inc),
		QuickNotice:    inc.Spec.ReportChannel == v1alpha1.ReportQuickNotice,
		MeasuresTaken:  inc.Spec.MeasuresTaken,
	}
	for _, t := range inc.Spec.EventTypes {
		f.EventTypes = append(f.EventTypes, string(t))
	}
	return f
}

// reasonsZH are the incident's level reasons in the plan's words, when the
// criteria give the level its status records (they do but for a moment
// after a correction, when the English reasons are sent as they are).
func reasonsZH(inc *v1alpha1.SecurityIncident) []string {
	got := level.Classify(&inc.Spec, level.AssessmentOf(inc))
	if got.Level != inc.Status.Level || len(got.Reasons) != len(inc.Status.LevelReasons) {
		return nil
	}
	return got.ReasonsZH
}

// Response is an EmergencyResponse as a source of reports.
type Response struct{ *v1alpha1.EmergencyResponse }

// SourceKind implements Source.
func (Response) SourceKind() string { return "EmergencyResponse" }

// Owed are the reports a response owes.
func (x Response) Owed() ([]Report, error) {
	resp := x.EmergencyResponse
	var out []Report
	st, drill := &resp.Status, resp.Spec.Drill
	f := responseFacts(resp)
	add := func(event v1alpha1.NotificationEvent, key string, to []v1alpha1.Audience, at metav1.Time, c notify.Content, err error) error {
		if err != nil {
			return err
		}
		out = append(out, Report{Event: event, Key: key, Audiences: to, Drill: drill, Time: at.Time, Content: Says(c)})
		return nil
	}
	if c := meta.FindStatusCondition(st.Conditions, v1alpha1.ResponseApprovedCondition); c != nil && c.Reason == v1alpha1.ResponseAwaitingApprovalReason && st.StartedTime == nil && st.Level != "" {
		to, whoseZH, whose := []v1alpha1.Audience{v1alpha1.AudienceLeadingGroup}, "局网安领导小组", "the leading group"
		switch st.Level {
		case v1alpha1.LevelI:
			to, whoseZH, whose = []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice}, "部领导小组", "the ministry's leading group"
		case v1alpha1.LevelII:
			to, whoseZH, whose = []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice}, "部应急办", "the ministry's emergency office"
		}
		r, err := notify.ResponseAwaitingDecision(f, whoseZH, whose, drill)
		if err := add(v1alpha1.EventResponseAwaitingDecision, "awaitingdecision-"+strings.ToLower(string(st.Level)), to, c.LastTransitionTime, r, err); err != nil {
			return nil, err
		}
	}
	if st.StartedTime != nil {
		r, err := notify.ResponseStarted(f, drill)
		if err := add(v1alpha1.EventResponseStarted, "started", toMinistryAndLead, *st.StartedTime, r, err); err != nil {
			return nil, err
		}
	}
	if st.WorkGroupsReadyTime != nil {
		situation := notify.Texts{
			ZH: fmt.Sprintf("局网安应急办已设立工作组 %s，进入应急状态。", strings.Join(st.WorkGroups, "、")),
			EN: fmt.Sprintf("The office set up the work groups %s and is in emergency mode.", strings.Join(st.WorkGroups, ", ")),
		}
		if len(st.WorkGroups) == 0 {
			// I and II: the office learns at once how the province is
			// affected, under the ministry's command (§5.4).
			units := map[string]bool{}
			for _, ref := range resp.Spec.IncidentRefs {
				units[ref.Namespace] = true
			}
			situation = notify.Texts{
				ZH: fmt.Sprintf("在部应急办统一指挥协调下，局网安应急办已进入应急状态，正在了解本省受影响情况：涉及 %d 个单位的 %d 起事件。", len(units), len(resp.Spec.IncidentRefs)),
				EN: fmt.Sprintf("Under the ministry's command, the office is in emergency mode and gathering how the province is affected: %d incidents of %d units.", len(resp.Spec.IncidentRefs), len(units)),
			}
		}
		r, err := notify.ResponseSituation(f, situation, drill)
		if err := add(v1alpha1.EventResponseSituation, "situation-workgroups", toMinistryAndLead, *st.WorkGroupsReadyTime, r, err); err != nil {
			return nil, err
		}
	}
	if c := meta.FindStatusCondition(st.Conditions, v1alpha1.ResponseLevelCoveredCondition); st.SupersededBy != "" ||
		(c != nil && c.Reason == v1alpha1.ResponseIncidentEscalatedReason) {
		at := metav1.Time{}
		if c != nil {
			at = c.LastTransitionTime
		}
		if st.StartedTime != nil && at.IsZero() {
			at = *st.StartedTime
		}
		r, err := notify.ResponseEscalated(f, string(st.Level), drill)
		if err := add(v1alpha1.EventResponseEscalated, "escalated", toMinistryAndLead, at, r, err); err != nil {
			return nil, err
		}
	}
	if st.StartedTime != nil {
		// The office's requests for support beyond the province, once the
		// response runs (§5.4, §5.5), each once.
		for _, req := range resp.Spec.SupportRequests {
			i := slices.IndexFunc(st.SupportRequests, func(s v1alpha1.SupportRequestSent) bool { return s.Name == req.Name })
			if i < 0 {
				continue
			}
			at := st.SupportRequests[i].SeenTime
			if at.Before(st.StartedTime) {
				at = *st.StartedTime
			}
			kinds := make([]string, len(req.Kinds))
			for j, k := range req.Kinds {
				kinds[j] = string(k)
			}
			r, err := notify.ResponseSupportRequested(f, notify.SupportRequestFacts{Name: req.Name, Kinds: kinds, What: req.What}, drill)
			if err := add(v1alpha1.EventResponseSupportRequested, "supportrequest-"+req.Name, toMinistry, at, r, err); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range st.Progress {
		// Each unit's progress goes upward as it comes in (§5.3, §5.4).
		who, measures, effect, next := notify.Value(orNamespace(p.Unit, p.Namespace)), notify.Value(p.Measures), notify.Value(p.Effect), notify.Value(p.NextSteps)
		situation := notify.Texts{
			ZH: fmt.Sprintf("%s 报送处置进展：已采取措施：%s；效果：%s；下一步：%s", who, measures, effect, next),
			EN: fmt.Sprintf("%s reports progress: measures taken: %s; effect: %s; next steps: %s", who, measures, effect, next),
		}
		r, err := notify.ResponseSituation(f, situation, drill)
		if err := add(v1alpha1.EventResponseSituation, "situation-"+p.Namespace+"-"+p.Report, toMinistryAndLead, p.ReceivedTime, r, err); err != nil {
			return nil, err
		}
	}
	if st.EndedTime != nil {
		r, err := notify.ResponseEnded(f, drill)
		if err := add(v1alpha1.EventResponseEnded, "ended", toEnd, *st.EndedTime, r, err); err != nil {
			return nil, err
		}
		if drill {
			r, err := notify.DrillReported(f)
			if err := add(v1alpha1.EventDrillReported, "drillreported", toOffice, *st.EndedTime, r, err); err != nil {
				return nil, err
			}
		}
	}
	for _, u := range st.UnitSummaryReports {
		if u.ReceivedTime == nil || u.Report == "" {
			continue
		}
		r, err := notify.SummaryReport(f, "unit "+u.Unit, u.Namespace+"/"+u.Report, u.ReceivedTime.Time, drill)
		if err := add(v1alpha1.EventSummaryReportReceived, "summary-unit-"+u.Namespace, toOffice, *u.ReceivedTime, r, err); err != nil {
			return nil, err
		}
	}
	if got := st.SummaryReportsReceived; got != nil && got.OfficeTime != nil && resp.Spec.SummaryReports.Office != nil {
		r, err := notify.SummaryReport(f, "office", resp.Spec.SummaryReports.Office.Document, got.OfficeTime.Time, drill)
		if err := add(v1alpha1.EventSummaryReportReceived, "summary-office", toMinistryAndLead, *got.OfficeTime, r, err); err != nil {
			return nil, err
		}
	}
	for _, d := range st.Deadlines {
		if d.State != v1alpha1.DeadlineMissed {
			continue
		}
		to := toOffice
		key := "deadlinemissed-" + strings.ToLower(d.Name)
		if d.Name == v1alpha1.DeadlineOfficeSummaryReport {
			to = toMinistryAndLead
		}
		r, err := notify.DeadlineMissed(notify.DeadlineFacts{Kind: "EmergencyResponse", Namespace: resp.Namespace, Name: resp.Name,
			Deadline: d.Name, Due: d.DueTime.Time}, drill)
		if err := add(v1alpha1.EventDeadlineMissed, strings.ReplaceAll(key, "/", "-"), to, d.DueTime, r, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// orNamespace is a unit's registered name, or its namespace when it has none.
func orNamespace(unit, namespace string) string {
	if unit != "" {
		return unit
	}
	return namespace
}

func responseFacts(resp *v1alpha1.EmergencyResponse) notify.ResponseFacts {
	st := &resp.Status
	f := notify.ResponseFacts{
		Namespace: resp.Namespace, Name: resp.Name, Level: string(st.Level),
		Commander: resp.Spec.Commander, WorkGroups: st.WorkGroups, SupersededBy: st.SupersededBy,
		CommandedBy: st.CommandedBy,
	}
	for _, ref := range resp.Spec.IncidentRefs {
		f.Incidents = append(f.Incidents, ref.Namespace+"/"+ref.Name)
	}
	for _, m := range resp.Spec.Measures {
		f.Measures = append(f.Measures, string(m))
	}
	if a := st.Approval; a != nil {
		f.ApprovedBy, f.Directive = a.ApprovedBy, a.Directive
		if a.Level != "" {
			f.Level = string(a.Level)
		}
	}
	if a := st.EndApproval; a != nil {
		f.EndApprovedBy, f.EndDirective = a.ApprovedBy, a.Directive
	}
	if st.StartedTime != nil {
		f.StartedAt = st.StartedTime.Time
	}
	if st.EndedTime != nil {
		f.EndedAt = st.EndedTime.Time
	}
	return f
}
