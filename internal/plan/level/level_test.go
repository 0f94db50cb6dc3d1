package level

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/utils/ptr"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func spec(im v1alpha1.Impact) *v1alpha1.SecurityIncidentSpec {
	return &v1alpha1.SecurityIncidentSpec{Impact: im}
}

func outage(s v1alpha1.Scope) v1alpha1.Impact {
	return v1alpha1.Impact{InternetOutage: &v1alpha1.AreaImpact{Scope: s}}
}

func virus(s v1alpha1.Scope) v1alpha1.Impact {
	return v1alpha1.Impact{Virus: &v1alpha1.AreaImpact{Scope: s}}
}

func leak(n int64) v1alpha1.Impact {
	return v1alpha1.Impact{DataLeak: &v1alpha1.DataLeakImpact{Records: n}}
}

func dns(sys v1alpha1.DNSSystem, st v1alpha1.DNSState, ms *int64) v1alpha1.Impact {
	return v1alpha1.Impact{DNS: &v1alpha1.DNSImpact{System: sys, State: st, LatencyMilliseconds: ms}}
}

func site(in v1alpha1.Influence, cii bool) v1alpha1.Impact {
	return v1alpha1.Impact{Website: &v1alpha1.WebsiteImpact{Influence: in, CriticalInfrastructure: cii}}
}

// other is harm of the event type Other that the office assessed at l
// ("" for not yet); the tests carry the assessment in the description, and
// classify hands it to Classify as the office's annotation would.
func other(l v1alpha1.Level) v1alpha1.Impact {
	return v1alpha1.Impact{Other: &v1alpha1.OtherImpact{Description: string(l)}}
}

func classify(im v1alpha1.Impact) Result {
	var assessed Assessment
	if im.Other != nil {
		assessed.Level = v1alpha1.Level(im.Other.Description)
	}
	return Classify(spec(im), assessed)
}

func TestAssessmentNamesTheAssessor(t *testing.T) {
	got := Classify(spec(other("")), Assessment{Level: v1alpha1.LevelIII, By: "duty-officer"})
	if diff := cmp.Diff([]string{"Level III: other harm, assessed by the office (duty-officer) as level III (§3.3(5))"}, got.Reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
}

func TestAssessmentCountsOnlyForOtherHarm(t *testing.T) {
	got := Classify(spec(leak(5)), Assessment{Level: v1alpha1.LevelI, By: "duty-officer"})
	if got.Level != v1alpha1.BelowThreshold || len(got.Reasons) != 0 {
		t.Errorf("an assessment without other harm reported gave %q %q, want below threshold", got.Level, got.Reasons)
	}
}

func TestClassifyEachCriterion(t *testing.T) {
	cases := map[string]struct {
		impact  v1alpha1.Impact
		want    v1alpha1.IncidentLevel
		reasons []string
		below   []string
	}{
		"nothing reported": {want: v1alpha1.BelowThreshold},

		"outage nationwide": {impact: outage(v1alpha1.ScopeNationwide), want: "I",
			reasons: []string{"Level I: many users unable to get online nationwide (§3.1(1))"}},
		"outage in several provinces": {impact: outage(v1alpha1.ScopeMultiProvince), want: "II",
			reasons: []string{"Level II: many users unable to get online in several provinces (§3.2(1))"}},
		"outage in the province": {impact: outage(v1alpha1.ScopeProvince), want: "III",
			reasons: []string{"Level III: many users unable to get online in the province (§3.3(1))"}},
		"outage in one city": {impact: outage(v1alpha1.ScopeCity), want: "IV",
			reasons: []string{"Level IV: many users unable to get online in one prefecture-level city (§3.4(1))"}},
		"outage in several counties, below one city": {impact: outage(v1alpha1.ScopeMultiCounty), want: v1alpha1.BelowThreshold,
			below: []string{"users unable to get online in several counties: narrower than one prefecture-level city"}},
		"outage in one county": {impact: outage(v1alpha1.ScopeCounty), want: v1alpha1.BelowThreshold,
			below: []string{"users unable to get online in one county: narrower than one prefecture-level city"}},

		".CN unreachable": {impact: dns(v1alpha1.DNSCNTopLevel, v1alpha1.DNSUnreachable, nil), want: "I",
			reasons: []string{"Level I: .CN national top-level domain system unreachable (§3.1(2))"}},
		".CN degraded with latency": {impact: dns(v1alpha1.DNSCNTopLevel, v1alpha1.DNSDegraded, ptr.To[int64](1500)), want: "I",
			reasons: []string{"Level I: .CN national top-level domain system resolution degraded to 1,500 ms latency (§3.1(2))"}},
		"large DNS degraded": {impact: dns(v1alpha1.DNSLarge, v1alpha1.DNSDegraded, nil), want: "II",
			reasons: []string{"Level II: a large DNS system severely abnormal, resolution degraded (§3.2(3))"}},
		"other DNS unreachable": {impact: dns(v1alpha1.DNSOther, v1alpha1.DNSUnreachable, nil), want: v1alpha1.BelowThreshold,
			below: []string{"a DNS system that is neither .CN nor large is unreachable"}},

		"national website": {impact: site(v1alpha1.InfluenceNational, false), want: "II",
			reasons: []string{"Level II: a nationally influential website or platform severely abnormal (§3.2(2))"}},
		"provincial website, critical infrastructure": {impact: site(v1alpha1.InfluenceProvincial, true), want: "III",
			reasons: []string{"Level III: a website or platform influential in the province severely abnormal, critical information infrastructure (§3.3(2))"}},
		"local website": {impact: site(v1alpha1.InfluenceLocal, false), want: v1alpha1.BelowThreshold,
			below: []string{"a website or platform of local influence is abnormal: not influential in the province"}},

		"virus nationwide": {impact: virus(v1alpha1.ScopeNationwide), want: "I",
			reasons: []string{"Level I: virus outbreak over a large area nationwide (§3.1(4))"}},
		"virus in several provinces": {impact: virus(v1alpha1.ScopeMultiProvince), want: "II",
			reasons: []string{"Level II: virus outbreak over a large area in several provinces (§3.2(5))"}},
		"virus in the province": {impact: virus(v1alpha1.ScopeProvince), want: "III",
			reasons: []string{"Level III: virus outbreak over a large area in the province (§3.3(4))"}},
		"virus in one city, below the province": {impact: virus(v1alpha1.ScopeCity), want: v1alpha1.BelowThreshold,
			below: []string{"virus outbreak in one prefecture-level city: narrower than the province"}},

		"other harm assessed I":   {impact: other("I"), want: "I", reasons: []string{"Level I: other harm, assessed by the office as level I (§3.1(5))"}},
		"other harm assessed II":  {impact: other("II"), want: "II", reasons: []string{"Level II: other harm, assessed by the office as level II (§3.2(6))"}},
		"other harm assessed III": {impact: other("III"), want: "III", reasons: []string{"Level III: other harm, assessed by the office as level III (§3.3(5))"}},
		"other harm assessed IV":  {impact: other("IV"), want: "IV", reasons: []string{"Level IV: other harm, assessed by the office as level IV (§3.4(3))"}},
		"other harm not assessed": {impact: other(""), want: v1alpha1.BelowThreshold,
			below: []string{"other harm awaits the office's assessment"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := classify(tc.impact)
			want := Result{Level: tc.want, Reasons: tc.reasons, Below: tc.below}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Result{}, "ReasonsZH")); diff != "" {
				t.Errorf("Classify() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClassifyRecordThresholds(t *testing.T) {
	cases := map[string]struct {
		records int64
		want    v1alpha1.IncidentLevel
	}{
		"none":        {0, v1alpha1.BelowThreshold},
		"50,000":      {50_000, v1alpha1.BelowThreshold},
		"99,999":      {99_999, v1alpha1.BelowThreshold},
		"100,000":     {100_000, "IV"},
		"999,999":     {999_999, "IV"},
		"1,000,000":   {1_000_000, "III"},
		"9,999,999":   {9_999_999, "III"},
		"10,000,000":  {10_000_000, "II"},
		"99,999,999":  {99_999_999, "II"},
		"100,000,000": {100_000_000, "I"},
		"a billion":   {1_000_000_000, "I"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := classify(leak(tc.records))
			if got.Level != tc.want {
				t.Errorf("Classify(%d records).Level = %q, want %q (reasons %q, below %q)", tc.records, got.Level, tc.want, got.Reasons, got.Below)
			}
			if matched := len(got.Reasons) == 1; matched == (tc.want == v1alpha1.BelowThreshold) {
				t.Errorf("Classify(%d records) reasons = %q, below = %q", tc.records, got.Reasons, got.Below)
			}
		})
	}
	if diff := cmp.Diff([]string{"Level III: 1,000,000 users' records leaked, at least 1,000,000 (§3.3(3))"}, classify(leak(1_000_000)).Reasons); diff != "" {
		t.Errorf("reason wording (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"99,999 users' records leaked: fewer than 100,000"}, classify(leak(99_999)).Below); diff != "" {
		t.Errorf("below wording (-want +got):\n%s", diff)
	}
}

func TestClassifyHighestWins(t *testing.T) {
	combine := func(ims ...v1alpha1.Impact) v1alpha1.Impact {
		var out v1alpha1.Impact
		for _, im := range ims {
			if im.InternetOutage != nil {
				out.InternetOutage = im.InternetOutage
			}
			if im.DNS != nil {
				out.DNS = im.DNS
			}
			if im.Website != nil {
				out.Website = im.Website
			}
			if im.DataLeak != nil {
				out.DataLeak = im.DataLeak
			}
			if im.Virus != nil {
				out.Virus = im.Virus
			}
			if im.Other != nil {
				out.Other = im.Other
			}
		}
		return out
	}
	cases := map[string]struct {
		impact  v1alpha1.Impact
		want    v1alpha1.IncidentLevel
		reasons int
	}{
		"IV outage and III leak give III":               {combine(outage(v1alpha1.ScopeCity), leak(1_000_000)), "III", 2},
		"II website and IV leak give II":                {combine(site(v1alpha1.InfluenceNational, false), leak(100_000)), "II", 2},
		"below-threshold leak does not lower a III":     {combine(virus(v1alpha1.ScopeProvince), leak(10)), "III", 1},
		"two below-threshold facts stay below":          {combine(outage(v1alpha1.ScopeCounty), leak(99_999)), v1alpha1.BelowThreshold, 0},
		".CN outage wins over everything":               {combine(dns(v1alpha1.DNSCNTopLevel, v1alpha1.DNSUnreachable, nil), outage(v1alpha1.ScopeCity), site(v1alpha1.InfluenceProvincial, false), other("IV")), "I", 4},
		"office assessment raises a below-threshold IV": {combine(leak(5), other("IV")), "IV", 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := classify(tc.impact)
			if got.Level != tc.want || len(got.Reasons) != tc.reasons {
				t.Fatalf("Classify() = %q with %d reasons %q, want %q with %d", got.Level, len(got.Reasons), got.Reasons, tc.want, tc.reasons)
			}
			// Reasons come highest level first.
			for i := 1; i < len(got.Reasons); i++ {
				if Rank(reasonLevel(got.Reasons[i-1])) < Rank(reasonLevel(got.Reasons[i])) {
					t.Errorf("reasons out of order: %q", got.Reasons)
				}
			}
		})
	}
}

func reasonLevel(r string) v1alpha1.IncidentLevel {
	l, _, _ := strings.Cut(strings.TrimPrefix(r, "Level "), ":")
	return v1alpha1.IncidentLevel(l)
}

func TestRankAndHigher(t *testing.T) {
	order := []v1alpha1.IncidentLevel{v1alpha1.BelowThreshold, "IV", "III", "II", "I"}
	for i := range order {
		for j := range order {
			want := order[max(i, j)]
			if got := Higher(order[i], order[j]); got != want {
				t.Errorf("Higher(%q, %q) = %q, want %q", order[i], order[j], got, want)
			}
		}
	}
	if Rank("") != 0 || Rank("V") != 0 {
		t.Errorf("unknown levels must rank 0")
	}
}

// Every criterion reached is also said in the plan's own words, one line
// for each English one, for the reports sent to Chinese recipients.
func TestReasonsInThePlansWords(t *testing.T) {
	for clause := range clauseZH {
		if clauseZH[clause] == "" {
			t.Errorf("clause %s has no words", clause)
		}
	}
	all := []v1alpha1.Impact{outage(v1alpha1.ScopeNationwide), outage(v1alpha1.ScopeMultiProvince), outage(v1alpha1.ScopeProvince), outage(v1alpha1.ScopeCity),
		dns(v1alpha1.DNSCNTopLevel, v1alpha1.DNSUnreachable, nil), dns(v1alpha1.DNSLarge, v1alpha1.DNSDegraded, nil),
		site(v1alpha1.InfluenceNational, true), site(v1alpha1.InfluenceProvincial, false),
		leak(100_000_000), leak(10_000_000), leak(1_000_000), leak(100_000),
		virus(v1alpha1.ScopeNationwide), virus(v1alpha1.ScopeMultiProvince), virus(v1alpha1.ScopeProvince),
		other("I"), other("II"), other("III"), other("IV")}
	for _, im := range all {
		got := classify(im)
		if len(got.ReasonsZH) != len(got.Reasons) || len(got.Reasons) != 1 {
			t.Fatalf("%q: %d Chinese lines for %d reasons: %q", got.Reasons, len(got.ReasonsZH), len(got.Reasons), got.ReasonsZH)
		}
		if strings.Contains(got.ReasonsZH[0], "%!") || strings.Contains(got.ReasonsZH[0], "：（") {
			t.Errorf("%q in Chinese: %q", got.Reasons[0], got.ReasonsZH[0])
		}
	}
	if got := classify(leak(1_500_000)).ReasonsZH; got[0] != "III级：100 万以上互联网用户信息泄露（§3.3(3)）" {
		t.Errorf("a leak of 1,500,000 records in Chinese: %q", got)
	}
}
