package notify

import (
	"time"
)

// WarningFacts are the facts of a warning that its messages carry (§4.4).
type WarningFacts struct {
	// Namespace and Name identify the Warning object.
	Namespace, Name string
	// Level is Red, Orange, Yellow, Blue or RiskNotice, after the step.
	Level string
	// PreviousLevel is the level before an adjustment.
	PreviousLevel string
	// Source is who raised the warning: National, Ministry or Provincial.
	Source string
	// StartTime is when the warning takes effect.
	StartTime time.Time
	// Scope is the affected range and Harm the possible harm.
	Scope, Harm string
	// Precautions are the recommended precautions, in order.
	Precautions []string
	// TimeLimits is the deadline requirement, Issuer the issuing authority
	// and Hotline the number to call for advice.
	TimeLimits, Issuer, Hotline string
	// Measures are the measures in force (§4.5), e.g. "CollectAndReport".
	Measures []string
	// ApprovedBy is who approved the step, Directive the ministry directive
	// it followed; either may be empty.
	ApprovedBy, Directive string
}

// warningData is the CloudEvents data of a warning's message. Field names
// are part of the wire contract with receivers: do not rename them.
type warningData struct {
	Step          string     `json:"step"`
	Namespace     string     `json:"namespace"`
	Name          string     `json:"name"`
	Level         string     `json:"level"`
	PreviousLevel string     `json:"previousLevel"`
	Source        string     `json:"source"`
	StartTime     *time.Time `json:"startTime"`
	Scope         string     `json:"scope"`
	Harm          string     `json:"harm"`
	Precautions   []string   `json:"precautions"`
	TimeLimits    string     `json:"timeLimits"`
	Issuer        string     `json:"issuer"`
	Hotline       string     `json:"hotline"`
	Measures      []string   `json:"measures"`
	ApprovedBy    string     `json:"approvedBy"`
	Directive     string     `json:"directive"`
	ReportedTo    []string   `json:"reportedTo"`
}

// Warning composes a warning's message on one of its steps: Published,
// Adjusted or Lifted. With no upward audiences it is the message to the
// units and the public (data kind: the step); with them, the report of the
// step to those offices (§4.4, §4.6; data kind ReportedUpward); the report
// of a red or orange warning's publication tells of its relay in the
// province.
func Warning(step string, upward []string, f WarningFacts, drill bool) (Content, error) {
	zhLevel, enLevel := warningLevelName(f.Level)
	relay := step == "Published" && len(upward) > 0 && (f.Level == "Red" || f.Level == "Orange")
	zhStep, enStep := warningStepName(step, relay)
	zhHead, enHead := "【"+zhLevel+"】"+zhStep, "["+enLevel+"] "+enStep
	kind := step
	if len(upward) > 0 {
		zhTo, enTo := recipients(upward)
		zhHead += "，报" + zhTo
		enHead += ", reported to " + enTo
		kind = "ReportedUpward"
	}
	l := newLines(drill, zhHead, enHead)
	if step == "Adjusted" && f.PreviousLevel != "" {
		zh, en := warningLevelName(f.PreviousLevel)
		l.add2("原级别", zh, "Previous level", en)
	}
	l.time("起始时间", "Start", f.StartTime)
	l.add("影响范围", "Scope", f.Scope)
	l.add("可能危害", "Harm", f.Harm)
	l.list("防范措施", "Precautions", f.Precautions)
	l.add("时限要求", "Time limits", f.TimeLimits)
	l.add("发布机关", "Issuer", f.Issuer)
	l.add("咨询电话", "Hotline", f.Hotline)
	if step == "Lifted" {
		l.add2("响应措施", "已随预警解除", "Measures", "end with the warning")
	} else {
		var zh, en []string
		for _, m := range f.Measures {
			z, e := measureName(m)
			zh, en = append(zh, z), append(en, e)
		}
		l.list2("响应措施", "Measures", zh, en)
	}
	l.add2("批准", f.ApprovedBy, "Approved by", f.ApprovedBy)
	l.add2("部应急办通知", f.Directive, "Ministry directive", f.Directive)

	d := warningData{
		Step: step, Namespace: f.Namespace, Name: f.Name, Level: f.Level, Source: f.Source,
		Scope: f.Scope, Harm: f.Harm, Precautions: nonNil(f.Precautions), TimeLimits: f.TimeLimits,
		Issuer: f.Issuer, Hotline: f.Hotline, Measures: nonNil(f.Measures), ApprovedBy: f.ApprovedBy,
		Directive: f.Directive, ReportedTo: nonNil(upward),
	}
	if step == "Adjusted" {
		d.PreviousLevel = f.PreviousLevel
	}
	if step == "Lifted" {
		d.Measures = []string{}
	}
	if !f.StartTime.IsZero() {
		st := f.StartTime.UTC()
		d.StartTime = &st
	}
	return l.report(kind, drill, d)
}

func warningLevelName(level string) (zh, en string) {
	switch level {
	case "Red":
		return "红色预警", "Red warning"
	case "Orange":
		return "橙色预警", "Orange warning"
	case "Yellow":
		return "黄色预警", "Yellow warning"
	case "Blue":
		return "蓝色预警", "Blue warning"
	case "RiskNotice":
		return "风险提示", "Risk notice"
	case "":
		return "预警", "Warning"
	default:
		return level + "预警", level + " warning"
	}
}

func warningStepName(step string, relay bool) (zh, en string) {
	switch {
	case relay:
		return "转发", "Relayed"
	case step == "Published":
		return "发布", "Published"
	case step == "Adjusted":
		return "调整", "Adjusted"
	case step == "Lifted":
		return "解除", "Lifted"
	default:
		return step, step
	}
}

// measureName words a §4.5 measure.
func measureName(m string) (zh, en string) {
	switch m {
	case "CollectAndReport":
		return "及时收集、报告有关信息，加强风险监测", "collect and report information; watch the risk closely"
	case "TrackAndAssess":
		return "加强事态跟踪分析评估", "track and assess how the situation develops"
	case "PublishPrecautionsAndHotline":
		return "宣传避免、减轻危害的措施，公布咨询电话", "publish the precautions and the hotline"
	case "Duty24Hours":
		return "实行 24 小时值班，保持通信联络畅通", "keep 24-hour duty and open lines"
	case "ContingencyPlanning":
		return "研究制定防范措施和应急工作方案", "draw up precautions and a contingency plan"
	case "HardenKeyNetworks":
		return "加强重要网络、系统的网络安全防护", "harden key networks and systems"
	case "ExpertsAndToolsOnStandby":
		return "技术支撑单位、网络安全企业及专家进入待命状态", "support units, security companies and experts on standby"
	default:
		return m, m
	}
}
