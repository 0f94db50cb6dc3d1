// Package form renders a SecurityIncident as the plan's annex report form
// (贵州省公共互联网网络安全事件报送表), in Chinese, every box ticked from the
// spec: as Markdown, and as HTML ready to print.
package form

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Title is the form's title.
const Title = "贵州省公共互联网网络安全事件报送表"

// Row is one line of the form: a section, a box's label, and its content.
type Row struct{ Section, Label, Value string }

var beijing = time.FixedZone("CST", 8*3600)

func box(on bool, label string) string {
	if on {
		return "☑" + label
	}
	return "☐" + label
}

// choice renders every option of a box, ticking the chosen ones.
func choice(chosen func(string) bool, options [][2]string) string {
	parts := make([]string, len(options))
	for i, o := range options {
		parts[i] = box(chosen(o[0]), o[1])
	}
	return strings.Join(parts, " ")
}

func is(v string) func(string) bool { return func(o string) bool { return o == v } }

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format("2006年01月02日 15时04分")
}

var (
	unitTypes = [][2]string{{"BasicTelecom", "基础电信企业"}, {"DomainRegistry", "域名机构"}, {"InternetCompany", "互联网企业"},
		{"SecuritySupport", "网络安全技术支撑单位"}, {"SecurityCompany", "网络安全企业"}, {"Other", "其它"}}
	eventTypes = [][2]string{{"InternetOutage", "互联网用户无法正常上网"}, {"DNSAnomaly", "域名解析系统异常"}, {"WebsiteAnomaly", "重要网站平台访问异常"},
		{"DataLeak", "互联网用户信息泄露"}, {"VirusOutbreak", "网络病毒爆发"}, {"Other", "其它"}}
	scopes = [][2]string{{"Nationwide", "全国范围"}, {"MultiProvince", "若干省"}, {"Province", "全省范围"}, {"City", "地市"},
		{"MultiCounty", "若干区县"}, {"County", "区县"}}
	levels     = [][2]string{{"I", "特别重大网络安全事件"}, {"II", "重大网络安全事件"}, {"III", "较大网络安全事件"}, {"IV", "一般网络安全事件"}}
	unitLevels = [][2]string{{"I", "I级"}, {"II", "II级"}, {"III", "III级"}, {"IV", "IV级"}}
	supports   = [][2]string{{"ExpertConsultation", "专家咨询"}, {"ResponseTeam", "应急队伍"}, {"Equipment", "技术设备"}, {"Other", "其它"}}
)

// Rows lays out the form's boxes in the annex's order.
func Rows(inc *v1alpha1.SecurityIncident) []Row {
	s := &inc.Spec
	var types []string
	for _, t := range s.EventTypes {
		types = append(types, string(t))
	}
	hasType := func(o string) bool {
		for _, t := range types {
			if t == o {
				return true
			}
		}
		return false
	}
	im := s.Impact
	outage, virus, dns, site, leak := "", "", "", "", ""
	if im.InternetOutage != nil {
		outage = string(im.InternetOutage.Scope)
	}
	if im.Virus != nil {
		virus = string(im.Virus.Scope)
	}
	dnsLatency := "效率下降导致延迟时间为____毫秒"
	if im.DNS != nil {
		dns = string(im.DNS.State)
		if im.DNS.LatencyMilliseconds != nil {
			dnsLatency = fmt.Sprintf("效率下降导致延迟时间为%d毫秒", *im.DNS.LatencyMilliseconds)
		}
	}
	cii := ""
	if im.Website != nil {
		site = string(im.Website.Influence)
		cii = "否"
		if im.Website.CriticalInfrastructure {
			cii = "是"
		}
	}
	if im.DataLeak != nil {
		switch n := im.DataLeak.Records; {
		case n >= 100_000_000:
			leak = "1e8"
		case n >= 10_000_000:
			leak = "1e7"
		case n >= 1_000_000:
			leak = "1e6"
		case n >= 100_000:
			leak = "1e5"
		default:
			leak = "less"
		}
	}
	otherType := ""
	if im.Other != nil {
		otherType = "：" + im.Other.Description
	}
	supportNeeded, kinds := "", map[string]bool{}
	if s.Support != nil {
		supportNeeded = "否"
		if s.Support.Needed {
			supportNeeded = "是"
		}
		for _, k := range s.Support.Kinds {
			kinds[string(k)] = true
		}
	}
	records := ""
	if im.DataLeak != nil {
		records = fmt.Sprintf("（%d条）", im.DataLeak.Records)
	}
	drill := ""
	if s.Drill {
		drill = "【演练】"
	}
	channel := "报送表"
	if s.ReportChannel == v1alpha1.ReportQuickNotice {
		channel = "快速报告（电话、短信等），报送表应在事发当日补报"
	}
	return []Row{
		{"", "填表人", s.Reporter.FilledBy},
		{"", "填报时间", stamp(inc.CreationTimestamp.Time)},
		{"", "报送方式", drill + channel},
		{"单位基本情况", "单位名称", s.Reporter.UnitName},
		{"单位基本情况", "单位所属类型", choice(is(string(s.Reporter.UnitType)), unitTypes)},
		{"单位基本情况", "联系人姓名", s.Reporter.Contact.Name},
		{"单位基本情况", "电话", s.Reporter.Contact.Phone},
		{"单位基本情况", "电子邮件", s.Reporter.Contact.Email},
		{"安全事件基本情况", "涉事网络单元名称", s.NetworkUnit.Name},
		{"安全事件基本情况", "涉事网络单位地址", s.NetworkUnit.Address},
		{"安全事件基本情况", "事件简要描述", s.Description},
		{"安全事件基本情况", "事件发生时间", stamp(s.OccurredAt.Time)},
		{"安全事件基本情况", "发现时间", stamp(s.DiscoveredAt.Time)},
		{"事件情况初判", "事件类型", choice(hasType, eventTypes) + otherType},
		{"事件情况初判", "互联网用户无法正常上网", choice(is(outage), scopes)},
		{"事件情况初判", "域名解析系统严重异常", box(dns == "Unreachable", "完全无法访问") + " " + box(dns == "Degraded", dnsLatency)},
		{"事件情况初判", "重要网站平台访问异常", box(site == "National", "在全国范围有影响力") + " " + box(site == "Provincial", "在省内影响力") +
			" 是否为关键信息基础设施 " + box(cii == "是", "是") + " " + box(cii == "否", "否")},
		{"事件情况初判", "互联网用户信息泄露" + records, choice(is(leak), [][2]string{{"1e8", "一亿条以上"}, {"1e7", "一千万条以上"},
			{"1e6", "一百万条以上"}, {"1e5", "十万条以上"}, {"less", "十万条以下"}})},
		{"事件情况初判", "网络病毒爆发", choice(is(virus), scopes)},
		{"事件情况初判", "建议事件级别", choice(is(string(s.SuggestedLevel)), levels)},
		{"已启用应急措施及有关建议", "已启动应急预案名称", s.UnitResponse.PlanName},
		{"已启用应急措施及有关建议", "已启动本单位应急响应级别", choice(is(string(s.UnitResponse.Level)), unitLevels)},
		{"已启用应急措施及有关建议", "已采取应急措施", s.MeasuresTaken},
		{"已启用应急措施及有关建议", "建议采取工作措施", s.ProposedMeasures},
		{"技术支持", "是否需要技术支持", box(supportNeeded == "是", "是") + " " + box(supportNeeded == "否", "否")},
		{"技术支持", "需要技术支持类型", choice(func(o string) bool { return kinds[o] }, supports)},
	}
}

// Markdown renders the form as a Markdown table.
func Markdown(inc *v1alpha1.SecurityIncident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", Title)
	fmt.Fprintf(&b, "| 项目 | 栏目 | 内容 |\n| --- | --- | --- |\n")
	for _, r := range Rows(inc) {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(r.Section), cell(r.Label), cell(r.Value))
	}
	return b.String()
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "<br>")
}

var page = template.Must(template.New("form").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
@page { size: A4; margin: 18mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 11pt; }
h1 { text-align: center; font-size: 16pt; }
table { width: 100%; border-collapse: collapse; }
td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; }
td.section { width: 14%; font-weight: bold; }
td.label { width: 22%; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<table>
{{range .Rows}}<tr><td class="section">{{.Section}}</td><td class="label">{{.Label}}</td><td>{{.Value}}</td></tr>
{{end}}</table>
</body>
</html>
`))

// HTML renders the form as a printable page.
func HTML(inc *v1alpha1.SecurityIncident) (string, error) {
	var b bytes.Buffer
	err := page.Execute(&b, struct {
		Title string
		Rows  []Row
	}{Title, Rows(inc)})
	return b.String(), err
}
