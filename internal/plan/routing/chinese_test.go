package routing

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/level"
)

// enumValues are every allowed value of every enum of the API, read from
// the CRDs: the English names no Chinese text may carry.
func enumValues(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "..", "config", "crd", "bases", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no CRDs: %v", err)
	}
	seen := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if e, ok := v["enum"].([]any); ok {
				for _, x := range e {
					if s, ok := x.(string); ok {
						seen[s] = true
					}
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		walk(doc)
	}
	var out []string
	for s := range seen {
		// Levels (I–IV) are the plan's own numerals, shown as such in
		// Chinese too (III级).
		if len(s) > 3 {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// The texts sent to Chinese recipients are Chinese throughout: no enum name
// of the API in them, only the plan's words (issue: Chinese first).
func TestChineseTextsCarryNoEnumNames(t *testing.T) {
	at := metav1.NewTime(setterNow)
	later := metav1.NewTime(setterNow.Add(time.Hour))
	spec := v1alpha1.SecurityIncidentSpec{
		Reporter:   v1alpha1.Reporter{UnitName: "贵州示例电信", UnitType: v1alpha1.UnitBasicTelecom},
		EventTypes: []v1alpha1.EventType{v1alpha1.EventInternetOutage, v1alpha1.EventDataLeak, v1alpha1.EventDNSAnomaly, v1alpha1.EventWebsiteAnomaly, v1alpha1.EventVirusOutbreak},
		Impact: v1alpha1.Impact{InternetOutage: &v1alpha1.AreaImpact{Scope: v1alpha1.ScopeProvince}, DataLeak: &v1alpha1.DataLeakImpact{Records: 20_000_000},
			DNS: &v1alpha1.DNSImpact{System: v1alpha1.DNSLarge, State: v1alpha1.DNSDegraded}, Website: &v1alpha1.WebsiteImpact{Influence: v1alpha1.InfluenceNational},
			Virus: &v1alpha1.AreaImpact{Scope: v1alpha1.ScopeMultiProvince}},
		ReportChannel: v1alpha1.ReportQuickNotice, ProposedMeasures: "启动应急响应",
	}
	got := level.Classify(&spec, level.Assessment{})
	inc := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Name: "wave", Namespace: "unit", CreationTimestamp: at}, Spec: spec,
		Status: v1alpha1.SecurityIncidentStatus{Level: got.Level, LevelReasons: got.Reasons,
			LevelHistory: []v1alpha1.LevelChange{{Time: at, To: "III"}, {Time: later, From: "III", To: got.Level}},
			Deadlines:    []v1alpha1.Deadline{{Name: v1alpha1.DeadlineFullForm, State: v1alpha1.DeadlineMissed, DueTime: at}}}}
	resp := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "office"},
		Spec: v1alpha1.EmergencyResponseSpec{Measures: []v1alpha1.Measure{v1alpha1.MeasureBandwidthExpansion, v1alpha1.MeasureAttackTrafficFiltering,
			v1alpha1.MeasureAffectedUserNotification, v1alpha1.MeasureSystemShutdown},
			SupportRequests: []v1alpha1.SupportRequest{{Name: "scrubbing", Kinds: []v1alpha1.SupportKind{v1alpha1.SupportEquipment, v1alpha1.SupportResponseTeam}, What: "流量清洗"}}},
		Status: v1alpha1.EmergencyResponseStatus{Level: v1alpha1.LevelII, StartedTime: &at, EndedTime: &later, WorkGroupsReadyTime: &at,
			CommandedBy: "MinistryOffice", SupportRequests: []v1alpha1.SupportRequestSent{{Name: "scrubbing", SeenTime: at}},
			Approval:  &v1alpha1.Approval{Directive: "工信部网安〔2026〕17号", Level: v1alpha1.LevelII},
			Deadlines: []v1alpha1.Deadline{{Name: v1alpha1.DeadlineOfficeSummaryReport, State: v1alpha1.DeadlineMissed, DueTime: later}}}}
	var texts []string
	add := func(reqs []Report, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			texts = append(texts, said(t, r).ZH)
		}
	}
	add(Incident{SecurityIncident: inc}.Owed())
	add(Response{EmergencyResponse: resp}.Owed())
	for _, c := range []v1alpha1.WarningLevel{v1alpha1.WarningRed, v1alpha1.WarningOrange, v1alpha1.WarningYellow, v1alpha1.WarningBlue, v1alpha1.WarningRiskNotice} {
		w := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "office"},
			Spec: v1alpha1.WarningSpec{Level: c, Source: v1alpha1.SourceProvincial, Scope: "全省", Harm: "勒索软件", Precautions: []string{"打补丁"}},
			Status: v1alpha1.WarningStatus{Measures: []string{"CollectAndReport", "TrackAndAssess", "PublishPrecautionsAndHotline", "Duty24Hours",
				"ContingencyPlanning", "HardenKeyNetworks", "ExpertsAndToolsOnStandby"},
				History: []v1alpha1.WarningStep{{Action: v1alpha1.WarningActionPublished, Level: c, Time: at},
					{Action: v1alpha1.WarningActionLifted, Level: c, Time: later}}}}
		add(Warning{Warning: w}.Owed())
	}
	if len(texts) < 10 {
		t.Fatalf("only %d texts", len(texts))
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"带宽紧急扩容", "II级：1 千万以上互联网用户信息泄露（§3.2(4)）", "技术设备", "互联网用户无法正常上网"} {
		if !strings.Contains(all, want) {
			t.Errorf("no Chinese text says %q", want)
		}
	}
	enums := enumValues(t)
	if !slices.Contains(enums, "BandwidthExpansion") || !slices.Contains(enums, "InternetOutage") {
		t.Fatalf("the enums read from the CRDs lack the measures or the event types: %v", enums)
	}
	for _, text := range texts {
		for _, e := range enums {
			if regexp.MustCompile(`\b` + regexp.QuoteMeta(e) + `\b`).MatchString(text) {
				t.Errorf("the Chinese text carries the English name %q:\n%s", e, text)
			}
		}
		if strings.Contains(text, "Level ") {
			t.Errorf("the Chinese text carries an English level reason:\n%s", text)
		}
	}
}
