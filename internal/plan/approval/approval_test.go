package approval

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func TestStart(t *testing.T) {
	const by, dir, lvl = v1alpha1.AnnotationApprovedBy, v1alpha1.AnnotationDirective, v1alpha1.AnnotationApprovedLevel
	cases := map[string]struct {
		ann    map[string]string
		level  v1alpha1.Level
		passed bool
		reason string
		who    string
	}{
		"III without approval waits":                {ann: nil, level: "III", reason: "AwaitingApproval"},
		"III approved for III starts":               {ann: map[string]string{by: "li", lvl: "III"}, level: "III", passed: true, reason: "Approved", who: "li"},
		"IV approved for IV starts":                 {ann: map[string]string{by: "li", lvl: "IV"}, level: "IV", passed: true, reason: "Approved", who: "li"},
		"approval for IV does not cover III":        {ann: map[string]string{by: "li", lvl: "IV"}, level: "III", reason: "ApprovalDoesNotCoverLevel"},
		"approval without a level covers none":      {ann: map[string]string{by: "li"}, level: "IV", reason: "ApprovalDoesNotCoverLevel"},
		"II waits for a directive, not an approval": {ann: map[string]string{by: "li", lvl: "II"}, level: "II", reason: "AwaitingApproval"},
		"II on directive starts":                    {ann: map[string]string{dir: "MIIT-2026-17", lvl: "II"}, level: "II", passed: true, reason: "Directed", who: "MIIT-2026-17"},
		"I on directive for II does not":            {ann: map[string]string{dir: "MIIT-2026-17", lvl: "II"}, level: "I", reason: "ApprovalDoesNotCoverLevel"},
		"III does not start on a directive":         {ann: map[string]string{dir: "MIIT-2026-17", lvl: "III"}, level: "III", reason: "AwaitingApproval"},
		"an empty approval is none":                 {ann: map[string]string{by: "", lvl: "III"}, level: "III", reason: "AwaitingApproval"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v := Start(tc.ann, tc.level)
			got := struct {
				Passed bool
				Reason string
				Who    string
			}{v.Passed, v.Reason, v.ApprovedBy + v.Directive}
			want := struct {
				Passed bool
				Reason string
				Who    string
			}{tc.passed, tc.reason, tc.who}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Start() (-want +got):\n%s\nmessage: %s", diff, v.Message)
			}
			if v.Message == "" {
				t.Errorf("Start() gave no message")
			}
		})
	}
}

func TestEnd(t *testing.T) {
	ann := map[string]string{v1alpha1.AnnotationApprovedBy: "li", v1alpha1.AnnotationApprovedLevel: "III"}
	if v := End(ann, "III"); v.Passed || v.Reason != "AwaitingApproval" {
		t.Errorf("End() without an end approval = %+v", v)
	}
	ann[v1alpha1.AnnotationEndApprovedBy] = "zhao"
	if v := End(ann, "III"); !v.Passed || v.ApprovedBy != "zhao" {
		t.Errorf("End() with an end approval = %+v", v)
	}
	dir := map[string]string{v1alpha1.AnnotationDirective: "D-1", v1alpha1.AnnotationApprovedLevel: "I", v1alpha1.AnnotationEndDirective: "D-9"}
	if v := End(dir, "I"); !v.Passed || v.Directive != "D-9" {
		t.Errorf("End() of a I response on directive = %+v", v)
	}
}

func TestApprovedByAndLift(t *testing.T) {
	ann := map[string]string{
		v1alpha1.AnnotationApprovedBy: "li", v1alpha1.AnnotationApprovedLevel: "Yellow",
		"emergency.netsec.io/approved-by.blue": "zhao",
	}
	cases := map[string]struct {
		level v1alpha1.WarningLevel
		want  string
	}{
		"the publication approval covers its colour": {v1alpha1.WarningYellow, "li"},
		"an adjustment approval covers the new one":  {v1alpha1.WarningBlue, "zhao"},
		"nothing covers red":                         {v1alpha1.WarningRed, ""},
	}
	for name, tc := range cases {
		if got := WarningApprovedBy(ann, tc.level); got != tc.want {
			t.Errorf("%s: ApprovedBy(%s) = %q, want %q", name, tc.level, got, tc.want)
		}
	}
	if v := Lift(ann, v1alpha1.WarningYellow); v.Passed {
		t.Errorf("a yellow warning lifted without lift-approved-by")
	}
	if v := Lift(map[string]string{v1alpha1.AnnotationLiftApprovedBy: "li"}, v1alpha1.WarningBlue); !v.Passed || v.ApprovedBy != "li" {
		t.Errorf("a blue warning with lift-approved-by did not lift")
	}
	if v := Lift(map[string]string{v1alpha1.AnnotationLiftDirective: "D-3"}, v1alpha1.WarningRed); !v.Passed || v.Directive != "D-3" {
		t.Errorf("a red warning with a lift directive did not lift")
	}
	if v := Lift(nil, v1alpha1.WarningRiskNotice); !v.Passed {
		t.Errorf("a risk notice needs no approval to lift")
	}
}

func TestPublishAndAdjust(t *testing.T) {
	yellowApproved := map[string]string{v1alpha1.AnnotationApprovedBy: "li", v1alpha1.AnnotationApprovedLevel: "Yellow"}
	cases := map[string]struct {
		decide func() Verdict
		passed bool
		reason string
		by     string
	}{
		"red relayed at once":                          {decide: func() Verdict { return Publish(nil, v1alpha1.WarningRed, v1alpha1.SourceNational) }, passed: true, reason: "Relayed"},
		"orange relayed at once":                       {decide: func() Verdict { return Publish(nil, v1alpha1.WarningOrange, v1alpha1.SourceMinistry) }, passed: true, reason: "Relayed"},
		"a risk notice is the office's own":            {decide: func() Verdict { return Publish(nil, v1alpha1.WarningRiskNotice, v1alpha1.SourceProvincial) }, passed: true, reason: "IssuedByOffice"},
		"yellow waits":                                 {decide: func() Verdict { return Publish(nil, v1alpha1.WarningYellow, v1alpha1.SourceProvincial) }, reason: "AwaitingApproval"},
		"yellow on its approval":                       {decide: func() Verdict { return Publish(yellowApproved, v1alpha1.WarningYellow, v1alpha1.SourceProvincial) }, passed: true, reason: "Approved", by: "li"},
		"an approval of yellow does not publish blue":  {decide: func() Verdict { return Publish(yellowApproved, v1alpha1.WarningBlue, v1alpha1.SourceProvincial) }, reason: "AwaitingApproval"},
		"adjusting to blue waits for its own approval": {decide: func() Verdict { return Adjust(yellowApproved, v1alpha1.WarningBlue, v1alpha1.SourceProvincial) }, reason: "AwaitingApproval"},
		"adjusting to blue on approved-by.blue": {decide: func() Verdict {
			return Adjust(map[string]string{v1alpha1.AnnotationApprovedByPrefix + "blue": "zhao"}, v1alpha1.WarningBlue, v1alpha1.SourceProvincial)
		}, passed: true, reason: "Approved", by: "zhao"},
		"a lift of yellow waits": {decide: func() Verdict { return Lift(nil, v1alpha1.WarningYellow) }, reason: "AwaitingApproval"},
		"a lift of red needs a directive, not an approval": {decide: func() Verdict {
			return Lift(map[string]string{v1alpha1.AnnotationLiftApprovedBy: "li"}, v1alpha1.WarningRed)
		}, reason: "AwaitingApproval"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v := tc.decide()
			got := [3]any{v.Passed, v.Reason, v.By()}
			if diff := cmp.Diff([3]any{tc.passed, tc.reason, tc.by}, got); diff != "" {
				t.Errorf("verdict (-want +got):\n%s\nmessage: %s", diff, v.Message)
			}
			if v.Message == "" {
				t.Error("no message")
			}
		})
	}
}
