package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const drillZHText = "【演练 DRILL】【黄色预警】发布\n" +
	"起始时间：2026-05-01 09:00（北京时间）\n" +
	"影响范围：Internet-facing VPN gateways\n" +
	"可能危害：Remote code execution\n" +
	"防范措施：\n" +
	"1. Apply the vendor patch\n" +
	"2. Restrict management access\n" +
	"时限要求：Within 24 hours\n" +
	"发布机关：Provincial CERT\n" +
	"咨询电话：010-12345678\n" +
	"响应措施：\n" +
	"1. 及时收集、报告有关信息，加强风险监测\n" +
	"批准：alice"

const drillENText = "[DRILL] [Yellow warning] Published\n" +
	"Start: 2026-05-01 09:00 (UTC+8)\n" +
	"Scope: Internet-facing VPN gateways\n" +
	"Harm: Remote code execution\n" +
	"Precautions:\n" +
	"1. Apply the vendor patch\n" +
	"2. Restrict management access\n" +
	"Time limits: Within 24 hours\n" +
	"Issuer: Provincial CERT\n" +
	"Hotline: 010-12345678\n" +
	"Measures:\n" +
	"1. collect and report information; watch the risk closely\n" +
	"Approved by: alice"

const adjustedZHText = "【红色预警】调整\n" +
	"原级别：橙色预警\n" +
	"起始时间：2026-06-02 07:45（北京时间）\n" +
	"影响范围：Mail servers\n" +
	"发布机关：National CERT"

const adjustedENText = "[Red warning] Adjusted\n" +
	"Previous level: Orange warning\n" +
	"Start: 2026-06-02 07:45 (UTC+8)\n" +
	"Scope: Mail servers\n" +
	"Issuer: National CERT"

func TestWarningTexts(t *testing.T) {
	cases := map[string]struct {
		step   string
		upward []string
		facts  WarningFacts
		drill  bool
		want   Texts
		kind   string
	}{
		"drill publication": {step: "Published", facts: yellowFacts(), drill: true, kind: "Published",
			want: Texts{ZH: drillZHText, EN: drillENText}},
		"yellow publication reported upward": {step: "Published", upward: []string{"MinistryOffice", "EmergencyManagement"}, kind: "ReportedUpward",
			facts: WarningFacts{Level: "Yellow", Hotline: "12321", ApprovedBy: "li"},
			want: Texts{
				ZH: "【黄色预警】发布，报部应急办、省应急管理相关部门\n咨询电话：12321\n批准：li",
				EN: "[Yellow warning] Published, reported to the ministry's emergency office and the provincial emergency-management department\nHotline: 12321\nApproved by: li",
			}},
		"red relayed, the leading group told": {step: "Published", upward: []string{"LeadingGroup"}, kind: "ReportedUpward",
			facts: WarningFacts{Level: "Red", Precautions: []string{"", "Check logs", "  "}},
			want: Texts{
				ZH: "【红色预警】转发，报局网安领导小组\n防范措施：\n1. Check logs",
				EN: "[Red warning] Relayed, reported to the provincial leading group\nPrecautions:\n1. Check logs",
			}},
		"lifted risk notice, drill: its measures end": {step: "Lifted", facts: WarningFacts{Level: "RiskNotice", Measures: []string{"PublishPrecautionsAndHotline"}}, drill: true, kind: "Lifted",
			want: Texts{ZH: "【演练 DRILL】【风险提示】解除\n响应措施：已随预警解除", EN: "[DRILL] [Risk notice] Lifted\nMeasures: end with the warning"}},
		"lifted by directive": {step: "Lifted", facts: WarningFacts{Level: "Orange", Directive: "MIIT-1"}, kind: "Lifted",
			want: Texts{ZH: "【橙色预警】解除\n响应措施：已随预警解除\n部应急办通知：MIIT-1", EN: "[Orange warning] Lifted\nMeasures: end with the warning\nMinistry directive: MIIT-1"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, err := Warning(tc.step, tc.upward, tc.facts, tc.drill)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, r.Texts); diff != "" {
				t.Errorf("texts (-want +got):\n%s", diff)
			}
			var data map[string]any
			if err := json.Unmarshal(r.Data, &data); err != nil {
				t.Fatal(err)
			}
			if data["kind"] != tc.kind || data["step"] != tc.step || data["drill"] != tc.drill {
				t.Errorf("data kind %v step %v drill %v, want %s %s %v", data["kind"], data["step"], data["drill"], tc.kind, tc.step, tc.drill)
			}
		})
	}
}

func TestIncidentAndResponseReports(t *testing.T) {
	inc := IncidentFacts{
		Namespace: "unit-a", Name: "leak", Unit: "Guizhou Telecom", Contact: "Wang", Phone: "0851-1",
		Description: "User records exposed", Level: "III", LevelReasons: []string{"1,000,000 or more user records leaked"},
		EventTypes: []string{"DataLeak"}, DiscoveredAt: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC), QuickNotice: true,
	}
	resp := ResponseFacts{Namespace: "office", Name: "r1", Level: "III", Incidents: []string{"unit-a/leak"}, ApprovedBy: "li",
		StartedAt: time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC), EndedAt: time.Date(2026, 3, 4, 3, 0, 0, 0, time.UTC),
		EndApprovedBy: "li", SupersededBy: "r2", WorkGroups: []string{"r1-recovery"}}
	build := func(f func(drill bool) (Content, error)) func(bool) Content {
		return func(drill bool) Content {
			r, err := f(drill)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	cases := map[string]struct {
		report func(drill bool) Content
		zh, en []string
	}{
		"incident reported": {report: build(func(d bool) (Content, error) { return IncidentReported(inc, d) }),
			zh: []string{"【网络安全突发事件报告】Guizhou Telecom", "事件级别：较大（III级）", "事件类型：互联网用户信息泄露", "发现时间：2026-03-02 10:00（北京时间）", "报送表应在事发当日补报", "联系人：Wang 0851-1"},
			en: []string{"[Cybersecurity incident report] Guizhou Telecom", "Level: large (level III)", "Criteria:\n1. 1,000,000 or more user records leaked"}},
		"level changed": {report: build(func(d bool) (Content, error) { return IncidentLevelChanged(inc, "IV", "III", "more records", d) }),
			zh: []string{"【事件级别变化】unit-a/leak：一般（IV级） → 较大（III级）", "原因：more records"},
			en: []string{"[Incident level changed] unit-a/leak: general (level IV) → large (level III)"}},
		"deadline missed": {report: build(func(d bool) (Content, error) {
			return DeadlineMissed(DeadlineFacts{Kind: "SecurityIncident", Namespace: "unit-a", Name: "leak", Deadline: "FullForm", Due: time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)}, d)
		}),
			zh: []string{"【报送超时】unit-a/leak：报送表补报（事发当日）未按时完成", "截止时间：2026-03-03 00:00（北京时间）"},
			en: []string{"the full report form (due the same day) was not done in time"}},
		"response started": {report: build(func(d bool) (Content, error) { return ResponseStarted(resp, d) }),
			zh: []string{"【应急响应启动】较大（III级）事件应急响应已启动", "批准启动：li", "工作组：\n1. r1-recovery"},
			en: []string{"[Emergency response started] large (level III) response started", "Incidents:\n1. unit-a/leak"}},
		"response escalated": {report: build(func(d bool) (Content, error) { return ResponseEscalated(resp, "II", d) }),
			zh: []string{"【应急响应升级】office/r1：事件升至重大（II级）", "接替响应：r2"}, en: []string{"an incident rose to major (level II)", "Taken over by: r2"}},
		"response ended": {report: build(func(d bool) (Content, error) { return ResponseEnded(resp, d) }),
			zh: []string{"【应急响应结束】", "批准结束：li"}, en: []string{"[Emergency response ended]", "End approved by: li"}},
		"office summary": {report: build(func(d bool) (Content, error) {
			return SummaryReport(resp, "office", "GZCA-2026-7", resp.EndedAt, d)
		}),
			zh: []string{"局网安应急办总结报告已提交", "报告：GZCA-2026-7"}, en: []string{"the office's summary report handed in"}},
		"situation": {report: build(func(d bool) (Content, error) {
			return ResponseSituation(resp, Texts{ZH: "全省 3 个地市受影响", EN: "3 cities affected"}, d)
		}),
			zh: []string{"【事态报告】", "情况：全省 3 个地市受影响"}, en: []string{"Situation: 3 cities affected"}},
		"public notice": {report: build(func(d bool) (Content, error) {
			return PublicNotice("office/r1", Texts{ZH: "请用户修改密码", EN: "Please change your password"}, "12321", d)
		}),
			zh: []string{"【网络安全突发事件通告】\n通告：请用户修改密码", "咨询电话：12321"}, en: []string{"Please change your password"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, drill := range []bool{false, true} {
				r := tc.report(drill)
				for _, w := range tc.zh {
					if !strings.Contains(r.ZH, w) {
						t.Errorf("zh lacks %q:\n%s", w, r.ZH)
					}
				}
				for _, w := range tc.en {
					if !strings.Contains(r.EN, w) {
						t.Errorf("en lacks %q:\n%s", w, r.EN)
					}
				}
				if strings.HasPrefix(r.ZH, DrillZH) != drill || strings.HasPrefix(r.EN, DrillEN) != drill {
					t.Errorf("drill %v, but the texts start %q / %q", drill, firstLine(r.ZH), firstLine(r.EN))
				}
				var data map[string]any
				if err := json.Unmarshal(r.Data, &data); err != nil {
					t.Fatal(err)
				}
				if data["drill"] != drill || data["summary"] != summary(r.Texts) {
					t.Errorf("data drill %v summary %v", data["drill"], data["summary"])
				}
			}
		})
	}
	dr, err := DrillReported(resp)
	if err != nil || !strings.HasPrefix(dr.ZH, DrillZH+"【演练情况报告】") {
		t.Errorf("a drill report is a drill's: %q, %v", firstLine(dr.ZH), err)
	}
}

func TestEventType(t *testing.T) {
	cases := map[[2]string]string{
		{"Warning", "WarningPublished"}:                "io.netsec.emergency.warning.published",
		{"Warning", "WarningReportedUpward"}:           "io.netsec.emergency.warning.reportedupward",
		{"SecurityIncident", "IncidentLevelChanged"}:   "io.netsec.emergency.incident.levelchanged",
		{"SecurityIncident", "DeadlineMissed"}:         "io.netsec.emergency.incident.deadlinemissed",
		{"EmergencyResponse", "SummaryReportReceived"}: "io.netsec.emergency.response.summaryreportreceived",
		{"EmergencyResponse", "ResponseStarted"}:       "io.netsec.emergency.response.started",
	}
	for in, want := range cases {
		if got := EventType(in[0], in[1]); got != want {
			t.Errorf("EventType(%s, %s) = %q, want %q", in[0], in[1], got, want)
		}
	}
}
