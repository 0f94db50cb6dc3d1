package board

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The quick notice's fields, named by the paths the API server's causes
// name, so that each message lands beside its field.
const (
	fNamespace     = "metadata.namespace"
	fName          = "metadata.name"
	fDrill         = "spec.drill"
	fUnitName      = "spec.reporter.unitName"
	fUnitType      = "spec.reporter.unitType"
	fContactName   = "spec.reporter.contact.name"
	fPhone         = "spec.reporter.contact.phone"
	fDescription   = "spec.description"
	fOccurredAt    = "spec.occurredAt"
	fDiscoveredAt  = "spec.discoveredAt"
	fEventTypes    = "spec.eventTypes"
	fOutage        = "spec.impact.internetOutage.scope"
	fDNSSystem     = "spec.impact.dns.system"
	fDNSState      = "spec.impact.dns.state"
	fInfluence     = "spec.impact.website.influence"
	fRecords       = "spec.impact.dataLeak.records"
	fVirus         = "spec.impact.virus.scope"
	fOther         = "spec.impact.other.description"
	fSuggested     = "spec.suggestedLevel"
	fMeasuresTaken = "spec.measuresTaken"
	fProposed      = "spec.proposedMeasures"
	dateTimeLayout = "2006-01-02T15:04"
)

// fields are the inputs, longest path first when a cause is matched.
var fields = []string{fNamespace, fName, fDrill, fUnitName, fUnitType, fContactName, fPhone, fDescription,
	fOccurredAt, fDiscoveredAt, fEventTypes, fOutage, fDNSSystem, fDNSState, fInfluence, fRecords, fVirus, fOther, fSuggested,
	fMeasuresTaken, fProposed}

// impactOf is the fieldset each impact's inputs belong to, and the rules'
// field paths that name the impact as a whole.
var impactOf = map[string]string{
	"spec.impact.internetOutage": fOutage, "spec.impact.dns": fDNSSystem, "spec.impact.website": fInfluence,
	"spec.impact.dataLeak": fRecords, "spec.impact.virus": fVirus, "spec.impact.other": fOther,
}

type noticeData struct {
	Page
	Form url.Values
	// Errors are the messages for each field; General those that name none.
	Errors  map[string][]string
	General []string
	Options map[string][]string
}

var noticeOptions = map[string][]string{
	"unitTypes":  {"BasicTelecom", "DomainRegistry", "InternetCompany", "SecuritySupport", "SecurityCompany", "Other"},
	"eventTypes": {"InternetOutage", "DNSAnomaly", "WebsiteAnomaly", "DataLeak", "VirusOutbreak", "Other"},
	"scopes":     {"Nationwide", "MultiProvince", "Province", "City", "MultiCounty", "County"},
	"dnsSystems": {"CNTopLevel", "Large", "Other"},
	"dnsStates":  {"Unreachable", "Degraded"},
	"influences": {"National", "Provincial", "Local"},
	"levels":     {"I", "II", "III", "IV"},
}

func (s *Server) noticePage(w http.ResponseWriter, r *http.Request) {
	now := s.opts.Now().In(s.opts.Zone).Format(dateTimeLayout)
	form := url.Values{fNamespace: {s.opts.Namespace}, fOccurredAt: {now}, fDiscoveredAt: {now}}
	s.render(w, r, http.StatusOK, "notice", noticeData{Page: s.base(r), Form: form, Errors: map[string][]string{}, Options: noticeOptions})
}

// fileNotice creates the incident as the user. The board checks only what
// it must to build the object (a time it cannot read, a number that is
// not one); everything else is the API server's to say, and its causes
// are shown beside the fields they name.
func (s *Server) fileNotice(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	d := noticeData{Page: s.base(r), Form: f, Errors: map[string][]string{}, Options: noticeOptions}
	inc, errs := s.incidentOf(f)
	for field, msg := range errs {
		d.Errors[field] = append(d.Errors[field], msg)
	}
	if len(errs) == 0 {
		err := s.opts.Client.Create(r.Context(), inc)
		if err == nil {
			http.Redirect(w, r, "/object/securityincident/"+url.PathEscape(inc.Namespace)+"/"+url.PathEscape(inc.Name), http.StatusSeeOther)
			return
		}
		d.Errors, d.General = placeCauses(err)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "notice", d)
}

func (s *Server) incidentOf(f url.Values) (*v1alpha1.SecurityIncident, map[string]string) {
	errs := map[string]string{}
	at := func(field string) metav1.Time {
		v := strings.TrimSpace(f.Get(field))
		t, err := time.ParseInLocation(dateTimeLayout, v, s.opts.Zone)
		if err != nil {
			errs[field] = "write a date and time, such as 2026-12-04T14:15 (" + s.opts.Zone.String() + ")"
		}
		return metav1.NewTime(t)
	}
	inc := &v1alpha1.SecurityIncident{
		ObjectMeta: metav1.ObjectMeta{Namespace: strings.TrimSpace(f.Get(fNamespace)), Name: strings.TrimSpace(f.Get(fName))},
		Spec: v1alpha1.SecurityIncidentSpec{
			Drill: f.Get(fDrill) == "on",
			Reporter: v1alpha1.Reporter{
				UnitName: strings.TrimSpace(f.Get(fUnitName)), UnitType: v1alpha1.UnitType(f.Get(fUnitType)),
				Contact: v1alpha1.Contact{Name: strings.TrimSpace(f.Get(fContactName)), Phone: strings.TrimSpace(f.Get(fPhone))},
			},
			ReportChannel:    v1alpha1.ReportQuickNotice,
			Description:      f.Get(fDescription),
			OccurredAt:       at(fOccurredAt),
			DiscoveredAt:     at(fDiscoveredAt),
			SuggestedLevel:   v1alpha1.Level(f.Get(fSuggested)),
			MeasuresTaken:    strings.TrimSpace(f.Get(fMeasuresTaken)),
			ProposedMeasures: strings.TrimSpace(f.Get(fProposed)),
		},
	}
	if inc.Name == "" {
		inc.GenerateName = "notice-"
	}
	if inc.Namespace == "" {
		errs[fNamespace] = "name the namespace of your unit"
	}
	for _, t := range f[fEventTypes] {
		inc.Spec.EventTypes = append(inc.Spec.EventTypes, v1alpha1.EventType(t))
	}
	im := &inc.Spec.Impact
	if v := f.Get(fOutage); v != "" {
		im.InternetOutage = &v1alpha1.AreaImpact{Scope: v1alpha1.Scope(v)}
	}
	if sys, st := f.Get(fDNSSystem), f.Get(fDNSState); sys != "" || st != "" {
		im.DNS = &v1alpha1.DNSImpact{System: v1alpha1.DNSSystem(sys), State: v1alpha1.DNSState(st)}
	}
	if v := f.Get(fInfluence); v != "" {
		im.Website = &v1alpha1.WebsiteImpact{Influence: v1alpha1.Influence(v)}
	}
	if v := strings.TrimSpace(f.Get(fRecords)); v != "" {
		n, err := strconv.ParseInt(strings.ReplaceAll(v, ",", ""), 10, 64)
		if err != nil {
			errs[fRecords] = "write the number of records, such as 150000"
		}
		im.DataLeak = &v1alpha1.DataLeakImpact{Records: n}
	}
	if v := f.Get(fVirus); v != "" {
		im.Virus = &v1alpha1.AreaImpact{Scope: v1alpha1.Scope(v)}
	}
	if v := strings.TrimSpace(f.Get(fOther)); v != "" {
		im.Other = &v1alpha1.OtherImpact{Description: v}
	}
	return inc, errs
}

// placeCauses sorts the API server's refusal into the messages of each
// field (the field its cause names, or the nearest input above it) and
// those that name no field.
func placeCauses(err error) (map[string][]string, []string) {
	out := map[string][]string{}
	var general []string
	var st apierrors.APIStatus
	if !errors.As(err, &st) || st.Status().Details == nil || len(st.Status().Details.Causes) == 0 {
		return out, []string{err.Error()}
	}
	byLength := append([]string(nil), fields...)
	sort.Slice(byLength, func(i, j int) bool { return len(byLength[i]) > len(byLength[j]) })
	for _, c := range st.Status().Details.Causes {
		field := fieldOf(c.Field, byLength)
		msg := c.Message
		if field == "" {
			if c.Field != "" {
				msg = c.Field + ": " + msg
			}
			general = append(general, msg)
			continue
		}
		out[field] = append(out[field], msg)
	}
	return out, general
}

func fieldOf(path string, byLength []string) string {
	path = strings.TrimPrefix(path, ".")
	if i := strings.Index(path, "["); i >= 0 {
		path = path[:i]
	}
	for _, f := range byLength {
		if path == f || strings.HasPrefix(path, f+".") {
			return f
		}
	}
	if f, ok := impactOf[path]; ok {
		return f
	}
	for prefix, f := range impactOf {
		if strings.HasPrefix(path, prefix+".") {
			return f
		}
	}
	if path == "spec.reporter.contact" || path == "spec.reporter" {
		return fContactName
	}
	return ""
}
