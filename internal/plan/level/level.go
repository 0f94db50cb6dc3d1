// Package level computes an incident's level from the criteria of the plan's
// §3: the highest level that any one criterion reaches (符合下列情形之一).
// It is a pure function of the report's facts and of the office's
// assessment of harm no criterion measures.
package level

import (
	"fmt"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Record thresholds of §3 for leaked users' information.
const (
	RecordsLevelI   = 100_000_000 // §3.1(3): 1 亿以上
	RecordsLevelII  = 10_000_000  // §3.2(4): 1 千万以上
	RecordsLevelIII = 1_000_000   // §3.3(3): 100 万以上
	RecordsLevelIV  = 100_000     // §3.4(2): 10 万以上
)

// Result is the level and the criteria behind it.
type Result struct {
	// Level is the highest level reached, or BelowThreshold.
	Level v1alpha1.IncidentLevel
	// Reasons has one line per criterion that matched, highest level first.
	Reasons []string
	// ReasonsZH are the same lines in the plan's own words, for the reports
	// sent to Chinese recipients.
	ReasonsZH []string
	// Below has one line per reported fact that reaches no criterion.
	Below []string
}

// Rank orders levels: I is 4, IV is 1, BelowThreshold and anything else 0.
func Rank(l v1alpha1.IncidentLevel) int {
	switch l {
	case v1alpha1.IncidentLevel(v1alpha1.LevelI):
		return 4
	case v1alpha1.IncidentLevel(v1alpha1.LevelII):
		return 3
	case v1alpha1.IncidentLevel(v1alpha1.LevelIII):
		return 2
	case v1alpha1.IncidentLevel(v1alpha1.LevelIV):
		return 1
	}
	return 0
}

// Higher returns the more severe of two levels.
func Higher(a, b v1alpha1.IncidentLevel) v1alpha1.IncidentLevel {
	if Rank(b) > Rank(a) {
		return b
	}
	return a
}

type match struct {
	level            v1alpha1.Level
	reason, reasonZH string
}

var printer = message.NewPrinter(language.English)

// Assessment is the office's judgement of harm of the event type Other.
type Assessment struct {
	// Level is the level assessed, empty until the office assessed it.
	Level v1alpha1.Level
	// By is who assessed it for the office.
	By string
}

// AssessmentOf is the office's assessment of an incident's other harm, as
// the API server admitted it (config/admission/assessments.yaml), or none.
func AssessmentOf(inc *v1alpha1.SecurityIncident) Assessment {
	switch l := v1alpha1.Level(inc.Annotations[v1alpha1.AnnotationAssessedLevel]); l {
	case v1alpha1.LevelI, v1alpha1.LevelII, v1alpha1.LevelIII, v1alpha1.LevelIV:
		return Assessment{Level: l, By: inc.Annotations[v1alpha1.AnnotationAssessedBy]}
	}
	return Assessment{}
}

// Classify applies every criterion of §3 to the report's impact facts and,
// for harm of the event type Other, to the level the office assessed it to
// have.
func Classify(spec *v1alpha1.SecurityIncidentSpec, assessed Assessment) Result {
	var matches []match
	var below []string
	// hit records a criterion reached, in English and in the plan's own
	// words (clauseZH), with what the report says beyond them (zhDetail).
	hit := func(l v1alpha1.Level, clause, format string, args ...any) {
		matches = append(matches, match{l, fmt.Sprintf("Level %s: %s (§%s)", l, printer.Sprintf(format, args...), clause),
			fmt.Sprintf("%s级：%s（§%s）", l, clauseZH[clause], clause)})
	}
	miss := func(format string, args ...any) { below = append(below, printer.Sprintf(format, args...)) }

	im := spec.Impact
	if o := im.InternetOutage; o != nil {
		switch o.Scope {
		case v1alpha1.ScopeNationwide:
			hit(v1alpha1.LevelI, "3.1(1)", "many users unable to get online nationwide")
		case v1alpha1.ScopeMultiProvince:
			hit(v1alpha1.LevelII, "3.2(1)", "many users unable to get online in several provinces")
		case v1alpha1.ScopeProvince:
			hit(v1alpha1.LevelIII, "3.3(1)", "many users unable to get online in the province")
		case v1alpha1.ScopeCity:
			hit(v1alpha1.LevelIV, "3.4(1)", "many users unable to get online in one prefecture-level city")
		default:
			miss("users unable to get online in %s: narrower than one prefecture-level city", scopeWords(o.Scope))
		}
	}
	if d := im.DNS; d != nil {
		state := "unreachable"
		if d.State == v1alpha1.DNSDegraded {
			state = "resolution degraded"
			if d.LatencyMilliseconds != nil {
				state = printer.Sprintf("resolution degraded to %d ms latency", *d.LatencyMilliseconds)
			}
		}
		switch d.System {
		case v1alpha1.DNSCNTopLevel:
			hit(v1alpha1.LevelI, "3.1(2)", ".CN national top-level domain system %s", state)
		case v1alpha1.DNSLarge:
			hit(v1alpha1.LevelII, "3.2(3)", "a large DNS system severely abnormal, %s", state)
		default:
			miss("a DNS system that is neither .CN nor large is %s", state)
		}
	}
	if w := im.Website; w != nil {
		cii := ""
		if w.CriticalInfrastructure {
			cii = ", critical information infrastructure"
		}
		switch w.Influence {
		case v1alpha1.InfluenceNational:
			hit(v1alpha1.LevelII, "3.2(2)", "a nationally influential website or platform severely abnormal%s", cii)
		case v1alpha1.InfluenceProvincial:
			hit(v1alpha1.LevelIII, "3.3(2)", "a website or platform influential in the province severely abnormal%s", cii)
		default:
			miss("a website or platform of local influence is abnormal%s: not influential in the province", cii)
		}
	}
	if l := im.DataLeak; l != nil {
		n := l.Records
		switch {
		case n >= RecordsLevelI:
			hit(v1alpha1.LevelI, "3.1(3)", "%d users' records leaked, at least %d", n, RecordsLevelI)
		case n >= RecordsLevelII:
			hit(v1alpha1.LevelII, "3.2(4)", "%d users' records leaked, at least %d", n, RecordsLevelII)
		case n >= RecordsLevelIII:
			hit(v1alpha1.LevelIII, "3.3(3)", "%d users' records leaked, at least %d", n, RecordsLevelIII)
		case n >= RecordsLevelIV:
			hit(v1alpha1.LevelIV, "3.4(2)", "%d users' records leaked, at least %d", n, RecordsLevelIV)
		default:
			miss("%d users' records leaked: fewer than %d", n, RecordsLevelIV)
		}
	}
	if v := im.Virus; v != nil {
		switch v.Scope {
		case v1alpha1.ScopeNationwide:
			hit(v1alpha1.LevelI, "3.1(4)", "virus outbreak over a large area nationwide")
		case v1alpha1.ScopeMultiProvince:
			hit(v1alpha1.LevelII, "3.2(5)", "virus outbreak over a large area in several provinces")
		case v1alpha1.ScopeProvince:
			hit(v1alpha1.LevelIII, "3.3(4)", "virus outbreak over a large area in the province")
		default:
			miss("virus outbreak in %s: narrower than the province", scopeWords(v.Scope))
		}
	}
	if im.Other != nil {
		if clause, ok := otherClause[assessed.Level]; ok {
			by := "the office"
			if assessed.By != "" {
				by += " (" + assessed.By + ")"
			}
			hit(assessed.Level, clause, "other harm, assessed by %s as level %s", by, assessed.Level)
		} else {
			miss("other harm awaits the office's assessment")
		}
	}

	res := Result{Level: v1alpha1.BelowThreshold, Below: below}
	// Highest level first, in the order of the criteria within a level.
	for _, l := range []v1alpha1.Level{v1alpha1.LevelI, v1alpha1.LevelII, v1alpha1.LevelIII, v1alpha1.LevelIV} {
		for _, m := range matches {
			if m.level == l {
				res.Reasons = append(res.Reasons, m.reason)
				res.ReasonsZH = append(res.ReasonsZH, m.reasonZH)
				res.Level = Higher(res.Level, v1alpha1.IncidentLevel(l))
			}
		}
	}
	return res
}

// clauseZH are the criteria of §3 in the plan's own words, by clause.
var clauseZH = map[string]string{
	"3.1(1)": "全国范围大量互联网用户无法正常上网",
	"3.1(2)": ".CN 国家顶级域名系统解析效率大幅下降",
	"3.1(3)": "1 亿以上互联网用户信息泄露",
	"3.1(4)": "网络病毒在全国范围大面积爆发",
	"3.1(5)": "其他造成或可能造成特别重大危害或影响的网络安全事件（局网安应急办研判）",
	"3.2(1)": "多个省大量互联网用户无法正常上网",
	"3.2(2)": "在全国范围有影响力的网站或平台访问出现严重异常",
	"3.2(3)": "大型域名解析系统访问出现严重异常",
	"3.2(4)": "1 千万以上互联网用户信息泄露",
	"3.2(5)": "网络病毒在多个省范围内大面积爆发",
	"3.2(6)": "其他造成或可能造成重大危害或影响的网络安全事件（局网安应急办研判）",
	"3.3(1)": "省内大量互联网用户无法正常上网",
	"3.3(2)": "省内有影响力的网站或平台访问出现严重异常",
	"3.3(3)": "100 万以上互联网用户信息泄露",
	"3.3(4)": "网络病毒在省内大面积爆发",
	"3.3(5)": "其他造成或可能造成较大危害或影响的网络安全事件（局网安应急办研判）",
	"3.4(1)": "1 个地市大量互联网用户无法正常上网",
	"3.4(2)": "10 万以上互联网用户信息泄露",
	"3.4(3)": "其他造成或可能造成一般危害或影响的网络安全事件（局网安应急办研判）",
}

// otherClause is the §3 clause of "other harm" at each level.
var otherClause = map[v1alpha1.Level]string{
	v1alpha1.LevelI:   "3.1(5)",
	v1alpha1.LevelII:  "3.2(6)",
	v1alpha1.LevelIII: "3.3(5)",
	v1alpha1.LevelIV:  "3.4(3)",
}

func scopeWords(s v1alpha1.Scope) string {
	switch s {
	case v1alpha1.ScopeCity:
		return "one prefecture-level city"
	case v1alpha1.ScopeMultiCounty:
		return "several counties"
	case v1alpha1.ScopeCounty:
		return "one county"
	}
	return string(s)
}
