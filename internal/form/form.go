// Package form renders a SecurityIncident as the plan's annex report form
// (贵州省公共互联网网络安全事件报送表), in Chinese, every box ticked from the
// spec: as Markdown, and as HTML laid out as the annex table on one A4 page.
//
// The layout is the annex as the plan issued it (附件): 填表人 and 填报时间 on
// the line above the table; five sections whose cells span their rows; the
// contact's name, phone and e-mail on one row, the occurrence and discovery
// times on another; 当前影响和破坏情况 spanning its five lines of boxes; a blank
// after 其它 for free text. Facts the spec holds and the annex has no box for
// (a prefecture-level city, the DNS system, the number of records, the kinds
// of support) are written in after the boxes of their line, as a reporter
// would write them on the paper form; how the form was sent goes in a note
// under the table.
package form

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/text"
)

// Title is the form's title.
const Title = "贵州省公共互联网网络安全事件报送表"

// Fonts is the HTML form's font stack: a named CJK font first, so that the
// Chinese prints as Chinese (install one: on Debian, fonts-noto-cjk).
const Fonts = `"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimSun", sans-serif`

// beijing is the plan's local time, the time a Chinese form is filled in.
var beijing = time.FixedZone("CST", 8*3600)

// seg is a piece of a cell: text, a box (ticked or not) with its label, or
// a blank to fill in.
type seg struct {
	box, on, blank bool
	text           string
	// keep is text that stays on one line with what follows.
	keep bool
	// other is a box followed by a blank for free text, filled with fill.
	other bool
	fill  string
}

func txt(s string) seg                         { return seg{text: s} }
func box(on bool, label string) seg            { return seg{box: true, on: on, text: label} }
func keep(s string) seg                        { return seg{keep: true, text: s} }
func blank(s string) seg                       { return seg{blank: true, text: s} }
func segs(s ...seg) []seg                      { return s }
func value(s string) []seg                     { return []seg{txt(s)} }
func is(v string) func(string) bool            { return func(o string) bool { return o == v } }
func in(set map[string]bool) func(string) bool { return func(o string) bool { return set[o] } }

// choice renders every option of a line, ticking the chosen ones; an option
// "Other" gets a blank after it, filled with other when that is chosen.
func choice(chosen func(string) bool, options [][2]string, other string) []seg {
	var out []seg
	for _, o := range options {
		b := box(chosen(o[0]), o[1])
		if o[0] == "Other" {
			b.other = true
			if b.on {
				b.fill = other
			}
		}
		out = append(out, b)
	}
	return out
}

// cell is one cell of the annex table.
type cell struct {
	// Label is a printed heading of the annex; Section a section's heading
	// (the first column).
	Label, Section bool
	// Span and Rows are the columns and rows it covers.
	Span, Rows int
	// Tall cells hold free text.
	Tall    bool
	Content []seg
}

func heading(s string, rows int) cell {
	return cell{Section: true, Rows: rows, Span: 1, Content: value(s)}
}
func label(s string) cell { return cell{Label: true, Span: 1, Rows: 1, Content: value(s)} }
func labelRows(s string, rows int) cell {
	return cell{Label: true, Span: 1, Rows: rows, Content: value(s)}
}
func field(span int, c []seg) cell { return cell{Span: span, Rows: 1, Content: c} }
func tall(c []seg) cell            { return cell{Span: 5, Rows: 1, Tall: true, Content: c} }

// freeText is what a box for free text holds on paper, in width units:
// three lines of the form's width.
const freeText = 220

// cutWidth cuts s to at most budget width units, a CJK character counting
// two; ok is true when s fits whole.
func cutWidth(s string, budget int) (cut string, ok bool) {
	used := 0
	for i, r := range s {
		w := 1
		if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
			w = 2
		}
		if used+w > budget {
			return s[:i], false
		}
		used += w
	}
	return s, true
}

// continued is a text cut on the form, in full on the continuation sheet.
type continued struct{ Heading, Text string }

// annex is the form filled in: the header line, the table, the notes.
type annex struct {
	Title, Drill       string
	FilledBy, FilledAt string
	Rows               [][]cell
	Note               string
	Continued          []continued
	Fonts              template.CSS
}

var (
	unitTypes = [][2]string{{"BasicTelecom", "基础电信企业"}, {"DomainRegistry", "域名机构"}, {"InternetCompany", "互联网企业"},
		{"SecuritySupport", "网络安全技术支撑单位"}, {"SecurityCompany", "网络安全企业"}, {"Other", "其它"}}
	eventTypes = [][2]string{{"InternetOutage", "互联网用户无法正常上网"}, {"DNSAnomaly", "域名解析系统异常"}, {"WebsiteAnomaly", "重要网站平台访问异常"},
		{"DataLeak", "互联网用户信息泄露"}, {"VirusOutbreak", "网络病毒爆发"}, {"Other", "其它"}}
	// scopes are the annex's five; a prefecture-level city (§3.4) has no
	// box and is written in.
	scopes = [][2]string{{"Nationwide", "全国范围"}, {"MultiProvince", "若干省"}, {"Province", "全省范围"},
		{"MultiCounty", "若干区县"}, {"County", "区县"}}
	leaks = [][2]string{{"1e8", "一亿条以上"}, {"1e7", "一千万条以上"}, {"1e6", "一百万条以上"}, {"1e5", "十万条以上"}, {"less", "十万条以下"}}
	// levels end with the annex's 其它, left blank: the spec suggests I–IV.
	levels = [][2]string{{"I", "特别重大网络安全事件"}, {"II", "重大网络安全事件"}, {"III", "较大网络安全事件"}, {"IV", "一般网络安全事件"},
		{"Other", "其它"}}
	unitLevels = [][2]string{{"I", "I级"}, {"II", "II级"}, {"III", "III级"}, {"IV", "IV级"}}
	supports   = [][2]string{{"ExpertConsultation", "专家咨询"}, {"ResponseTeam", "应急队伍"}, {"Equipment", "技术设备"}, {"Other", "其它"}}
	dnsSystems = map[v1alpha1.DNSSystem]string{v1alpha1.DNSCNTopLevel: ".CN国家顶级域名系统", v1alpha1.DNSLarge: "大型域名解析系统",
		v1alpha1.DNSOther: "其它域名解析系统"}
)

func scope(a *v1alpha1.AreaImpact, heading string) []seg {
	chosen := ""
	if a != nil {
		chosen = string(a.Scope)
	}
	out := append(segs(txt(heading+"：")), choice(is(chosen), scopes, "")...)
	if chosen == string(v1alpha1.ScopeCity) {
		out = append(out, box(true, "1个地市"))
	}
	return out
}

// stamp prints a time as a Chinese form does, in Beijing time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format("2006年01月02日 15时04分")
}

// fill lays the incident out on the annex. Every value a person typed (the
// unit, contact, addresses, description, plan, measures, the filler) goes
// through esc first: text.Markdown for the Markdown form, text.Inline for
// the HTML one, where html/template escapes the rest. So a value is one line
// of text in its cell whatever it holds.
// On paper (paged), a free text longer than its box is cut there with a
// pointer to the continuation sheet (续页), which follows the form with
// every cut text in full: the form itself stays on one page.
func fill(inc *v1alpha1.SecurityIncident, paged bool, esc func(string) string) annex {
	s := &inc.Spec
	im := s.Impact
	u := s.Reporter
	u.UnitName, u.FilledBy = esc(u.UnitName), esc(u.FilledBy)
	u.Contact.Name, u.Contact.Phone, u.Contact.Email = esc(u.Contact.Name), esc(u.Contact.Phone), esc(u.Contact.Email)
	nu := v1alpha1.NetworkUnit{Name: esc(s.NetworkUnit.Name), Address: esc(s.NetworkUnit.Address)}
	description, planName := esc(s.Description), esc(s.UnitResponse.PlanName)
	measuresTaken, proposedMeasures := esc(s.MeasuresTaken), esc(s.ProposedMeasures)
	types := map[string]bool{}
	for _, t := range s.EventTypes {
		types[string(t)] = true
	}
	a := annex{Title: Title, FilledBy: u.FilledBy, Fonts: template.CSS(Fonts)}
	// fit gives the text a box of budget width units holds (a CJK
	// character is two, a Latin letter one).
	fit := func(heading, text string, budget int) string {
		if !paged {
			return text
		}
		cut, ok := cutWidth(text, budget)
		if ok {
			return text
		}
		a.Continued = append(a.Continued, continued{heading, text})
		return cut + "……（全文见续页）"
	}
	otherEvent := ""
	if im.Other != nil {
		otherEvent = esc(im.Other.Description)
	}

	dns, latency := "", ""
	dnsHeading := "域名解析系统严重异常"
	if im.DNS != nil {
		dns = string(im.DNS.State)
		dnsHeading += "（" + dnsSystems[im.DNS.System] + "）"
		if im.DNS.LatencyMilliseconds != nil {
			latency = fmt.Sprint(*im.DNS.LatencyMilliseconds)
		}
	}
	site, cii := "", ""
	if im.Website != nil {
		site, cii = string(im.Website.Influence), "否"
		if im.Website.CriticalInfrastructure {
			cii = "是"
		}
	}
	leak, records := "", ""
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
		records = fmt.Sprintf("（共%d条）", im.DataLeak.Records)
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
	support := segs(box(supportNeeded == "是", "是"), box(supportNeeded == "否", "否"))
	if supportNeeded == "是" {
		support = append(append(support, txt("　需要：")), choice(in(kinds), supports, "")...)
	}
	leakLine := append(segs(txt("互联网用户信息泄露：")), choice(is(leak), leaks, "")...)
	if records != "" {
		leakLine = append(leakLine, txt(records))
	}

	if t := inc.CreationTimestamp.Time; !t.IsZero() {
		a.FilledAt = t.In(beijing).Format("2006 年 01 月 02 日 15 时")
	}
	if s.Drill {
		a.Drill = "【演练】本表为应急演练报送，非真实事件（预案7.2）"
	}
	channel := "报送表"
	if s.ReportChannel == v1alpha1.ReportQuickNotice {
		channel = "快速报告（电话、短信等）在先，本报送表应在事发当日补报"
	}
	confirmed := "否"
	if c := inc.Status.ReceiptConfirmed; c != nil {
		confirmed = "是（" + c.By + "，" + c.Time.In(beijing).Format("2006-01-02 15:04") + "）"
	}
	a.Note = "报送方式：" + channel + "；报送结果已电话确认：" + confirmed + "。时间均为北京时间（UTC+8）。"

	a.Rows = [][]cell{
		{heading("单位基本情况", 3), label("单位名称"), field(5, value(fit("单位名称", u.UnitName, 100)))},
		{label("单位所属类型"), field(5, choice(is(string(u.UnitType)), unitTypes, ""))},
		{label("联系人姓名"), field(1, value(u.Contact.Name)), label("电话"), field(1, value(u.Contact.Phone)),
			label("电子邮件"), field(1, value(u.Contact.Email))},

		{heading("安全事件基本情况", 4), label("涉事网络单元名称"), field(5, value(fit("涉事网络单元名称", nu.Name, 100)))},
		{label("涉事网络单位地址"), field(5, value(fit("涉事网络单位地址", nu.Address, 140)))},
		{label("事件简要描述"), tall(value(fit("事件简要描述", description, freeText)))},
		{label("事件发生时间"), field(1, value(stamp(s.OccurredAt.Time))), label("发现时间"), field(3, value(stamp(s.DiscoveredAt.Time)))},

		{heading("事件情况初判", 7), label("事件类型"), field(5, choice(in(types), eventTypes, fit("事件类型：其它", otherEvent, 40)))},
		{labelRows("当前影响和破坏情况", 5), field(5, scope(im.InternetOutage, "互联网用户无法正常上网"))},
		{field(5, segs(txt(dnsHeading+"："), box(dns == string(v1alpha1.DNSUnreachable), "完全无法访问"),
			box(dns == string(v1alpha1.DNSDegraded), "效率下降导致延迟时间为"), blank(latency), txt("毫秒")))},
		{field(5, segs(txt("重要网站平台访问异常："), box(site == string(v1alpha1.InfluenceNational), "在全国范围有影响力"),
			box(site == string(v1alpha1.InfluenceProvincial), "在省内影响力"), keep("是否为关键信息基础设施"),
			box(cii == "是", "是"), box(cii == "否", "否")))},
		{field(5, leakLine)},
		{field(5, scope(im.Virus, "网络病毒爆发"))},
		{label("建议事件级别"), field(5, choice(is(string(s.SuggestedLevel)), levels, ""))},

		{heading("已启用应急措施及有关建议", 4), label("已启动应急预案名称"), field(5, value(fit("已启动应急预案名称", planName, 100)))},
		{label("已启动本单位应急响应级别"), field(5, choice(is(string(s.UnitResponse.Level)), unitLevels, ""))},
		{label("已采取应急措施"), tall(value(fit("已采取应急措施", measuresTaken, freeText)))},
		{label("建议采取工作措施"), tall(value(fit("建议采取工作措施", proposedMeasures, freeText)))},

		{heading("技术支持", 1), label("是否需要技术支持"), field(5, support)},
	}
	return a
}

// plain renders a cell's content as text: ☑ and ☐ for the boxes, ____ for
// an empty blank.
func plain(c []seg) string {
	var b strings.Builder
	for i, s := range c {
		switch {
		case s.box:
			if i > 0 && !strings.HasSuffix(b.String(), "：") {
				b.WriteString(" ")
			}
			if s.on {
				b.WriteString("☑")
			} else {
				b.WriteString("☐")
			}
			b.WriteString(s.text)
			if s.other {
				b.WriteString("：" + orBlank(s.fill))
			}
		case s.keep:
			b.WriteString("　" + s.text)
		case s.blank && s.text == "":
			b.WriteString("____")
		default:
			b.WriteString(s.text)
		}
	}
	return strings.TrimSpace(b.String())
}

// Markdown renders the form as Markdown: the header line, then the table
// with one line per row of the annex, a section named on its first row.
func Markdown(inc *v1alpha1.SecurityIncident) string {
	a := fill(inc, false, text.Markdown)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", a.Title)
	if a.Drill != "" {
		fmt.Fprintf(&b, "%s\n\n", a.Drill)
	}
	filledAt := a.FilledAt
	if filledAt == "" {
		filledAt = "年 月 日 时"
	}
	fmt.Fprintf(&b, "填表人：%s　　填报时间：%s\n\n", a.FilledBy, filledAt)
	b.WriteString("| 项目 | 栏目 | 内容 |\n| --- | --- | --- |\n")
	for _, row := range a.Rows {
		var section, head string
		var rest []string
		for i, c := range row {
			switch text := plain(c.Content); {
			case c.Section:
				section = text
			case c.Label && head == "" && len(rest) == 0:
				head = text
			case c.Label:
				rest = append(rest, text+"：")
			case i > 0 && row[i-1].Label && len(rest) > 0:
				rest[len(rest)-1] += text
			default:
				rest = append(rest, text)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCell(section), mdCell(head), mdCell(strings.Join(rest, "　")))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "注：%s\n", a.Note)
	return b.String()
}

func orBlank(s string) string {
	if s == "" {
		return "____"
	}
	return s
}

// mdCell is a table cell: the values in it come escaped by text.Markdown
// (a | among them as \|), the rest is the form's own words, one line.
func mdCell(s string) string {
	return strings.TrimSpace(s)
}

// The HTML page: A4 with 10–14 mm margins, 9.5 pt in the table, seven columns as the
// annex has them (section, heading, and five for the contents, where the
// contact and time rows put their own headings).
var page = template.Must(template.New("form").Funcs(template.FuncMap{
	"segs": func(c []seg) template.HTML {
		var b strings.Builder
		for _, s := range c {
			switch {
			case s.box:
				mark, class := "☐", "box"
				if s.on {
					mark, class = "☑", "box on"
				}
				other := ""
				if s.other {
					other = `：<span class="blank">` + template.HTMLEscapeString(s.fill) + `</span>`
				}
				fmt.Fprintf(&b, `<span class="opt"><i class="%s">%s</i>%s%s</span>`, class, mark, template.HTMLEscapeString(s.text), other)
			case s.blank:
				fmt.Fprintf(&b, `<span class="blank">%s</span>`, template.HTMLEscapeString(s.text))
			case s.keep:
				fmt.Fprintf(&b, `<span class="opt">%s</span>`, template.HTMLEscapeString(s.text))
			default:
				b.WriteString(template.HTMLEscapeString(s.text))
			}
		}
		return template.HTML(b.String())
	},
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
@page { size: A4; margin: 12mm 14mm 10mm 14mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: {{.Fonts}}; font-size: 10pt; line-height: 1.4; color: #000; }
.annex { font-size: 11pt; margin: 0; }
h1 { text-align: center; font-size: 16pt; font-weight: bold; letter-spacing: 0.05em; margin: 1mm 0 3mm 0; }
.drill { text-align: center; color: #b00; font-weight: bold; margin: 0 0 2mm 0; }
.filler { display: flex; justify-content: space-between; margin: 0 0 1.5mm 0; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; page-break-inside: avoid; font-size: 9.5pt; }
td, th { border: 0.75pt solid #000; padding: 1.1mm 1.4mm; vertical-align: middle; text-align: left; font-weight: normal; overflow-wrap: anywhere; }
th { text-align: center; }
th.section { font-weight: bold; letter-spacing: 0.1em; }
td.tall { height: 15mm; vertical-align: top; white-space: pre-wrap; }
.opt { display: inline-block; white-space: nowrap; margin-right: 0.8em; }
.box { display: inline-block; box-sizing: border-box; width: 8pt; height: 8pt; border: 0.75pt solid #000; margin: 0 1.5pt 0 0;
  vertical-align: middle; position: relative; font-size: 0; font-style: normal; }
.box.on::after { content: ""; position: absolute; left: 2.1pt; top: -0.6pt; width: 2.6pt; height: 5.6pt;
  border: solid #000; border-width: 0 1.3pt 1.3pt 0; transform: rotate(40deg); }
.blank { display: inline-block; min-width: 4.5em; border-bottom: 0.75pt solid #000; text-align: center; margin: 0 0.2em; line-height: 1.15; }
.note { margin: 1.5mm 0 0 0; font-size: 8.5pt; }
.continued { break-before: page; page-break-before: always; }
.continued h2 { font-size: 13pt; text-align: center; margin: 0 0 3mm 0; }
.continued h3 { font-size: 10.5pt; margin: 3mm 0 1mm 0; }
.continued p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
</style>
</head>
<body>
<p class="annex">附件</p>
<h1>{{.Title}}</h1>
{{with .Drill}}<p class="drill">{{.}}</p>
{{end}}<div class="filler"><span>填表人：{{.FilledBy}}</span><span>填报时间：{{if .FilledAt}}{{.FilledAt}}{{else}}　　年　　月　　日　　时{{end}}</span></div>
<table>
<colgroup><col style="width:7%"><col style="width:18%"><col style="width:24%"><col style="width:9%"><col style="width:16%"><col style="width:9%"><col style="width:17%"></colgroup>
{{range .Rows}}<tr>{{range .}}{{if .Section}}<th class="section" rowspan="{{.Rows}}">{{segs .Content}}</th>{{else if .Label}}<th{{if gt .Rows 1}} rowspan="{{.Rows}}"{{end}}>{{segs .Content}}</th>{{else}}<td{{if gt .Span 1}} colspan="{{.Span}}"{{end}}{{if .Tall}} class="tall"{{end}}>{{segs .Content}}</td>{{end}}{{end}}</tr>
{{end}}</table>
<p class="note">注：{{.Note}}</p>
{{with .Continued}}<section class="continued">
<h2>{{$.Title}}（续页）</h2>
{{range .}}<h3>{{.Heading}}</h3>
<p>{{.Text}}</p>
{{end}}</section>
{{end}}</body>
</html>
`))

// HTML renders the form as a page that prints on one A4 sheet.
func HTML(inc *v1alpha1.SecurityIncident) (string, error) {
	var b bytes.Buffer
	err := page.Execute(&b, fill(inc, true, text.Inline))
	return b.String(), err
}
