package workday

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestDateNextAndAfter(t *testing.T) {
	cases := []struct {
		day, next string
	}{
		{"2025-01-28", "2025-01-29"},
		{"2025-02-28", "2025-03-01"},
		{"2024-02-28", "2024-02-29"},
		{"2024-02-29", "2024-03-01"},
		{"2025-12-31", "2026-01-01"},
	}
	for _, tc := range cases {
		d, want := dates(t, tc.day)[0], dates(t, tc.next)[0]
		got := d.Next()
		if got != want {
			t.Errorf("%s.Next() = %s, want %s", d, got, want)
		}
		if !got.After(d) {
			t.Errorf("%s.After(%s) = false, want true", got, d)
		}
		if d.After(got) {
			t.Errorf("%s.After(%s) = true, want false", d, got)
		}
		if d.After(d) {
			t.Errorf("%s.After(itself) = true, want false", d)
		}
	}
}

func TestFromSpec(t *testing.T) {
	cases := []struct {
		name      string
		spec      v1alpha1.HolidayCalendarSpec
		wantYears []int
		// working maps a day to whether it should be a working day.
		working map[string]bool
		// wantErr, when set, is the start of the expected error.
		wantErr string
	}{
		{
			name: "range holiday and make-up workday",
			spec: v1alpha1.HolidayCalendarSpec{
				TimeZone: "Asia/Shanghai",
				Holidays: []v1alpha1.Holiday{{Name: "Spring Festival", Start: "2025-01-28", End: "2025-02-04"}},
				Workdays: []v1alpha1.Workday{{Date: "2025-01-26"}, {Date: "2025-02-08"}},
			},
			wantYears: []int{2025},
			working: map[string]bool{
				"2025-01-24": true,  // Fri before
				"2025-01-26": true,  // Sun, make-up day
				"2025-01-27": true,  // Mon before the holiday
				"2025-01-28": false, // first day off
				"2025-01-31": false, // Fri inside the range
				"2025-02-04": false, // last day off (end is inclusive)
				"2025-02-05": true,  // Wed after
				"2025-02-08": true,  // Sat, make-up day
				"2025-02-09": false, // Sun, ordinary weekend
			},
		},
		{
			name: "holiday without an end is one day",
			spec: v1alpha1.HolidayCalendarSpec{
				TimeZone: "Asia/Shanghai",
				Holidays: []v1alpha1.Holiday{{Start: "2025-01-01"}},
			},
			wantYears: []int{2025},
			working:   map[string]bool{"2025-01-01": false, "2025-01-02": true},
		},
		{
			name: "range across the new year covers both years",
			spec: v1alpha1.HolidayCalendarSpec{
				TimeZone: "UTC",
				Holidays: []v1alpha1.Holiday{{Start: "2025-12-31", End: "2026-01-02"}},
				Workdays: []v1alpha1.Workday{{Date: "2027-01-02"}}, // a Saturday
			},
			wantYears: []int{2025, 2026, 2027},
			working: map[string]bool{
				"2025-12-30": true, "2025-12-31": false, "2026-01-01": false,
				"2026-01-02": false, "2026-01-05": true, "2027-01-02": true,
			},
		},
		{
			name:    "no days listed covers no year",
			spec:    v1alpha1.HolidayCalendarSpec{TimeZone: "Asia/Shanghai"},
			working: map[string]bool{"2025-01-01": true, "2025-01-04": false},
		},
		{
			name:    "bad time zone",
			spec:    v1alpha1.HolidayCalendarSpec{TimeZone: "Mars/Olympus_Mons"},
			wantErr: `spec.timeZone "Mars/Olympus_Mons": `,
		},
		{
			name: "bad start",
			spec: v1alpha1.HolidayCalendarSpec{
				TimeZone: "UTC",
				Holidays: []v1alpha1.Holiday{{Start: "2025/01/01"}},
			},
			wantErr: "spec.holidays[0].start: ",
		},
		{
			name: "bad end names its field path",
			spec: v1alpha1.HolidayCalendarSpec{
				TimeZone: "UTC",
				Holidays: []v1alpha1.Holiday{
					{Start: "2025-01-01"},
					{Start: "2025-02-27", End: "2025-02-30"},
				},
			},
			wantErr: "spec.holidays[1].end: ",
		},
		{
			name: "bad workday date",
			spec: v1alpha1.HolidayCalendarSpec{
				TimeZone: "UTC",
				Workdays: []v1alpha1.Workday{{Date: "2025-01-26"}, {Date: "26.01.2025"}},
			},
			wantErr: "spec.workdays[1].date: ",
		},
		{
			name: "make-up workday on a weekday",
			spec: v1alpha1.HolidayCalendarSpec{
				TimeZone: "UTC",
				Workdays: []v1alpha1.Workday{{Date: "2025-01-27"}},
			},
			wantErr: "workday: workday 2025-01-27 is not a Saturday or Sunday",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cal, years, err := FromSpec(tc.spec)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("FromSpec succeeded, want an error starting %q", tc.wantErr)
				}
				if !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Errorf("error %q does not start with %q", err, tc.wantErr)
				}
				if cal != nil || years != nil {
					t.Errorf("FromSpec returned a calendar (%v) or years (%v) with its error", cal, years)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromSpec: %v", err)
			}
			if diff := cmp.Diff(tc.wantYears, years); diff != "" {
				t.Errorf("years mismatch (-want +got):\n%s", diff)
			}
			for day, want := range tc.working {
				d := dates(t, day)[0]
				got, covered := cal.IsWorkingDay(d)
				if got != want {
					t.Errorf("IsWorkingDay(%s) = %v, want %v", day, got, want)
				}
				if wantCovered := slices.Contains(tc.wantYears, d.Year); covered != wantCovered {
					t.Errorf("IsWorkingDay(%s) covered = %v, want %v", day, covered, wantCovered)
				}
			}
		})
	}
}
