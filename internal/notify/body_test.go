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
				"id": "w1-published-1",
				"source": "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w1",
				"type": "io.netsec.emergency.warning.published",
				"subject": "office/w1",
				"datacontenttype": "application/json",
				"time": "2026-05-01T01:30:00Z",
				"drill": true,
				"data": {
					"kind": "Published",
					"drill": true,
					"summary": "【演练 DRILL】【黄色预警 Yellow warning】发布 Published",
					"namespace": "office",
					"name": "w1",
					"level": "Yellow",
					"previousLevel": "",
					"source": "National",
					"startTime": "2026-05-01T01:00:00Z",
					"scope": "Internet-facing VPN gateways",
					"harm": "Remote code execution",
					"precautions": ["Apply the vendor patch", "Restrict management access"],
					"timeLimits": "Within 24 hours",
					"issuer": "National CERT",
					"hotline": "010-12345678",
					"measures": ["CollectAndReport"],
					"approvedBy": "alice"
				}
			}`,
		},
		"CloudEvents adjusted, not a drill": {
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
					"drill": false,
					"summary": "【红色预警 Red warning】调整 Adjusted",
					"namespace": "office",
					"name": "w2",
					"level": "Red",
					"previousLevel": "Orange",
					"source": "Provincial",
					"startTime": "2026-06-01T23:45:00Z",
					"scope": "Mail servers",
					"harm": "",
					"precautions": [],
					"timeLimits": "",
					"issuer": "Provincial CERT",
					"hotline": "",
					"measures": [],
					"approvedBy": ""
				}
			}`,
		},
		"WeCom drill": {
			typ:      WeCom,
			msg:      fixedMessage(),
			wantCT:   "application/json",
			wantJSON: robotJSON(drillText),
		},
		"DingTalk drill": {
			typ:      DingTalk,
			msg:      fixedMessage(),
			wantCT:   "application/json",
			wantJSON: robotJSON(drillText),
		},
		"DingTalk adjusted": {
			typ:      DingTalk,
			msg:      adjustedMessage(),
			wantCT:   "application/json",
			wantJSON: robotJSON(adjustedText),
		},
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

// robotJSON builds the expected WeCom/DingTalk text body by hand.
func robotJSON(content string) string {
	c, _ := json.Marshal(content)
	return `{"msgtype":"text","text":{"content":` + string(c) + `}}`
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
	if got, want := data["summary"], "【演练 DRILL】【黄色预警 Yellow warning】发布 Published"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
}

func TestBodyErrors(t *testing.T) {
	noID := fixedMessage()
	noID.ID = ""
	noKind := fixedMessage()
	noKind.Kind = ""
	cases := map[string]struct {
		typ Type
		msg Message
	}{
		"unknown type":           {typ: "Slack", msg: fixedMessage()},
		"empty kind":             {typ: WeCom, msg: noKind},
		"CloudEvent without id":  {typ: CloudEvents, msg: noID},
		"CloudEvent without src": {typ: CloudEvents, msg: func() Message { m := fixedMessage(); m.Source = ""; return m }()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Body(tc.typ, tc.msg); err == nil {
				t.Fatal("Body succeeded, want an error")
			}
		})
	}
}

func TestWeComTextIsTruncatedToLimit(t *testing.T) {
	m := fixedMessage()
	m.Warning.Precautions = nil
	for i := 0; i < 200; i++ {
		m.Warning.Precautions = append(m.Warning.Precautions, "立即排查并修补受影响的系统")
	}
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
	if !strings.HasPrefix(c, drillMarker+"【黄色预警 Yellow warning】") {
		t.Errorf("truncated content lost its first line: %q", c[:60])
	}
	// DingTalk gets the full text.
	_, dbody, err := Body(DingTalk, m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(normJSON(t, []byte(robotJSON(Text(m)))), normJSON(t, dbody)); diff != "" {
		t.Errorf("DingTalk body mismatch (-want +got):\n%s", diff)
	}
}
