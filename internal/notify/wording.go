package notify

import (
	"strconv"
	"strings"
	"time"
)

// shanghai is the zone used for human-readable times. China has kept UTC+8
// without daylight saving since 1991, so a fixed zone gives the same result as
// the tz database for every date this operator handles, and does not depend on
// the zoneinfo files being installed.
var shanghai = time.FixedZone("CST", 8*60*60)

// Text renders m as the short bilingual text sent to WeCom and DingTalk
// robots. The first line names the level in Chinese and English and what
// happened, e.g. "【黄色预警 Yellow warning】发布 Published"; a drill's text
// starts with "【演练 DRILL】". The following lines give the start time (in
// Asia/Shanghai), scope, harm, numbered precautions, time limits, issuer and
// hotline; lines whose value is empty are left out.
func Text(m Message) string {
	w := m.Warning
	var b strings.Builder
	if m.Drill {
		b.WriteString("【演练 DRILL】")
	}
	b.WriteString("【" + levelName(w.Level) + "】" + kindName(m.Kind))

	line := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		b.WriteString("\n" + label + "：" + value)
	}
	if m.Kind == "Adjusted" && w.PreviousLevel != "" {
		line("原级别 Previous level", levelName(w.PreviousLevel))
	}
	if !w.StartTime.IsZero() {
		line("起始时间 Start", w.StartTime.In(shanghai).Format("2006-01-02 15:04")+" (北京时间 UTC+8)")
	}
	line("影响范围 Scope", w.Scope)
	line("可能危害 Harm", w.Harm)
	n := 0
	for _, p := range w.Precautions {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if n == 0 {
			b.WriteString("\n防范措施 Precautions：")
		}
		n++
		b.WriteString("\n" + strconv.Itoa(n) + ". " + p)
	}
	line("时限要求 Time limits", w.TimeLimits)
	line("发布机关 Issuer", w.Issuer)
	line("咨询电话 Hotline", w.Hotline)
	return b.String()
}

func levelName(level string) string {
	switch level {
	case "Red":
		return "红色预警 Red warning"
	case "Orange":
		return "橙色预警 Orange warning"
	case "Yellow":
		return "黄色预警 Yellow warning"
	case "Blue":
		return "蓝色预警 Blue warning"
	case "RiskNotice":
		return "风险提示 Risk notice"
	case "":
		return "预警 Warning"
	default:
		return "预警 " + level + " warning"
	}
}

func kindName(kind string) string {
	switch kind {
	case "Published":
		return "发布 Published"
	case "Adjusted":
		return "调整 Adjusted"
	case "Lifted":
		return "解除 Lifted"
	case "ReportedUpward":
		return "上报 Reported upward"
	default:
		return kind
	}
}
