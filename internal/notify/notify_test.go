package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/types"
	"github.com/google/go-cmp/cmp"
)

const (
	// secretToken is the credential part of every test address; it must
	// never show up in an error.
	secretToken = "TOPSECRET-123"
	// signingSecret is the DingTalk signing secret used in tests.
	signingSecret = "SEC-shhh-456-signing"
	drillMarker   = "【演练 DRILL】"
)

// fixedMessage is a drill publication of a yellow warning.
func fixedMessage() Message {
	return Message{
		ID:     "w1-published-1",
		Kind:   "Published",
		Source: "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w1",
		Time:   time.Date(2026, 5, 1, 1, 30, 0, 0, time.UTC),
		Drill:  true,
		Warning: WarningFacts{
			Namespace:   "office",
			Name:        "w1",
			Level:       "Yellow",
			Source:      "National",
			StartTime:   time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC),
			Scope:       "Internet-facing VPN gateways",
			Harm:        "Remote code execution",
			Precautions: []string{"Apply the vendor patch", "Restrict management access"},
			TimeLimits:  "Within 24 hours",
			Issuer:      "National CERT",
			Hotline:     "010-12345678",
			Measures:    []string{"CollectAndReport"},
			ApprovedBy:  "alice",
		},
	}
}

// adjustedMessage is a real (non-drill) adjustment from Orange to Red, with
// the start time given in a non-UTC zone and no optional lists.
func adjustedMessage() Message {
	return Message{
		ID:     "w2-adjusted-3",
		Kind:   "Adjusted",
		Source: "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w2",
		Time:   time.Date(2026, 6, 2, 10, 0, 0, 0, time.FixedZone("X", 2*3600)),
		Warning: WarningFacts{
			Namespace:     "office",
			Name:          "w2",
			Level:         "Red",
			PreviousLevel: "Orange",
			Source:        "Provincial",
			StartTime:     time.Date(2026, 6, 1, 23, 45, 0, 0, time.UTC),
			Scope:         "Mail servers",
			Issuer:        "Provincial CERT",
		},
	}
}

const drillText = "【演练 DRILL】【黄色预警 Yellow warning】发布 Published\n" +
	"起始时间 Start：2026-05-01 09:00 (北京时间 UTC+8)\n" +
	"影响范围 Scope：Internet-facing VPN gateways\n" +
	"可能危害 Harm：Remote code execution\n" +
	"防范措施 Precautions：\n" +
	"1. Apply the vendor patch\n" +
	"2. Restrict management access\n" +
	"时限要求 Time limits：Within 24 hours\n" +
	"发布机关 Issuer：National CERT\n" +
	"咨询电话 Hotline：010-12345678"

const adjustedText = "【红色预警 Red warning】调整 Adjusted\n" +
	"原级别 Previous level：橙色预警 Orange warning\n" +
	"起始时间 Start：2026-06-02 07:45 (北京时间 UTC+8)\n" +
	"影响范围 Scope：Mail servers\n" +
	"发布机关 Issuer：Provincial CERT"

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

func TestText(t *testing.T) {
	cases := map[string]struct {
		msg  Message
		want string
	}{
		"drill publication": {msg: fixedMessage(), want: drillText},
		"adjustment":        {msg: adjustedMessage(), want: adjustedText},
		"lifted risk notice drill": {
			msg:  Message{Kind: "Lifted", Drill: true, Warning: WarningFacts{Level: "RiskNotice"}},
			want: "【演练 DRILL】【风险提示 Risk notice】解除 Lifted",
		},
		"reported upward, blank precautions skipped": {
			msg: Message{Kind: "ReportedUpward", Warning: WarningFacts{
				Level: "Blue", Precautions: []string{"", "Check logs", "  "},
			}},
			want: "【蓝色预警 Blue warning】上报 Reported upward\n防范措施 Precautions：\n1. Check logs",
		},
		"orange published": {
			msg:  Message{Kind: "Published", Warning: WarningFacts{Level: "Orange", Hotline: "12321"}},
			want: "【橙色预警 Orange warning】发布 Published\n咨询电话 Hotline：12321",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Text(tc.msg)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Text mismatch (-want +got):\n%s", diff)
			}
			if starts := strings.HasPrefix(got, drillMarker); starts != tc.msg.Drill {
				t.Errorf("starts with drill marker = %v, want %v", starts, tc.msg.Drill)
			}
		})
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

// received is what a test receiver saw.
type received struct {
	mu          sync.Mutex
	contentType string
	query       url.Values
	rawQuery    string
	body        []byte
	count       int
}

func (r *received) record(req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.contentType = req.Header.Get("Content-Type")
	r.query = req.URL.Query()
	r.rawQuery = req.URL.RawQuery
	r.body = b
	r.count++
}

func replyJSON(s string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, s)
	}
}

// slowHandler answers only after the client has gone away, or after 3s at
// most. It reads the body first: the server notices a closed connection, and
// cancels the request context, only once the body has been consumed.
func slowHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(3 * time.Second):
	}
	replyJSON(`{"errcode":0,"errmsg":"ok"}`)(w, r)
}

// closedAddress returns a loopback host:port that nothing listens on.
func closedAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// assertNoSecrets fails if err's text reveals any part of the endpoint.
func assertNoSecrets(t *testing.T, err error, hostPort string) {
	t.Helper()
	msg := err.Error()
	for _, bad := range []string{secretToken, signingSecret, "key=", hostPort} {
		if bad != "" && strings.Contains(msg, bad) {
			t.Errorf("error %q reveals %q", msg, bad)
		}
	}
}

func TestSend(t *testing.T) {
	okReply := replyJSON(`{"errcode":0,"errmsg":"ok"}`)
	cases := map[string]struct {
		typ        Type
		handler    http.HandlerFunc // nil: use a closed port instead of a server
		badAddress string           // if set, used as the address verbatim
		timeout    time.Duration
		cancelled  bool
		// wantErr lists substrings the error must contain; empty means Send
		// must succeed.
		wantErr []string
		check   func(t *testing.T, got *received)
	}{
		"CloudEvents accepted": {
			typ:     CloudEvents,
			handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) },
			check: func(t *testing.T, got *received) {
				if !strings.HasPrefix(got.contentType, "application/cloudevents+json") {
					t.Errorf("Content-Type = %q", got.contentType)
				}
				var ev event.Event
				if err := json.Unmarshal(got.body, &ev); err != nil {
					t.Fatalf("receiver cannot parse CloudEvent: %v", err)
				}
				if ev.ID() != "w1-published-1" {
					t.Errorf("id = %q", ev.ID())
				}
				if ev.Type() != "io.netsec.emergency.warning.published" {
					t.Errorf("type = %q", ev.Type())
				}
			},
		},
		"WeCom accepted": {
			typ:     WeCom,
			handler: okReply,
			check: func(t *testing.T, got *received) {
				if got.contentType != "application/json" {
					t.Errorf("Content-Type = %q", got.contentType)
				}
				if got.query.Get("key") != secretToken {
					t.Errorf("key query parameter = %q, want it passed through", got.query.Get("key"))
				}
				if got.query.Has("sign") || got.query.Has("timestamp") {
					t.Errorf("WeCom request was signed: %q", got.rawQuery)
				}
				if diff := cmp.Diff(normJSON(t, []byte(robotJSON(drillText))), normJSON(t, got.body)); diff != "" {
					t.Errorf("body mismatch (-want +got):\n%s", diff)
				}
			},
		},
		"DingTalk accepted": {
			typ:     DingTalk,
			handler: okReply,
			check: func(t *testing.T, got *received) {
				if !strings.HasPrefix(normJSON(t, got.body).(map[string]any)["text"].(map[string]any)["content"].(string), drillMarker) {
					t.Errorf("DingTalk drill text does not start with the drill marker: %s", got.body)
				}
			},
		},
		"CloudEvents 500": {
			typ: CloudEvents,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "boom "+secretToken, http.StatusInternalServerError)
			},
			wantErr: []string{"500"},
		},
		"WeCom 500": {
			typ:     WeCom,
			handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) },
			wantErr: []string{"500"},
		},
		"WeCom errcode 310000": {
			typ:     WeCom,
			handler: replyJSON(`{"errcode":310000,"errmsg":"message content contains sensitive words"}`),
			wantErr: []string{"errcode 310000", "sensitive words"},
		},
		"DingTalk errcode 310000": {
			typ:     DingTalk,
			handler: replyJSON(`{"errcode":310000,"errmsg":"sign not match"}`),
			wantErr: []string{"errcode 310000", "sign not match"},
		},
		"WeCom errmsg echoing the key is redacted": {
			typ:     WeCom,
			handler: replyJSON(`{"errcode":93000,"errmsg":"invalid webhook url key=` + secretToken + `"}`),
			wantErr: []string{"errcode 93000", "invalid webhook url"},
		},
		"WeCom 200 without JSON": {
			typ:     WeCom,
			handler: func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "<html>ok</html>") },
			wantErr: []string{"not JSON"},
		},
		"DingTalk 200 without errcode": {
			typ:     DingTalk,
			handler: replyJSON(`{"errmsg":"ok"}`),
			wantErr: []string{"errcode"},
		},
		"CloudEvents closed port": {
			typ:     CloudEvents,
			wantErr: []string{"connection refused"},
		},
		"DingTalk closed port": {
			typ:     DingTalk,
			wantErr: []string{"connection refused"},
		},
		"WeCom receiver slower than the client timeout": {
			typ:     WeCom,
			handler: slowHandler,
			timeout: 200 * time.Millisecond,
			wantErr: []string{"timed out"},
		},
		"cancelled context": {
			typ:       CloudEvents,
			handler:   func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) },
			cancelled: true,
			wantErr:   []string{"canceled"},
		},
		"address that is not a URL": {
			typ:        WeCom,
			badAddress: "::not a url?key=" + secretToken,
			wantErr:    []string{"not a valid URL"},
		},
		"address with a non-HTTP scheme": {
			typ:        DingTalk,
			badAddress: "ftp://example.invalid/robot/send?key=" + secretToken,
			wantErr:    []string{"http or https"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := &received{}
			var hostPort string
			switch {
			case tc.badAddress != "":
			case tc.handler == nil:
				hostPort = closedAddress(t)
			default:
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					got.record(r)
					tc.handler(w, r)
				}))
				t.Cleanup(srv.Close)
				hostPort = strings.TrimPrefix(srv.URL, "http://")
			}
			addr := tc.badAddress
			if addr == "" {
				addr = "http://" + hostPort + "/cgi-bin/webhook/send?key=" + secretToken
			}
			ep := Endpoint{Type: tc.typ, Address: addr, SigningSecret: signingSecret}

			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			client := &http.Client{Timeout: timeout}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelled {
				cancel()
			}

			start := time.Now()
			err := Send(ctx, client, ep, fixedMessage(), time.UnixMilli(1767225600123))
			elapsed := time.Since(start)

			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				got.mu.Lock()
				defer got.mu.Unlock()
				if got.count != 1 {
					t.Fatalf("receiver got %d requests, want 1", got.count)
				}
				if tc.check != nil {
					tc.check(t, got)
				}
				return
			}
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			assertNoSecrets(t, err, hostPort)
			if tc.timeout > 0 && elapsed > 2*time.Second {
				t.Errorf("Send took %v despite a %v client timeout", elapsed, tc.timeout)
			}
		})
	}
}

func TestSendTimeoutIsDeadlineExceeded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(slowHandler))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	ep := Endpoint{Type: CloudEvents, Address: srv.URL + "/hook?key=" + secretToken}
	err := Send(ctx, &http.Client{Timeout: 5 * time.Second}, ep, fixedMessage(), time.Now())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded", err)
	}
	assertNoSecrets(t, err, strings.TrimPrefix(srv.URL, "http://"))
	var ue *url.Error
	if errors.As(err, &ue) {
		t.Errorf("error still wraps a *url.Error: %v", ue)
	}
}

func TestSendDingTalkSigning(t *testing.T) {
	now := time.UnixMilli(1767225600123)
	mac := hmac.New(sha256.New, []byte(signingSecret))
	mac.Write([]byte("1767225600123\n" + signingSecret))
	wantSign := base64.StdEncoding.EncodeToString(mac.Sum(nil))

	cases := map[string]struct {
		secret    string
		wantQuery url.Values
	}{
		"signed": {
			secret: signingSecret,
			wantQuery: url.Values{
				"access_token": {secretToken},
				"timestamp":    {"1767225600123"},
				"sign":         {wantSign},
			},
		},
		"no secret, no signature": {
			wantQuery: url.Values{"access_token": {secretToken}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := &received{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got.record(r)
				replyJSON(`{"errcode":0,"errmsg":"ok"}`)(w, r)
			}))
			defer srv.Close()
			ep := Endpoint{Type: DingTalk, Address: srv.URL + "/robot/send?access_token=" + secretToken, SigningSecret: tc.secret}
			if err := Send(context.Background(), &http.Client{Timeout: 5 * time.Second}, ep, fixedMessage(), now); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got.mu.Lock()
			defer got.mu.Unlock()
			if diff := cmp.Diff(tc.wantQuery, got.query); diff != "" {
				t.Errorf("query mismatch (-want +got):\n%s", diff)
			}
			if tc.secret != "" && !strings.Contains(got.rawQuery, "sign="+url.QueryEscape(wantSign)) {
				t.Errorf("raw query %q does not carry the URL-escaped signature", got.rawQuery)
			}
		})
	}
}

func TestSendRetryKeepsID(t *testing.T) {
	var mu sync.Mutex
	var ids []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev event.Event
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &ev); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		ids = append(ids, ev.ID())
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ep := Endpoint{Type: CloudEvents, Address: srv.URL}
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < 2; i++ {
		if err := Send(context.Background(), client, ep, fixedMessage(), time.Now()); err != nil {
			t.Fatalf("Send #%d: %v", i+1, err)
		}
	}
	if diff := cmp.Diff([]string{"w1-published-1", "w1-published-1"}, ids); diff != "" {
		t.Errorf("ids mismatch (-want +got):\n%s", diff)
	}
}

func TestEndpointFormattingHidesSecrets(t *testing.T) {
	ep := Endpoint{
		Type:          DingTalk,
		Address:       "https://oapi.dingtalk.com/robot/send?access_token=" + secretToken,
		SigningSecret: signingSecret,
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, arg := range []any{ep, &ep} {
			out := fmt.Sprintf(verb, arg)
			for _, bad := range []string{secretToken, signingSecret, "dingtalk.com", "access_token"} {
				if strings.Contains(out, bad) {
					t.Errorf("fmt %s of %T = %q reveals %q", verb, arg, out, bad)
				}
			}
		}
	}
}

func TestSendNilClient(t *testing.T) {
	err := Send(context.Background(), nil, Endpoint{Type: WeCom, Address: "http://127.0.0.1/?key=" + secretToken}, fixedMessage(), time.Now())
	if err == nil {
		t.Fatal("Send with a nil client succeeded")
	}
	assertNoSecrets(t, err, "")
}
