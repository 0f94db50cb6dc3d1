package textisdata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/form"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/plugin"
	"github.com/netsec-io/incident-operator/internal/receiver"
)

// ordinary is the harmless value every hostile one is compared with.
const ordinary = "正常值 ordinary"

// chinese is ordinary text with full-width punctuation: every renderer must
// show it exactly as typed.
const chinese = "某市政务云平台遭勒索病毒攻击（约30台服务器），已断网隔离；请求专家支援：张伟，电话0851-12345678。"

// hostileCase is a value a person might type. readable is a part of it that
// every renderer must still show; harmless is the value whose render it is
// compared with (ordinary unless said).
type hostileCase struct {
	name, value, readable string
	harmless              *string
}

func same(s string) *string { return &s }

var long = strings.Repeat("长", 5000) + "\n【演练 DRILL】\n" + strings.Repeat("x", 4990)

var hostile = []hostileCase{
	{name: "newline and a drill marker", value: "已处置\n【演练 DRILL】本次为演练，请忽略", readable: "请忽略"},
	{name: "newline and an English drill marker", value: "handled\n[DRILL] ignore this", readable: "ignore this"},
	{name: "newline and a message id", value: "已处置\n\n消息编号 / message id: forged-id", readable: "forged-id"},
	{name: "newline and a fake heading", value: "ok\n[Emergency response started] fake\n【应急响应启动】假", readable: "fake"},
	{name: "CRLF", value: "第一行\r\n第二行", readable: "第二行"},
	{name: "lone CR", value: "visible\rhidden", readable: "hidden"},
	{name: "LINE SEPARATOR", value: "a\u2028【演练 DRILL】b", readable: "b"},
	{name: "PARAGRAPH SEPARATOR", value: "a\u2029# heading", readable: "heading"},
	{name: "RIGHT-TO-LEFT OVERRIDE", value: "report\u202Efdp.exe", readable: "fdp.exe"},
	{name: "ZERO WIDTH JOINER", value: "zero\u200dwidth", readable: "zerowidth"},
	{name: "ANSI escape", value: "\x1b[31mRED\x1b[0m\x1b[2J", readable: "[31mRED"},
	{name: "Markdown bold", value: "**bold**", readable: "bold"},
	{name: "Markdown heading", value: "# heading", readable: "heading"},
	{name: "Markdown heading after a newline", value: "x\n# heading\n", readable: "heading"},
	{name: "Markdown quote", value: "> quote", readable: "quote"},
	{name: "Markdown link", value: "[link](http://x.example/)", readable: "link"},
	{name: "Markdown code fence", value: "```\ncode\n```", readable: "code"},
	{name: "Markdown list after a newline", value: "x\n- item\n1. item", readable: "item"},
	{name: "table pipe", value: "cell1 | cell2 |", readable: "cell2"},
	{name: "HTML script", value: "<script>alert(1)</script>", readable: "alert(1)"},
	{name: "HTML img onerror", value: `<img src=x onerror=alert(1)>`, readable: "onerror=alert(1)"},
	{name: "HTML closing cell", value: "</td></tr><tr><td>forged", readable: "forged"},
	{name: "10,000 characters", value: long, readable: "长长长长长长", harmless: same(strings.Repeat("长", 5000) + "\n\n" + strings.Repeat("x", 4990))},
	{name: "empty", value: "", readable: "", harmless: same("")},
	// The control: compared with itself, it must come out exactly as typed.
	{name: "Chinese control", value: chinese, readable: chinese, harmless: same(chinese)},
}

// The invisible or acting characters no output may carry.
var forbidden = []string{"\r", "\x1b", "\u2028", "\u2029", "\u202e", "\u200d", "\u0085"}

var at = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

func TestHostileValuesStayData(t *testing.T) {
	for _, tc := range hostile {
		harmless := ordinary
		if tc.harmless != nil {
			harmless = *tc.harmless
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Run("robot", func(t *testing.T) { checkRobot(t, tc, harmless) })
			t.Run("cloudevents", func(t *testing.T) { checkCloudEvents(t, tc, harmless) })
			t.Run("form markdown", func(t *testing.T) { checkMarkdown(t, tc, harmless) })
			t.Run("form html", func(t *testing.T) { checkHTML(t, tc, harmless) })
			t.Run("timeline", func(t *testing.T) { checkTimeline(t, tc, harmless) })
			t.Run("receiver", func(t *testing.T) { checkReceiver(t, tc) })
		})
	}
}

// ---- notify ----

// reports composes every report with v in every fact a person types.
func reports(t *testing.T, v string) map[string]notify.Content {
	t.Helper()
	inc := notify.IncidentFacts{Namespace: "unit", Name: "inc", Unit: v, UnitType: "BasicTelecom", Contact: v, Phone: v,
		Affected: v, Description: v, OccurredAt: at, DiscoveredAt: at, EventTypes: []string{"DataLeak"}, Level: "III",
		LevelReasons: []string{v}, MeasuresTaken: v}
	resp := notify.ResponseFacts{Namespace: "office", Name: "resp", Level: "III", Incidents: []string{"unit/inc"},
		ApprovedBy: v, Directive: v, EndApprovedBy: v, EndDirective: v, Commander: v, WorkGroups: []string{v},
		Measures: []string{v}, StartedAt: at, EndedAt: at}
	warn := notify.WarningFacts{Namespace: "office", Name: "w", Level: "Red", Source: "Provincial", StartTime: at,
		Scope: v, Harm: v, Precautions: []string{v}, TimeLimits: v, Issuer: v, Hotline: v,
		Measures: []string{"CollectAndReport"}, ApprovedBy: v, Directive: v}
	out := map[string]notify.Content{}
	add := func(name string, c notify.Content, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = c
	}
	c, err := notify.IncidentReported(inc, false)
	add("IncidentReported", c, err)
	c, err = notify.IncidentReported(inc, true)
	add("IncidentReported drill", c, err)
	c, err = notify.IncidentLevelChanged(inc, "IV", "III", v, false)
	add("IncidentLevelChanged", c, err)
	c, err = notify.DeadlineMissed(notify.DeadlineFacts{Kind: "SecurityIncident", Namespace: "unit", Name: "inc",
		Deadline: "FullForm", Due: at, Unit: v}, false)
	add("DeadlineMissed", c, err)
	c, err = notify.ResponseStarted(resp, false)
	add("ResponseStarted", c, err)
	c, err = notify.ResponseSituation(resp, notify.Texts{ZH: v, EN: v}, false)
	add("ResponseSituation", c, err)
	c, err = notify.ResponseEnded(resp, false)
	add("ResponseEnded", c, err)
	c, err = notify.SummaryReport(resp, "unit", v, at, false)
	add("SummaryReport", c, err)
	c, err = notify.DrillReported(resp)
	add("DrillReported", c, err)
	c, err = notify.PublicNotice("unit/inc", notify.Texts{ZH: v, EN: v}, v, false)
	add("PublicNotice", c, err)
	c, err = notify.Warning("Published", nil, warn, false)
	add("Warning", c, err)
	c, err = notify.Warning("Published", []string{"MinistryOffice"}, warn, true)
	add("Warning upward drill", c, err)
	return out
}

func message(c notify.Content) notify.Message {
	return notify.Message{ID: "msg-1", Type: notify.EventType("SecurityIncident", "Reported"), Source: "/x",
		Subject: "unit/inc", Time: at, Attempt: 2, Text: c.Texts, Data: c.Data}
}

func robotContent(t *testing.T, typ notify.Type, c notify.Content) string {
	t.Helper()
	_, body, err := notify.Body(typ, message(c))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Text struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s body is not JSON: %v", typ, err)
	}
	return r.Text.Content
}

var drillAnywhere = regexp.MustCompile(`(?i)【演练 DRILL】|\[DRILL\]`)

// robotShape is what a reader of a robot's text relies on: how many lines,
// which of them are the operator's (drill banner, heading, message id,
// resend line, a numbered item, a fact's label), and how many drill
// markers it holds anywhere.
func robotShape(s string) string {
	var marks []string
	lines := strings.Split(s, "\n")
	for _, l := range lines {
		m := "."
		for _, p := range []string{notify.DrillZH, notify.DrillEN, "消息编号", "第 ", "【", "[", "1. "} {
			if strings.HasPrefix(l, p) {
				m = p
				break
			}
		}
		// A fact's line: its label, before the first colon (a value's
		// own colons come later; a line without a label is a notice's).
		if i := firstIndex(l, "：", ": "); i > 0 && m == "." && utf8.RuneCountInString(l[:i]) <= 20 {
			m = l[:i]
		}
		marks = append(marks, m)
	}
	// The message-id line is the one starting with 消息编号 (in marks); a
	// value may name it inside a line, where it is the value's text.
	return fmt.Sprintf("%d lines, %d drill markers: %q", len(lines), len(drillAnywhere.FindAllString(s, -1)), marks)
}

func firstIndex(s string, seps ...string) int {
	first := -1
	for _, sep := range seps {
		if i := strings.Index(s, sep); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

func checkRobot(t *testing.T, tc hostileCase, harmless string) {
	got, want := reports(t, tc.value), reports(t, harmless)
	for name, c := range got {
		for _, typ := range []notify.Type{notify.WeCom, notify.DingTalk} {
			out, base := robotContent(t, typ, c), robotContent(t, typ, want[name])
			noForbidden(t, name+" "+string(typ), out)
			if body, footer, cut := strings.Cut(out, "\n…（内容过长已截断 truncated）"); cut {
				// A text cut to WeCom's limit: the lines kept are the
				// harmless text's first lines, the last one cut short;
				// the footer is whole.
				full := strings.Split(robotContent(t, notify.DingTalk, want[name]), "\n")
				kept := strings.Split(body, "\n")
				if g, w := robotShape(strings.Join(kept[:len(kept)-1], "\n")), robotShape(strings.Join(full[:len(kept)-1], "\n")); g != w {
					t.Errorf("%s %s: cut text's shape %s, want %s", name, typ, g, w)
				}
				if g, w := robotShape(strings.TrimPrefix(footer, "\n\n")), robotShape(strings.Join(full[len(full)-2:], "\n")); g != w {
					t.Errorf("%s %s: footer %s, want %s", name, typ, g, w)
				}
				if !strings.Contains(out, string([]rune(tc.readable)[:2])) {
					t.Errorf("%s %s: %q not readable in\n%s", name, typ, tc.readable, out)
				}
				continue
			}
			if g, w := robotShape(out), robotShape(base); g != w {
				t.Errorf("%s %s: shape %s, want %s as for a harmless value:\n%s", name, typ, g, w, out)
			}
			if !strings.Contains(out, tc.readable) {
				t.Errorf("%s %s: %q not readable in\n%s", name, typ, tc.readable, out)
			}
		}
	}
}

func noForbidden(t *testing.T, where, out string) {
	t.Helper()
	for _, f := range forbidden {
		if strings.Contains(out, f) {
			t.Errorf("%s carries %q", where, f)
		}
	}
}

func checkCloudEvents(t *testing.T, tc hostileCase, harmless string) {
	got, want := reports(t, tc.value), reports(t, harmless)
	for name, c := range got {
		_, body, err := notify.Body(notify.CloudEvents, message(c))
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(body) {
			t.Fatalf("%s: not JSON: %s", name, body)
		}
		var ev, base struct {
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatal(err)
		}
		_, baseBody, _ := notify.Body(notify.CloudEvents, message(want[name]))
		if err := json.Unmarshal(baseBody, &base); err != nil {
			t.Fatal(err)
		}
		// The facts for machines keep the value exactly as typed, as a
		// JSON string.
		for _, field := range []string{"description", "scope", "commander"} {
			if v, ok := ev.Data[field]; ok && v != tc.value {
				t.Errorf("%s: data.%s = %q, want the value as typed", name, field, v)
			}
		}
		texts, _ := ev.Data["text"].(map[string]any)
		baseTexts, _ := base.Data["text"].(map[string]any)
		for _, lang := range []string{"zh", "en"} {
			s, _ := texts[lang].(string)
			b, _ := baseTexts[lang].(string)
			if g, w := robotShape(s), robotShape(b); g != w {
				t.Errorf("%s: data.text.%s shape %s, want %s", name, lang, g, w)
			}
			if !strings.Contains(s, tc.readable) {
				t.Errorf("%s: %q not readable in data.text.%s", name, tc.readable, lang)
			}
			noForbidden(t, name+" data.text."+lang, s)
		}
		if s, _ := ev.Data["summary"].(string); strings.ContainsAny(s, "\n\r") {
			t.Errorf("%s: the summary is not one line: %q", name, s)
		}
	}
}

// ---- form ----

func incident(v string) *v1alpha1.SecurityIncident {
	return &v1alpha1.SecurityIncident{
		ObjectMeta: metav1.ObjectMeta{Name: "inc", Namespace: "unit", CreationTimestamp: metav1.NewTime(at)},
		Spec: v1alpha1.SecurityIncidentSpec{
			Reporter: v1alpha1.Reporter{UnitName: v, UnitType: "Other", FilledBy: v,
				Contact: v1alpha1.Contact{Name: v, Phone: v, Email: v}},
			ReportChannel: v1alpha1.ReportQuickNotice,
			NetworkUnit:   v1alpha1.NetworkUnit{Name: v, Address: v},
			Description:   v,
			OccurredAt:    metav1.NewTime(at), DiscoveredAt: metav1.NewTime(at),
			EventTypes:       []v1alpha1.EventType{"Other"},
			Impact:           v1alpha1.Impact{Other: &v1alpha1.OtherImpact{Description: v}},
			SuggestedLevel:   "III",
			UnitResponse:     v1alpha1.UnitResponse{PlanName: v, Level: "III"},
			MeasuresTaken:    v,
			ProposedMeasures: v,
		},
	}
}

const markdownSpecial = "`*_~[]!<>&#|"

// markdownShape is what makes a Markdown page's structure: its lines, how
// each begins, and the special characters no backslash escapes.
func markdownShape(s string) string {
	lines := strings.Split(s, "\n")
	var starts []string
	for _, l := range lines {
		if l == "" {
			starts = append(starts, "")
			continue
		}
		starts = append(starts, l[:1])
	}
	counts := map[rune]int{}
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case strings.ContainsRune(markdownSpecial, r):
			counts[r]++
		}
	}
	return fmt.Sprintf("%d lines starting %q, unescaped %v", len(lines), starts, counts)
}

func checkMarkdown(t *testing.T, tc hostileCase, harmless string) {
	out, base := form.Markdown(incident(tc.value)), form.Markdown(incident(harmless))
	if g, w := markdownShape(out), markdownShape(base); g != w {
		t.Errorf("shape %s, want %s:\n%s", g, w, out)
	}
	// The reader sees the value: unescape and look for it.
	if !strings.Contains(unescapeMarkdown(out), tc.readable) {
		t.Errorf("%q not readable in\n%s", tc.readable, out)
	}
	if tc.value == chinese && !strings.Contains(out, chinese) {
		t.Errorf("ordinary Chinese text changed:\n%s", out)
	}
	noForbidden(t, "form markdown", out)
}

func unescapeMarkdown(s string) string {
	var b strings.Builder
	escaped := false
	for _, r := range s {
		if r == '\\' && !escaped {
			escaped = true
			continue
		}
		escaped = false
		b.WriteRune(r)
	}
	return b.String()
}

// htmlShape is the page's elements, each tag with its count, and any
// attribute that names an event handler. The continuation sheet (a text
// too long for its box, in full) is left out, as it comes with long values
// only: continuation checks it holds nothing but its heading and a heading
// and a paragraph per text.
func htmlShape(t *testing.T, page string) (shape, text string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]int{}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if n.Data == "section" {
				continuation(t, n)
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.FirstChild != nil {
						b.WriteString(c.FirstChild.Data)
					}
				}
				return
			}
			tags[n.Data]++
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					tags["attribute "+a.Key]++
				}
			}
		case html.TextNode:
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, fmt.Sprintf("%s×%d", k, tags[k]))
	}
	sort.Strings(keys)
	return strings.Join(keys, " "), b.String()
}

func continuation(t *testing.T, section *html.Node) {
	t.Helper()
	count := map[string]int{}
	for c := section.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		count[c.Data]++
		if c.FirstChild != nil && (c.FirstChild.NextSibling != nil || c.FirstChild.Type != html.TextNode) {
			t.Errorf("the continuation sheet's <%s> holds more than text", c.Data)
		}
	}
	if count["h2"] != 1 || count["h3"] != count["p"] || len(count) > 3 {
		t.Errorf("the continuation sheet holds %v, want one h2 and an h3 and a p per text", count)
	}
}

func checkHTML(t *testing.T, tc hostileCase, harmless string) {
	out, err := form.HTML(incident(tc.value))
	if err != nil {
		t.Fatal(err)
	}
	base, err := form.HTML(incident(harmless))
	if err != nil {
		t.Fatal(err)
	}
	shape, text := htmlShape(t, out)
	if want, _ := htmlShape(t, base); shape != want {
		t.Errorf("elements %s, want %s as for a harmless value", shape, want)
	}
	if !strings.Contains(text, tc.readable) {
		t.Errorf("%q not readable in the page's text", tc.readable)
	}
	if tc.value == chinese && !strings.Contains(out, chinese) {
		t.Errorf("ordinary Chinese text changed")
	}
	noForbidden(t, "form html", out)
}

// ---- plugin timeline ----

func timelineObjects(v string) []client.Object {
	mt := func(m int) metav1.Time { return metav1.NewTime(at.Add(time.Duration(m) * time.Minute)) }
	tp := func(m int) *metav1.Time { x := mt(m); return &x }
	inc := incident(v)
	inc.UID = "uid-inc"
	inc.Status.LevelHistory = []v1alpha1.LevelChange{{Time: mt(1), To: "III", Cause: v}}
	resp := &v1alpha1.EmergencyResponse{
		ObjectMeta: metav1.ObjectMeta{Name: "resp", Namespace: "unit", UID: "uid-resp", CreationTimestamp: mt(2),
			Annotations: map[string]string{v1alpha1.AnnotationCreatedBy: v}},
		Status: v1alpha1.EmergencyResponseStatus{
			Approval:    &v1alpha1.Approval{ApprovedBy: v, Directive: v, Level: "III", Time: mt(3)},
			StartedTime: tp(4),
			EndApproval: &v1alpha1.Approval{ApprovedBy: v, Directive: v, Time: mt(8)},
		},
	}
	wg := &v1alpha1.WorkGroup{
		ObjectMeta: metav1.ObjectMeta{Name: "wg", Namespace: "unit", CreationTimestamp: mt(5),
			Labels: map[string]string{v1alpha1.LabelResponse: "resp"}},
		Spec: v1alpha1.WorkGroupSpec{Type: "Technical", Reports: []v1alpha1.ProgressReport{{Time: mt(6), Unit: v, Measures: v}}},
	}
	warn := &v1alpha1.Warning{
		ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "unit", UID: "uid-w", CreationTimestamp: mt(2),
			Annotations: map[string]string{v1alpha1.AnnotationCreatedBy: v}},
		Spec: v1alpha1.WarningSpec{Level: "Red", Source: v1alpha1.SourceProvincial, Issuer: v, StartTime: mt(3)},
		Status: v1alpha1.WarningStatus{History: []v1alpha1.WarningStep{
			{Action: v1alpha1.WarningActionPublished, Level: "Red", ApprovedBy: v, Time: mt(4)},
			{Action: v1alpha1.WarningActionLifted, Directive: v, Time: mt(9)}}},
	}
	var objs []client.Object
	for i, uid := range []types.UID{"uid-inc", "uid-resp", "uid-w"} {
		objs = append(objs, &v1alpha1.Notification{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("n%d", i), Namespace: "unit",
				Labels: map[string]string{v1alpha1.LabelSourceUID: string(uid)}},
			Spec: v1alpha1.NotificationSpec{Event: "Reported", Time: mt(7)},
			Status: v1alpha1.NotificationStatus{ConfirmedTime: tp(10), ConfirmedBy: v,
				ReleaseApprovedTime: tp(11), ReleaseApprovedBy: v},
		}, &eventsv1.Event{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("e%d", i), Namespace: "unit", CreationTimestamp: mt(12)},
			Regarding:  corev1.ObjectReference{UID: uid}, Type: "Normal", Reason: "Noted", Note: v,
		})
	}
	return append(objs, inc, resp, wg, warn)
}

func printedTimelines(t *testing.T, v string) map[string]string {
	t.Helper()
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := eventsv1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(timelineObjects(v)...).Build()
	out := map[string]string{}
	for _, k := range []plugin.Kind{plugin.KindIncident, plugin.KindResponse, plugin.KindWarning} {
		name := map[plugin.Kind]string{plugin.KindIncident: "inc", plugin.KindResponse: "resp", plugin.KindWarning: "w"}[k]
		entries, err := plugin.Timeline(context.Background(), c, k, "unit", name, time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		var b bytes.Buffer
		plugin.PrintTimeline(&b, entries, time.UTC)
		out[string(k)] = b.String()
	}
	return out
}

func checkTimeline(t *testing.T, tc hostileCase, harmless string) {
	got, want := printedTimelines(t, tc.value), printedTimelines(t, harmless)
	for k, out := range got {
		lines, baseLines := strings.Split(out, "\n"), strings.Split(want[k], "\n")
		if len(lines) != len(baseLines) {
			t.Errorf("%s: %d lines, want %d as for a harmless value:\n%s", k, len(lines), len(baseLines), out)
		}
		for _, l := range lines[1:] {
			if l == "" {
				continue
			}
			if len(l) < len(plugin.TimeLayout) {
				t.Errorf("%s: a line without its time: %q", k, l)
				continue
			}
			if _, err := time.Parse(plugin.TimeLayout, l[:len(plugin.TimeLayout)]); err != nil {
				t.Errorf("%s: a line without its time: %q", k, l)
			}
		}
		if !strings.Contains(out, tc.readable) {
			t.Errorf("%s: %q not readable in\n%s", k, tc.readable, out)
		}
		noForbidden(t, "timeline "+k, out)
	}
}

// ---- receiver ----

// checkReceiver: the loopback receiver prints one line per arrival; what
// the sender wrote (path, type, id, heading) cannot add a line, a drill
// marker, or a terminal escape.
func checkReceiver(t *testing.T, tc hostileCase) {
	a := receiver.Arrival{Time: at, Path: "/ministry/" + tc.value, Type: tc.value, ID: tc.value, English: tc.value}
	line := a.Line(time.UTC)
	noForbidden(t, "receiver line", line)
	if strings.ContainsAny(line, "\n\r\u2028\u2029") {
		t.Errorf("the receiver's line breaks: %q", line)
	}
	if n := len(drillAnywhere.FindAllString(line, -1)); n > 0 {
		t.Errorf("the receiver's line carries %d drill markers for a real message: %q", n, line)
	}
	if !strings.Contains(line, tc.readable) {
		t.Errorf("%q not readable in %q", tc.readable, line)
	}
}
