package notify

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/netsec-io/incident-operator/internal/text"
)

// Content is what one report of a source says, composed once when the event
// happens: the message in both languages, and the facts for machines.
type Content struct {
	Texts
	// Data is the CloudEvents data: a JSON object.
	Data []byte
}

// Drill markers: the first words of a drill's texts.
const (
	DrillZH = "【演练 DRILL】"
	DrillEN = "[DRILL] "
)

// shanghai is the zone used for human-readable times. China has kept UTC+8
// without daylight saving since 1991, so a fixed zone gives the same result as
// the tz database for every date this operator handles, and does not depend on
// the zoneinfo files being installed.
var shanghai = time.FixedZone("CST", 8*60*60)

// EventType is the CloudEvents type of an event of a source kind, e.g.
// ("Warning", "WarningPublished") → "io.netsec.emergency.warning.published",
// ("SecurityIncident", "DeadlineMissed") →
// "io.netsec.emergency.incident.deadlinemissed".
func EventType(sourceKind, event string) string {
	word := map[string]string{"SecurityIncident": "Incident", "EmergencyResponse": "Response", "Warning": "Warning"}[sourceKind]
	if word == "" {
		word = sourceKind
	}
	return EventTypePrefix + strings.ToLower(word) + "." + strings.ToLower(strings.TrimPrefix(event, word))
}

// lines builds the two texts of a report side by side: a heading, then one
// labelled line per fact, empty facts left out.
type lines struct {
	zh, en strings.Builder
}

func newLines(drill bool, zh, en string) *lines {
	l := &lines{}
	if drill {
		l.zh.WriteString(DrillZH)
		l.en.WriteString(DrillEN)
	}
	// The headings are the operator's words around names and levels from
	// the API (a person's value in them comes through value): Inline keeps
	// them one line whatever those hold.
	l.zh.WriteString(text.Inline(zh))
	l.en.WriteString(text.Inline(en))
	return l
}

// drillBanner is a drill marker as a value might copy it: 【演练…】, [DRILL] or
// ［DRILL］, in any case and spacing.
var drillBanner = regexp.MustCompile(`(?i)【\s*演练[^】]*】|[\[［]\s*drill\s*[\]］]`)

// Value is a value a person typed as a robot's text (and the loopback
// receiver's line) shows it: text.Inline,
// so that it never starts a line (the drill marker, the headings and the
// 消息编号 / message id line are the operator's, at the start of their
// lines, and a value cannot reach there); and a drill marker inside it
// loses its banner brackets (【演练 DRILL】 shows as （演练 DRILL）, [DRILL]
// as (DRILL)), so that a real incident's unit name or description cannot
// make its report read as a drill, or the reverse, to a person skimming the
// group. The message id needs no such care: a reader and the receiver take
// it from the footer, the last paragraph, which no value reaches.
func Value(s string) string {
	s = text.Inline(s)
	if !strings.ContainsAny(s, "【[［") {
		return s
	}
	return drillBanner.ReplaceAllStringFunc(s, func(m string) string {
		return strings.NewReplacer("【", "（", "】", "）", "[", "(", "]", ")", "［", "（", "］", "）").Replace(m)
	})
}

// add writes a fact whose value is the same in both texts (as the source
// wrote it).
func (l *lines) add(zhLabel, enLabel, value string) {
	l.add2(zhLabel, value, enLabel, value)
}

// add2 writes a fact worded in each language. Values go through value:
// they may be a person's.
func (l *lines) add2(zhLabel, zhValue, enLabel, enValue string) {
	zhValue, enValue = Value(zhValue), Value(enValue)
	if strings.TrimSpace(zhValue) != "" {
		l.zh.WriteString("\n" + zhLabel + "：" + zhValue)
	}
	if strings.TrimSpace(enValue) != "" {
		l.en.WriteString("\n" + enLabel + ": " + enValue)
	}
}

// time writes a time in Beijing time.
func (l *lines) time(zhLabel, enLabel string, t time.Time) {
	if t.IsZero() {
		return
	}
	s := t.In(shanghai).Format("2006-01-02 15:04")
	l.add2(zhLabel, s+"（北京时间）", enLabel, s+" (UTC+8)")
}

// list writes numbered items under a label; blank items are skipped.
func (l *lines) list(zhLabel, enLabel string, items []string) {
	l.list2(zhLabel, enLabel, items, items)
}

func (l *lines) list2(zhLabel, enLabel string, zh, en []string) {
	write := func(b *strings.Builder, label string, sep string, items []string) {
		n := 0
		for _, it := range items {
			it = Value(it)
			if strings.TrimSpace(it) == "" {
				continue
			}
			if n == 0 {
				b.WriteString("\n" + label + sep)
			}
			n++
			b.WriteString("\n" + strconv.Itoa(n) + ". " + it)
		}
	}
	write(&l.zh, zhLabel, "：", zh)
	write(&l.en, enLabel, ":", en)
}

func (l *lines) texts() Texts { return Texts{ZH: l.zh.String(), EN: l.en.String()} }

// report finishes a report: its texts, and data made of the facts with the
// event's kind, the drill flag and a one-line summary in both languages.
// Facts is a struct whose JSON field names are the wire contract.
func (l *lines) report(kind string, drill bool, facts any) (Content, error) {
	t := l.texts()
	m := map[string]any{}
	if facts != nil {
		b, err := json.Marshal(facts)
		if err != nil {
			return Content{}, fmt.Errorf("notify: encode facts: %w", err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return Content{}, fmt.Errorf("notify: facts are not a JSON object: %w", err)
		}
	}
	m["kind"], m["drill"], m["summary"] = kind, drill, summary(t)
	m["text"] = map[string]string{"zh": t.ZH, "en": t.EN}
	data, err := json.Marshal(m)
	if err != nil {
		return Content{}, fmt.Errorf("notify: encode data: %w", err)
	}
	return Content{Texts: t, Data: data}, nil
}

// summary is the first line of each text.
func summary(t Texts) string {
	return firstLine(t.ZH) + " / " + firstLine(t.EN)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// AudienceName is who an audience is, in each language.
func AudienceName(audience string) (zh, en string) {
	switch audience {
	case "Office":
		return "局网安应急办", "the provincial emergency office"
	case "LeadingGroup":
		return "局网安领导小组", "the provincial leading group"
	case "MinistryOffice":
		return "部应急办", "the ministry's emergency office"
	case "EmergencyManagement":
		return "省应急管理相关部门", "the provincial emergency-management department"
	case "Units":
		return "省内相关单位", "the units of the province"
	case "Public":
		return "社会公众", "the public"
	default:
		return audience, audience
	}
}

// recipients names audiences in a sentence: "报部应急办、局网安领导小组" and
// "to the ministry's emergency office and the provincial leading group".
func recipients(audiences []string) (zh, en string) {
	var zs, es []string
	for _, a := range audiences {
		z, e := AudienceName(a)
		zs, es = append(zs, z), append(es, e)
	}
	switch len(es) {
	case 0:
		return "", ""
	case 1:
		return strings.Join(zs, "、"), es[0]
	default:
		return strings.Join(zs, "、"), strings.Join(es[:len(es)-1], ", ") + " and " + es[len(es)-1]
	}
}

// LevelName is an incident or response level in each language: I 特别重大,
// II 重大, III 较大, IV 一般; BelowThreshold 未达分级标准.
func LevelName(level string) (zh, en string) {
	switch level {
	case "I":
		return "特别重大（I级）", "especially major (level I)"
	case "II":
		return "重大（II级）", "major (level II)"
	case "III":
		return "较大（III级）", "large (level III)"
	case "IV":
		return "一般（IV级）", "general (level IV)"
	case "BelowThreshold":
		return "未达分级标准", "below the plan's thresholds"
	case "":
		return "尚未定级", "not yet classified"
	default:
		return level, level
	}
}
