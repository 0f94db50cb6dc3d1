package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/google/go-cmp/cmp"
)

// normJSON decodes JSON into a generic value so that two documents can be
// compared regardless of key order and whitespace.
func normJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON %q: %v", b, err)
	}
	return v
}

// drillRobotText is what a robot group sees of fixedMessage.
var drillRobotText = drillZHText + "\n\n" + drillENText + "\n\n消息编号 / message id: w1-published"

// adjustedRobotText is what a robot group sees of adjustedMessage: its
// second attempt says it is a resend.
var adjustedRobotText = adjustedZHText + "\n\n" + adjustedENText + "\n\n消息编号 / message id: w2-adjusted-3\n" +
	"第 2 次发送：同一编号的消息是同一条 / attempt 2: a resend of the same message"

func TestBody(t *testing.T) {
	cases := map[string]struct {
		typ      Type
		msg      Message
		wantCT   string
		wantJSON string
	}{
		"CloudEvents drill": {
			typ:    CloudEvents,
			msg:    fixedMessage(),
			wantCT: "application/cloudevents+json; charset=utf-8",
			wantJSON: `{
				"specversion": "1.0",
				"id": "w1-published",
				"source": "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w1",
				"type": "io.netsec.emergency.warning.published",
				"subject": "office/w1",
				"datacontenttype": "application/json",
				"time": "2026-05-01T01:30:00Z",
				"drill": true,
				"data": {
					"kind": "Published",
					"step": "Published",
					"drill": true,
					"summary": "【演练 DRILL】【黄色预警】发布 / [DRILL] [Yellow warning] Published",
					"namespace": "office",
					"name": "w1",
					"level": "Yellow",
					"previousLevel": "",
					"source": "Provincial",
					"startTime": "2026-05-01T01:00:00Z",
					"scope": "Internet-facing VPN gateways",
					"harm": "Remote code execution",
					"precautions": ["Apply the vendor patch", "Restrict management access"],
					"timeLimits": "Within 24 hours",
					"issuer": "Provincial CERT",
					"hotline": "010-12345678",
					"measures": ["CollectAndReport"],
					"approvedBy": "alice",
					"directive": "",
					"reportedTo": [],
					"text": {"zh": ` + quote(drillZHText) + `, "en": ` + quote(drillENText) + `}
				}
			}`,
		},
		"CloudEvents adjusted, not a drill, id kept on the second attempt": {
			typ:    CloudEvents,
			msg:    adjustedMessage(),
			wantCT: "application/cloudevents+json; charset=utf-8",
			wantJSON: `{
				"specversion": "1.0",
				"id": "w2-adjusted-3",
				"source": "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w2",
				"type": "io.netsec.emergency.warning.adjusted",
				"subject": "office/w2",
				"datacontenttype": "application/json",
				"time": "2026-06-02T08:00:00Z",
				"data": {
					"kind": "Adjusted",
					"step": "Adjusted",
					"drill": false,
					"summary": "【红色预警】调整 / [Red warning] Adjusted",
					"namespace": "office",
					"name": "w2",
					"level": "Red",
					"previousLevel": "Orange",
					"source": "National",
					"startTime": "2026-06-01T23:45:00Z",
					"scope": "Mail servers",
					"harm": "",
					"precautions": [],
					"timeLimits": "",
					"issuer": "National CERT",
					"hotline": "",
					"measures": [],
					"approvedBy": "",
					"directive": "",
					"reportedTo": [],
					"text": {"zh": ` + quote(adjustedZHText) + `, "en": ` + quote(adjustedENText) + `}
				}
			}`,
		},
		"CloudEvents without data carries the texts": {
			typ:    CloudEvents,
			msg:    Message{ID: "i-reported", Type: "io.netsec.emergency.incident.reported", Source: "/x", Text: Texts{ZH: "中", EN: "en"}},
			wantCT: "application/cloudevents+json; charset=utf-8",
			wantJSON: `{"specversion": "1.0", "id": "i-reported", "source": "/x", "type": "io.netsec.emergency.incident.reported",
				"datacontenttype": "application/json", "data": {"zh": "中", "en": "en"}}`,
		},
		"WeCom drill":     {typ: WeCom, msg: fixedMessage(), wantCT: "application/json", wantJSON: robotJSON(drillRobotText)},
		"DingTalk drill":  {typ: DingTalk, msg: fixedMessage(), wantCT: "application/json", wantJSON: robotJSON(drillRobotText)},
		"DingTalk resend": {typ: DingTalk, msg: adjustedMessage(), wantCT: "application/json", wantJSON: robotJSON(adjustedRobotText)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ct, body, err := Body(tc.typ, tc.msg)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			if ct != tc.wantCT {
				t.Errorf("content type = %q, want %q", ct, tc.wantCT)
			}
			if diff := cmp.Diff(normJSON(t, []byte(tc.wantJSON)), normJSON(t, body)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
			// Deterministic: a second call gives the very same bytes.
			_, again, err := Body(tc.typ, tc.msg)
			if err != nil {
				t.Fatalf("second Body: %v", err)
			}
			if diff := cmp.Diff(string(body), string(again)); diff != "" {
				t.Errorf("Body is not deterministic (-first +second):\n%s", diff)
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// robotJSON builds the expected WeCom/DingTalk text body by hand.
func robotJSON(content string) string {
	return `{"msgtype":"text","text":{"content":` + quote(content) + `}}`
}

func TestBodyCloudEventParsesWithSDK(t *testing.T) {
	_, body, err := Body(CloudEvents, fixedMessage())
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatalf("SDK cannot parse body: %v", err)
	}
	if err := ev.Validate(); err != nil {
		t.Fatalf("parsed event is invalid: %v", err)
	}
	drill, err := types.ToBool(ev.Extensions()["drill"])
	if err != nil || !drill {
		t.Errorf("drill extension = %v (err %v), want true", drill, err)
	}
	var data map[string]any
	if err := ev.DataAs(&data); err != nil {
		t.Fatalf("DataAs: %v", err)
	}
	if got, want := data["summary"], "【演练 DRILL】【黄色预警】发布 / [DRILL] [Yellow warning] Published"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
}

func TestBodyErrors(t *testing.T) {
	edit := func(f func(*Message)) Message {
		m := fixedMessage()
		f(&m)
		return m
	}
	cases := map[string]struct {
		typ Type
		msg Message
	}{
		"unknown type":           {typ: "Slack", msg: fixedMessage()},
		"robot without id":       {typ: WeCom, msg: edit(func(m *Message) { m.ID = "" })},
		"CloudEvent without id":  {typ: CloudEvents, msg: edit(func(m *Message) { m.ID = "" })},
		"without type":           {typ: CloudEvents, msg: edit(func(m *Message) { m.Type = "" })},
		"CloudEvent without src": {typ: CloudEvents, msg: edit(func(m *Message) { m.Source = "" })},
		"data that is not JSON":  {typ: CloudEvents, msg: edit(func(m *Message) { m.Data = []byte("{") })},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Body(tc.typ, tc.msg); err == nil {
				t.Fatal("Body succeeded, want an error")
			}
		})
	}
}

func TestWeComTextIsTruncatedToLimitKeepingTheID(t *testing.T) {
	f := yellowFacts()
	for i := 0; i < 200; i++ {
		f.Precautions = append(f.Precautions, "立即排查并修补受影响的系统")
	}
	r, err := Warning("Published", nil, f, true)
	if err != nil {
		t.Fatal(err)
	}
	m := fixedMessage()
	m.Text, m.Attempt = r.Texts, 3
	_, body, err := Body(WeCom, m)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Text struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	c := got.Text.Content
	if len(c) > 2048 {
		t.Errorf("content is %d bytes, want at most 2048", len(c))
	}
	if !utf8.ValidString(c) {
		t.Error("truncated content is not valid UTF-8")
	}
	if !strings.HasPrefix(c, drillMarker+"【黄色预警】发布") {
		t.Errorf("truncated content lost its first line: %q", c[:60])
	}
	for _, want := range []string{"（内容过长已截断 truncated）", "消息编号 / message id: w1-published", "第 3 次发送"} {
		if !strings.Contains(c, want) {
			t.Errorf("truncated content lacks %q", want)
		}
	}
	// DingTalk gets the full text.
	_, dbody, err := Body(DingTalk, m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(normJSON(t, []byte(robotJSON(RobotText(m)))), normJSON(t, dbody)); diff != "" {
		t.Errorf("DingTalk body mismatch (-want +got):\n%s", diff)
	}
}
