package notify

import (
	"strings"
	"time"
)

// ResponseFacts are the facts of an emergency response (§5) that its
// reports carry. JSON names are the wire contract.
type ResponseFacts struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Level in force: I–IV.
	Level string `json:"level"`
	// Incidents it answers, as namespace/name.
	Incidents []string `json:"incidents"`
	// ApprovedBy or Directive started it; EndApprovedBy or EndDirective
	// ended it.
	ApprovedBy    string `json:"approvedBy"`
	Directive     string `json:"directive"`
	EndApprovedBy string `json:"endApprovedBy"`
	EndDirective  string `json:"endDirective"`
	Commander     string `json:"commander"`
	// CommandedBy is who commands at the response's level (§5.3):
	// MinistryLeadingGroup, MinistryOffice or Office.
	CommandedBy string `json:"commandedBy"`
	// WorkGroups set up and Measures required (§5.3, §5.5).
	WorkGroups []string  `json:"workGroups"`
	Measures   []string  `json:"measures"`
	StartedAt  time.Time `json:"startedAt"`
	EndedAt    time.Time `json:"endedAt"`
	// SupersededBy is the response at a higher level that took over.
	SupersededBy string `json:"supersededBy"`
}

// ResponseStarted reports a response's start to the ministry office and
// the leading group (§5.3).
func ResponseStarted(f ResponseFacts, drill bool) (Content, error) {
	zh, en := LevelName(f.Level)
	l := newLines(drill, "【应急响应启动】"+zh+"事件应急响应已启动", "[Emergency response started] "+en+" response started")
	responseLines(l, f)
	return l.report("Started", drill, responseData(f))
}

// ResponseAwaitingDecision tells whoever decides a response that it waits
// for them (§5.3).
func ResponseAwaitingDecision(f ResponseFacts, whoseZH, whose string, drill bool) (Content, error) {
	zh, en := LevelName(f.Level)
	l := newLines(drill, "【应急响应待决定】"+f.Namespace+"/"+f.Name+"："+zh+"响应待"+whoseZH+"决定",
		"[Emergency response awaiting decision] "+f.Namespace+"/"+f.Name+": the "+en+" response waits for the decision of "+whose)
	responseLines(l, f)
	type awaiting struct {
		ResponseFacts
		Whose string `json:"whose"`
	}
	return l.report("AwaitingDecision", drill, awaiting{responseData(f), whose})
}

// SupportRequestFacts is the office's request to the ministry for support
// from beyond the province.
type SupportRequestFacts struct {
	Name  string   `json:"name"`
	Kinds []string `json:"kinds"`
	What  string   `json:"what"`
}

// supportKindZH names a kind of support as the annex form does.
var supportKindZH = map[string]string{"ExpertConsultation": "专家咨询", "ResponseTeam": "应急队伍", "Equipment": "技术设备", "Other": "其它"}

// ResponseSupportRequested asks the ministry's emergency office for support
// beyond the province (§5.4, §5.5).
func ResponseSupportRequested(f ResponseFacts, req SupportRequestFacts, drill bool) (Content, error) {
	zhKinds, enKinds := make([]string, len(req.Kinds)), make([]string, len(req.Kinds))
	for i, k := range req.Kinds {
		zhKinds[i], enKinds[i] = supportKindZH[k], k
		if zhKinds[i] == "" {
			zhKinds[i] = k
		}
	}
	l := newLines(drill, "【请求支援】"+f.Namespace+"/"+f.Name+"：局网安应急办请求部应急办协调支援",
		"[Support requested] "+f.Namespace+"/"+f.Name+": the office asks the ministry's emergency office for support")
	l.add2("支援类型", strings.Join(zhKinds, "、"), "Kinds", strings.Join(enKinds, ", "))
	l.add("请求内容", "Request", req.What)
	responseLines(l, f)
	type request struct {
		ResponseFacts
		Request SupportRequestFacts `json:"request"`
	}
	return l.report("SupportRequested", drill, request{responseData(f), req})
}

// ResponseEscalated reports that an incident of a running response rose to
// level to, above the level the response was started for (§5.3: a response
// at that level is owed), and the response that took over, once there is
// one.
func ResponseEscalated(f ResponseFacts, to string, drill bool) (Content, error) {
	zhTo, enTo := LevelName(to)
	l := newLines(drill, "【应急响应升级】"+f.Namespace+"/"+f.Name+"：事件升至"+zhTo+"，应启动相应级别响应",
		"[Emergency response escalated] "+f.Namespace+"/"+f.Name+": an incident rose to "+enTo+"; a response at that level is owed")
	l.add("接替响应", "Taken over by", f.SupersededBy)
	responseLines(l, f)
	type escalation struct {
		ResponseFacts
		To string `json:"to"`
	}
	return l.report("Escalated", drill, escalation{responseData(f), to})
}

// ResponseSituation reports how the province is affected (§5.4): the
// situation as the office wrote it.
func ResponseSituation(f ResponseFacts, situation Texts, drill bool) (Content, error) {
	l := newLines(drill, "【事态报告】"+f.Namespace+"/"+f.Name, "[Situation report] "+f.Namespace+"/"+f.Name)
	l.add2("情况", situation.ZH, "Situation", situation.EN)
	responseLines(l, f)
	type sit struct {
		ResponseFacts
		Situation Texts `json:"situation"`
	}
	return l.report("Situation", drill, sit{responseData(f), situation})
}

// ResponseEnded reports a response's end (§5.6).
func ResponseEnded(f ResponseFacts, drill bool) (Content, error) {
	zh, en := LevelName(f.Level)
	l := newLines(drill, "【应急响应结束】"+zh+"事件应急响应已结束", "[Emergency response ended] "+en+" response ended")
	l.time("结束时间", "Ended", f.EndedAt)
	l.add2("批准结束", f.EndApprovedBy, "End approved by", f.EndApprovedBy)
	l.add2("部应急办通知", f.EndDirective, "Ministry directive", f.EndDirective)
	responseLines(l, f)
	return l.report("Ended", drill, responseData(f))
}

// SummaryReport reports a summary report handed in (§6.1): by "unit" (to
// the office) or by "office" (to the ministry office and the leading
// group).
func SummaryReport(f ResponseFacts, by, document string, at time.Time, drill bool) (Content, error) {
	zhBy, enBy := "事发单位", "the unit's"
	if by == "office" {
		zhBy, enBy = "局网安应急办", "the office's"
	}
	l := newLines(drill, "【总结报告】"+zhBy+"总结报告已提交："+f.Namespace+"/"+f.Name,
		"[Summary report] "+enBy+" summary report handed in: "+f.Namespace+"/"+f.Name)
	l.add("报告", "Report", document)
	l.time("提交时间", "Handed in", at)
	responseLines(l, f)
	type summary struct {
		ResponseFacts
		By          string    `json:"by"`
		Document    string    `json:"document"`
		SubmittedAt time.Time `json:"submittedAt"`
	}
	return l.report("SummaryReportReceived", drill, summary{responseData(f), by, document, at})
}

// DrillReported reports how a drill response went to the office (§7.2).
func DrillReported(f ResponseFacts) (Content, error) {
	l := newLines(true, "【演练情况报告】"+f.Namespace+"/"+f.Name+" 演练已结束", "[Drill report] "+f.Namespace+"/"+f.Name+" drill ended")
	l.time("结束时间", "Ended", f.EndedAt)
	responseLines(l, f)
	return l.report("DrillReported", true, responseData(f))
}

// PublicNotice is information on an incident for the public (§5.5), in the
// office's words; it leaves only with the office's consent.
func PublicNotice(subject string, notice Texts, hotline string, drill bool) (Content, error) {
	l := newLines(drill, "【网络安全突发事件通告】", "[Cybersecurity incident notice]")
	// The notice is the office's text: after a label, like every value a
	// person wrote, so that it cannot begin a line (a heading of its own).
	l.add2("通告", notice.ZH, "Notice", notice.EN)
	l.add("咨询电话", "Hotline", hotline)
	type data struct {
		Subject string `json:"subject"`
		Hotline string `json:"hotline"`
	}
	return l.report("PublicNotice", drill, data{subject, hotline})
}

func responseLines(l *lines, f ResponseFacts) {
	zh, en := LevelName(f.Level)
	l.add2("响应级别", zh, "Level", en)
	l.add("响应", "Response", f.Namespace+"/"+f.Name)
	l.list("事件", "Incidents", f.Incidents)
	l.time("启动时间", "Started", f.StartedAt)
	l.add2("批准启动", f.ApprovedBy, "Approved by", f.ApprovedBy)
	l.add2("启动依据", f.Directive, "Directive", f.Directive)
	if zh, en := commandName(f.CommandedBy); zh != "" {
		l.add2("统一指挥", zh, "Command", en)
	}
	l.add("指挥", "Commander", f.Commander)
	l.list("工作组", "Work groups", f.WorkGroups)
	zhM, enM := make([]string, len(f.Measures)), make([]string, len(f.Measures))
	for i, m := range f.Measures {
		zhM[i], enM[i] = responseMeasureName(m)
	}
	l.list2("处置措施", "Measures", zhM, enM)
}

// responseMeasureName words a §5.5 measure, as the plan names it.
func responseMeasureName(m string) (zh, en string) {
	switch m {
	case "BandwidthExpansion":
		return "带宽紧急扩容", "emergency bandwidth expansion"
	case "AttackSourceControl":
		return "控制攻击源", "control the attack sources"
	case "AttackTrafficFiltering":
		return "过滤攻击流量", "filter the attack traffic"
	case "VulnerabilityPatching":
		return "修补漏洞", "patch the vulnerabilities"
	case "VirusRemoval":
		return "查杀病毒", "remove the virus"
	case "PortClosure":
		return "关闭端口", "close ports"
	case "BackupRestore":
		return "启用备份数据", "restore from backups"
	case "SystemShutdown":
		return "暂时关闭相关系统", "shut the systems down for a time"
	case "AffectedUserNotification":
		return "告知受影响的用户及减轻危害的措施", "tell the affected users how to reduce the harm"
	default:
		return m, m
	}
}

// commandName is who commands a response (§5.3), in both languages.
func commandName(by string) (zh, en string) {
	switch by {
	case "MinistryLeadingGroup":
		return "部领导小组统一指挥、协调，局网安应急办在部应急办统一指挥协调下开展工作", "the ministry's leading group; the office works under the ministry's emergency office"
	case "MinistryOffice":
		return "部应急办统一指挥、协调，局网安应急办在其统一指挥协调下开展工作", "the ministry's emergency office; the office works under its command"
	case "Office":
		return "局网安应急办负责指挥、协调", "the provincial emergency office"
	}
	return "", ""
}

func responseData(f ResponseFacts) ResponseFacts {
	f.Incidents, f.WorkGroups, f.Measures = nonNil(f.Incidents), nonNil(f.WorkGroups), nonNil(f.Measures)
	return f
}
