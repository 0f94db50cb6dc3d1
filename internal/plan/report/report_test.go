package report

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func fullForm() *v1alpha1.SecurityIncidentSpec {
	return &v1alpha1.SecurityIncidentSpec{
		Reporter: v1alpha1.Reporter{
			UnitName: "Unit", UnitType: v1alpha1.UnitBasicTelecom, FilledBy: "Li",
			Contact: v1alpha1.Contact{Name: "Li", Phone: "0851-1234567", Email: "li@example.cn"},
		},
		ReportChannel:    v1alpha1.ReportQuickNotice,
		NetworkUnit:      v1alpha1.NetworkUnit{Name: "IDC", Address: "Guiyang"},
		SuggestedLevel:   v1alpha1.LevelIV,
		MeasuresTaken:    "isolated",
		ProposedMeasures: "patch",
		Support:          &v1alpha1.Support{Needed: false},
		DiscoveredAt:     metav1.NewTime(at("2026-03-01T10:00:00+08:00")),
	}
}

func TestMissingFields(t *testing.T) {
	cases := map[string]struct {
		edit func(*v1alpha1.SecurityIncidentSpec)
		want []string
	}{
		"complete":          {edit: func(*v1alpha1.SecurityIncidentSpec) {}},
		"no e-mail":         {edit: func(s *v1alpha1.SecurityIncidentSpec) { s.Reporter.Contact.Email = "" }, want: []string{"spec.reporter.contact.email"}},
		"no filler":         {edit: func(s *v1alpha1.SecurityIncidentSpec) { s.Reporter.FilledBy = "" }, want: []string{"spec.reporter.filledBy"}},
		"no network unit":   {edit: func(s *v1alpha1.SecurityIncidentSpec) { s.NetworkUnit = v1alpha1.NetworkUnit{} }, want: []string{"spec.networkUnit.name", "spec.networkUnit.address"}},
		"no suggestion":     {edit: func(s *v1alpha1.SecurityIncidentSpec) { s.SuggestedLevel = "" }, want: []string{"spec.suggestedLevel"}},
		"no measures":       {edit: func(s *v1alpha1.SecurityIncidentSpec) { s.MeasuresTaken, s.ProposedMeasures = "", "" }, want: []string{"spec.measuresTaken", "spec.proposedMeasures"}},
		"no support answer": {edit: func(s *v1alpha1.SecurityIncidentSpec) { s.Support = nil }, want: []string{"spec.support"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := fullForm()
			tc.edit(s)
			if diff := cmp.Diff(tc.want, MissingFields(s)); diff != "" {
				t.Errorf("MissingFields() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEndOfLocalDay(t *testing.T) {
	cases := map[string]struct {
		t    time.Time
		want time.Time
	}{
		"morning":                      {at("2026-03-01T09:00:00+08:00"), at("2026-03-02T00:00:00+08:00")},
		"a minute before midnight":     {at("2026-03-01T23:59:00+08:00"), at("2026-03-02T00:00:00+08:00")},
		"midnight starts a new day":    {at("2026-03-02T00:00:00+08:00"), at("2026-03-03T00:00:00+08:00")},
		"UTC evening is next day here": {at("2026-03-01T17:00:00Z"), at("2026-03-03T00:00:00+08:00")},
		"year's end":                   {at("2026-12-31T12:00:00+08:00"), at("2027-01-01T00:00:00+08:00")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := EndOfLocalDay(tc.t, shanghai); !got.Equal(tc.want) {
				t.Errorf("EndOfLocalDay(%s) = %s, want %s", tc.t, got, tc.want)
			}
		})
	}
}

func TestDeadlines(t *testing.T) {
	grace := time.Hour
	discovered := at("2026-03-01T10:00:00+08:00")
	midnight := at("2026-03-02T00:00:00+08:00")
	mt := func(s string) metav1.Time { return metav1.NewTime(at(s)) }
	pmt := func(s string) *metav1.Time { return ptr.To(mt(s)) }
	type want = []v1alpha1.Deadline
	cases := map[string]struct {
		channel    v1alpha1.ReportChannel
		reportedAt string
		complete   string // when the form was found complete; "" for not yet
		now        string
		previous   []v1alpha1.Deadline
		want       want
	}{
		"full form reported on time": {
			channel: v1alpha1.ReportForm, reportedAt: "2026-03-01T10:30:00+08:00", now: "2026-03-01T10:30:00+08:00",
			want: want{{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Met", CompletedTime: pmt("2026-03-01T10:30:00+08:00")}},
		},
		"reported exactly at the grace's end is on time": {
			channel: v1alpha1.ReportForm, reportedAt: "2026-03-01T11:00:00+08:00", now: "2026-03-01T11:00:00+08:00",
			want: want{{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Met", CompletedTime: pmt("2026-03-01T11:00:00+08:00")}},
		},
		"reported a second after the grace is late": {
			channel: v1alpha1.ReportForm, reportedAt: "2026-03-01T11:00:01+08:00", now: "2026-03-01T11:00:01+08:00",
			want: want{{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Missed", CompletedTime: pmt("2026-03-01T11:00:01+08:00")}},
		},
		"quick notice, form still owed": {
			channel: v1alpha1.ReportQuickNotice, reportedAt: "2026-03-01T10:10:00+08:00", now: "2026-03-01T20:00:00+08:00",
			want: want{
				{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Met", CompletedTime: pmt("2026-03-01T10:10:00+08:00")},
				{Name: "FullForm", DueTime: metav1.NewTime(midnight), State: "Pending"},
			},
		},
		"quick notice, form in before midnight": {
			channel: v1alpha1.ReportQuickNotice, reportedAt: "2026-03-01T10:10:00+08:00", complete: "2026-03-01T23:59:59+08:00", now: "2026-03-01T23:59:59+08:00",
			want: want{
				{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Met", CompletedTime: pmt("2026-03-01T10:10:00+08:00")},
				{Name: "FullForm", DueTime: metav1.NewTime(midnight), State: "Met", CompletedTime: pmt("2026-03-01T23:59:59+08:00")},
			},
		},
		"quick notice, midnight passed": {
			channel: v1alpha1.ReportQuickNotice, reportedAt: "2026-03-01T10:10:00+08:00", now: "2026-03-02T00:00:00+08:00",
			want: want{
				{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Met", CompletedTime: pmt("2026-03-01T10:10:00+08:00")},
				{Name: "FullForm", DueTime: metav1.NewTime(midnight), State: "Missed"},
			},
		},
		"a missed form that comes in later stays missed, with its time": {
			channel: v1alpha1.ReportQuickNotice, reportedAt: "2026-03-01T10:10:00+08:00", complete: "2026-03-02T09:00:00+08:00", now: "2026-03-02T09:00:00+08:00",
			previous: want{{Name: "FullForm", DueTime: metav1.NewTime(midnight), State: "Missed"}},
			want: want{
				{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Met", CompletedTime: pmt("2026-03-01T10:10:00+08:00")},
				{Name: "FullForm", DueTime: metav1.NewTime(midnight), State: "Missed", CompletedTime: pmt("2026-03-02T09:00:00+08:00")},
			},
		},
		"a met form stays met with its first time": {
			channel: v1alpha1.ReportQuickNotice, reportedAt: "2026-03-01T10:10:00+08:00", complete: "2026-03-02T09:00:00+08:00", now: "2026-03-02T09:00:00+08:00",
			previous: want{{Name: "FullForm", DueTime: metav1.NewTime(midnight), State: "Met", CompletedTime: pmt("2026-03-01T15:00:00+08:00")}},
			want: want{
				{Name: "InitialReport", DueTime: mt("2026-03-01T11:00:00+08:00"), State: "Met", CompletedTime: pmt("2026-03-01T10:10:00+08:00")},
				{Name: "FullForm", DueTime: metav1.NewTime(midnight), State: "Met", CompletedTime: pmt("2026-03-01T15:00:00+08:00")},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := fullForm()
			s.ReportChannel = tc.channel
			s.DiscoveredAt = metav1.NewTime(discovered)
			var complete *time.Time
			if tc.complete != "" {
				complete = ptr.To(at(tc.complete))
			}
			got := Deadlines(s, at(tc.reportedAt), complete, grace, shanghai, at(tc.now), tc.previous)
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b metav1.Time) bool { return a.Equal(&b) })); diff != "" {
				t.Errorf("Deadlines() (-want +got):\n%s", diff)
			}
		})
	}
}
