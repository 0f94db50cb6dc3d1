package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/google/go-cmp/cmp"
)

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
				if ev.ID() != "w1-published" {
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
				if diff := cmp.Diff(normJSON(t, []byte(robotJSON(drillRobotText))), normJSON(t, got.body)); diff != "" {
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
	if diff := cmp.Diff([]string{"w1-published", "w1-published"}, ids); diff != "" {
		t.Errorf("ids mismatch (-want +got):\n%s", diff)
	}
}

func TestSendNilClient(t *testing.T) {
	err := Send(context.Background(), nil, Endpoint{Type: WeCom, Address: "http://127.0.0.1/?key=" + secretToken}, fixedMessage(), time.Now())
	if err == nil {
		t.Fatal("Send with a nil client succeeded")
	}
	assertNoSecrets(t, err, "")
}

func TestOrigin(t *testing.T) {
	cases := map[string]string{
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY":       "https://qyapi.weixin.qq.com",
		"https://oapi.dingtalk.com/robot/send?access_token=SECRETTOKEN":        "https://oapi.dingtalk.com",
		"http://127.0.0.1:33501/cloudevents/default/ministry-office":           "http://127.0.0.1:33501",
		"https://user:password@relay.example.cn:8443/events?token=SECRETTOKEN": "https://relay.example.cn:8443",
		"ftp://files.example.cn/x":                                             "",
		"":                                                                     "",
	}
	for address, want := range cases {
		got := Endpoint{Type: CloudEvents, Address: address}.Origin()
		if got != want {
			t.Errorf("Origin of %q = %q, want %q", address, got, want)
		}
		if strings.Contains(got, "SECRET") || strings.Contains(got, "password") {
			t.Errorf("Origin of %q leaks the key: %q", address, got)
		}
	}
}
