package notify

import (
	"strings"
	"time"
)

// IncidentFacts are the facts of a reported incident (§4.1, the annex
// form) that its reports carry. JSON names are the wire contract.
type IncidentFacts struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Unit is the reporting unit, UnitType its kind (BasicTelecom, …).
	Unit     string `json:"unit"`
	UnitType string `json:"unitType"`
	// Contact and Phone reach the reporter.
	Contact string `json:"contact"`
	Phone   string `json:"phone"`
	// Affected is the network unit concerned.
	Affected    string `json:"affected"`
	Description string `json:"description"`
	// OccurredAt and DiscoveredAt are the reported times.
	OccurredAt   time.Time `json:"occurredAt"`
	DiscoveredAt time.Time `json:"discoveredAt"`
	// EventTypes are InternetOutage, DNSAnomaly, ….
	EventTypes []string `json:"eventTypes"`
	// Level is I–IV, BelowThreshold, or empty before classification.
	Level string `json:"level"`
	// LevelReasons say which criteria of §3 matched; LevelReasonsZH the
	// same in the plan's own words (the Chinese text's; not in the data).
	LevelReasons   []string `json:"levelReasons"`
	LevelReasonsZH []string `json:"-"`
	// QuickNotice is true when the first report was a quick notice that
	// owes the full form the same day.
	QuickNotice bool `json:"quickNotice"`
	// MeasuresTaken by the unit so far.
	MeasuresTaken string `json:"measuresTaken"`
}

// IncidentReported is the report of a new incident to the office (§4.1).
func IncidentReported(f IncidentFacts, drill bool) (Content, error) {
	l := newLines(drill, "【网络安全突发事件报告】"+Value(f.Unit), "[Cybersecurity incident report] "+Value(f.Unit))
	incidentLines(l, f)
	return l.report("Reported", drill, incidentData(f))
}

// IncidentReportedUpward reports an incident of level I or II to the
// ministry's office and the leading group (§2.2, §5.4), with the measures
// the unit proposes: a response at that level is theirs to decide.
func IncidentReportedUpward(f IncidentFacts, proposed string, drill bool) (Content, error) {
	zh, en := LevelName(f.Level)
	l := newLines(drill, "【网络安全突发事件上报】"+zh+"事件："+Value(f.Unit)+"，建议启动相应级别应急响应",
		"[Cybersecurity incident reported upward] "+en+" incident: "+Value(f.Unit)+"; a response at this level is proposed")
	l.add("建议措施", "Proposed measures", proposed)
	incidentLines(l, f)
	type upward struct {
		IncidentFacts
		Proposed string `json:"proposedMeasures"`
	}
	return l.report("ReportedUpward", drill, upward{incidentData(f), proposed})
}

// IncidentLevelChanged reports a change of an incident's level to the
// office, with its cause.
func IncidentLevelChanged(f IncidentFacts, from, to, cause string, drill bool) (Content, error) {
	zhFrom, enFrom := LevelName(from)
	zhTo, enTo := LevelName(to)
	l := newLines(drill, "【事件级别变化】"+f.Namespace+"/"+f.Name+"："+zhFrom+" → "+zhTo,
		"[Incident level changed] "+f.Namespace+"/"+f.Name+": "+enFrom+" → "+enTo)
	l.add("原因", "Cause", cause)
	incidentLines(l, f)
	type change struct {
		IncidentFacts
		From  string `json:"from"`
		To    string `json:"to"`
		Cause string `json:"cause"`
	}
	return l.report("LevelChanged", drill, change{incidentData(f), from, to, cause})
}

// WithdrawalFacts say who withdrew an incident and why.
type WithdrawalFacts struct {
	// Reason is Duplicate, FalseAlarm or Other.
	Reason string `json:"reason"`
	// DuplicateOf names the incident this one duplicates.
	DuplicateOf string `json:"duplicateOf,omitempty"`
	Note        string `json:"note,omitempty"`
	// By is the user who wrote the withdrawal, as the API server recorded.
	By string `json:"by"`
}

// IncidentWithdrawn tells those who received an incident's report that its
// reporter withdrew it: it stays on record, and no longer counts.
func IncidentWithdrawn(f IncidentFacts, w WithdrawalFacts, drill bool) (Content, error) {
	zhWhy, enWhy := withdrawalReasonName(w.Reason)
	l := newLines(drill, "【事件撤回】"+f.Namespace+"/"+f.Name+"："+zhWhy, "[Incident withdrawn] "+f.Namespace+"/"+f.Name+": "+enWhy)
	l.add("重复于", "Duplicate of", w.DuplicateOf)
	l.add("说明", "Note", w.Note)
	l.add("撤回人", "Withdrawn by", w.By)
	incidentLines(l, f)
	type withdrawal struct {
		IncidentFacts
		Withdrawal WithdrawalFacts `json:"withdrawal"`
	}
	return l.report("Withdrawn", drill, withdrawal{incidentData(f), w})
}

func withdrawalReasonName(r string) (zh, en string) {
	switch r {
	case "Duplicate":
		return "重复报送", "a duplicate"
	case "FalseAlarm":
		return "误报", "a false alarm"
	case "Other":
		return "其他原因", "another reason"
	default:
		return r, r
	}
}

// DeadlineFacts name a deadline that passed.
type DeadlineFacts struct {
	// Kind of the object that owed it: SecurityIncident or EmergencyResponse.
	Kind      string    `json:"objectKind"`
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	Deadline  string    `json:"deadline"`
	Due       time.Time `json:"due"`
	// Unit is who owed it, when known.
	Unit string `json:"unit"`
}

// DeadlineMissed reports a missed reporting deadline to the office.
func DeadlineMissed(d DeadlineFacts, drill bool) (Content, error) {
	zhWhat, enWhat := deadlineName(d.Deadline)
	l := newLines(drill, "【报送超时】"+d.Namespace+"/"+d.Name+"："+zhWhat+"未按时完成",
		"[Deadline missed] "+d.Namespace+"/"+d.Name+": "+enWhat+" was not done in time")
	l.add("责任单位", "Unit", d.Unit)
	l.time("截止时间", "Due", d.Due)
	return l.report("DeadlineMissed", drill, d)
}

func incidentLines(l *lines, f IncidentFacts) {
	zhLevel, enLevel := LevelName(f.Level)
	l.add2("事件级别", zhLevel, "Level", enLevel)
	zhReasons := f.LevelReasonsZH
	if len(zhReasons) != len(f.LevelReasons) {
		zhReasons = f.LevelReasons
	}
	l.list2("定级依据", "Criteria", zhReasons, f.LevelReasons)
	l.add("事件", "Incident", f.Namespace+"/"+f.Name)
	l.add("涉事网络单元", "Affected", f.Affected)
	l.add("事件简要描述", "Description", f.Description)
	if len(f.EventTypes) > 0 {
		var zh []string
		for _, t := range f.EventTypes {
			zh = append(zh, eventTypeName(t))
		}
		l.add2("事件类型", strings.Join(zh, "、"), "Types", strings.Join(f.EventTypes, ", "))
	}
	l.time("发生时间", "Occurred", f.OccurredAt)
	l.time("发现时间", "Discovered", f.DiscoveredAt)
	l.add("已采取措施", "Measures taken", f.MeasuresTaken)
	if f.QuickNotice {
		l.add2("报送方式", "快报，报送表应在事发当日补报", "Reported by", "quick notice; the full form is owed the same day")
	}
	contact := strings.TrimSpace(f.Contact + " " + f.Phone)
	l.add("联系人", "Contact", contact)
}

func incidentData(f IncidentFacts) IncidentFacts {
	f.EventTypes, f.LevelReasons = nonNil(f.EventTypes), nonNil(f.LevelReasons)
	return f
}

func eventTypeName(t string) string {
	switch t {
	case "InternetOutage":
		return "互联网用户无法正常上网"
	case "DNSAnomaly":
		return "域名解析系统异常"
	case "WebsiteAnomaly":
		return "重要网站平台访问异常"
	case "DataLeak":
		return "互联网用户信息泄露"
	case "VirusOutbreak":
		return "网络病毒爆发"
	case "Other":
		return "其它"
	default:
		return t
	}
}

func deadlineName(d string) (zh, en string) {
	switch d {
	case "InitialReport":
		return "首次报告（立即报告）", "the initial report (due at once)"
	case "FullForm":
		return "报送表补报（事发当日）", "the full report form (due the same day)"
	case "UnitSummaryReport":
		return "事发单位总结报告（10 个工作日内）", "the unit's summary report (10 working days)"
	case "OfficeSummaryReport":
		return "局网安应急办总结报告（20 个工作日内）", "the office's summary report (20 working days)"
	default:
		return d, d
	}
}
