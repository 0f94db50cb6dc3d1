package routing

import (
	"fmt"
	"slices"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
)

// What a warning reports, and to whom, for each step in its history:
//
//	step        units and the public    upward
//	Published   WarningPublished        red, orange: WarningRelayed to the LeadingGroup (§4.4)
//	                                    yellow, blue: WarningReportedUpward to the MinistryOffice
//	                                                  and EmergencyManagement (§4.4)
//	Adjusted    WarningAdjusted         the same offices (§4.6)
//	Lifted      WarningLifted           the same offices (§4.6)
//
// A risk notice reports nothing upward. Event ids are the warning's uid and
// the report's key: "published", "reportedupward", "adjusted-1",
// "adjusted-1-reportedupward", "lifted", "lifted-reportedupward".

// publicAudiences are who a warning is published to.
var publicAudiences = []v1alpha1.Audience{v1alpha1.AudienceUnits, v1alpha1.AudiencePublic}

// upwardAudiences are the offices told of a warning's steps at level l.
func upwardAudiences(w *v1alpha1.Warning, l v1alpha1.WarningLevel) []v1alpha1.Audience {
	switch {
	case l == v1alpha1.WarningRed || l == v1alpha1.WarningOrange || w.Spec.Source != v1alpha1.SourceProvincial:
		return []v1alpha1.Audience{v1alpha1.AudienceLeadingGroup}
	case l == v1alpha1.WarningYellow || l == v1alpha1.WarningBlue:
		return []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceEmergencyManagement}
	}
	return nil
}

// Warning is a Warning as a source of reports.
type Warning struct{ *v1alpha1.Warning }

// SourceKind implements Source.
func (Warning) SourceKind() string { return "Warning" }

// Owed are the reports the warning's history owes.
func (x Warning) Owed() ([]Report, error) {
	w := x.Warning
	var out []Report
	adjustments := 0
	for i, h := range w.Status.History {
		var event v1alpha1.NotificationEvent
		var key string
		switch h.Action {
		case v1alpha1.WarningActionPublished:
			event, key = v1alpha1.EventWarningPublished, "published"
		case v1alpha1.WarningActionAdjusted:
			adjustments++
			event, key = v1alpha1.EventWarningAdjusted, fmt.Sprintf("adjusted-%d", adjustments)
		case v1alpha1.WarningActionLifted:
			event, key = v1alpha1.EventWarningLifted, "lifted"
		default:
			continue
		}
		facts := warningFacts(w, h)
		if i > 0 {
			facts.PreviousLevel = string(w.Status.History[i-1].Level)
		}
		public, err := notify.Warning(string(h.Action), nil, facts, w.Spec.Drill)
		if err != nil {
			return nil, err
		}
		out = append(out, Report{
			Event: event, Key: key, Audiences: publicAudiences, Channels: w.Spec.Channels,
			Drill: w.Spec.Drill, Time: h.Time.Time, Content: Says(public),
		})
		to := upwardAudiences(w, h.Level)
		if len(to) == 0 {
			continue
		}
		up, err := notify.Warning(string(h.Action), audienceStrings(to), facts, w.Spec.Drill)
		if err != nil {
			return nil, err
		}
		upEvent, upKey := event, key+"-reportedupward"
		if h.Action == v1alpha1.WarningActionPublished {
			upEvent, upKey = v1alpha1.EventWarningReportedUpward, "reportedupward"
			if to[0] == v1alpha1.AudienceLeadingGroup {
				upEvent = v1alpha1.EventWarningRelayed
			}
		}
		out = append(out, Report{
			Event: upEvent, Key: upKey, Audiences: to, Drill: w.Spec.Drill, Time: h.Time.Time, Content: Says(up),
		})
	}
	return out, nil
}

// warningFacts are what a step's messages say: the content as the warning
// holds it, at the step's level, with who approved it.
func warningFacts(w *v1alpha1.Warning, h v1alpha1.WarningStep) notify.WarningFacts {
	f := notify.WarningFacts{
		Namespace: w.Namespace, Name: w.Name,
		Level: string(h.Level), Source: string(w.Spec.Source),
		StartTime: w.Spec.StartTime.Time, Scope: w.Spec.Scope, Harm: w.Spec.Harm,
		Precautions: w.Spec.Precautions, TimeLimits: w.Spec.TimeLimits, Issuer: w.Spec.Issuer, Hotline: w.Spec.Hotline,
		ApprovedBy: h.ApprovedBy, Directive: h.Directive,
	}
	if h.Action != v1alpha1.WarningActionLifted {
		f.Measures = warning.Measures(h.Level)
	}
	return f
}

// IsUpward says whether a warning's notification is a report to the
// offices rather than the message to the units and the public.
func IsUpward(n v1alpha1.Notification) bool {
	return !slices.ContainsFunc(n.Spec.Audiences, func(a v1alpha1.Audience) bool { return slices.Contains(publicAudiences, a) })
}
