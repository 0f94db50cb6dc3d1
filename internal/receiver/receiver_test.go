package receiver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netsec-io/incident-operator/internal/notify"
)

func message(drill bool, attempt int32) notify.Message {
	en := "Yellow warning published: provincial-yellow-cms\nScope: websites"
	zh := "黄色预警发布\n范围：网站"
	if drill {
		en, zh = notify.DrillEN+en, notify.DrillZH+zh
	}
	return notify.Message{
		ID: "7b82a86e-uid-published", Type: "io.netsec.emergency.warning.published",
		Source: "/apis/emergency.netsec.io/v1alpha1/namespaces/default/warnings/w", Time: time.Unix(0, 0),
		Drill: drill, Attempt: attempt, Text: notify.Texts{ZH: zh, EN: en},
		Data: []byte(`{"text":{"zh":"` + strings.ReplaceAll(zh, "\n", `\n`) + `","en":"` + strings.ReplaceAll(en, "\n", `\n`) + `"}}`),
	}
}

func TestParse(t *testing.T) {
	cases := map[string]struct {
		typ  notify.Type
		m    notify.Message
		want Arrival
	}{
		"a CloudEvent": {notify.CloudEvents, message(false, 1), Arrival{Path: "/p", Format: "cloudevents",
			Type: "io.netsec.emergency.warning.published", ID: "7b82a86e-uid-published", English: "Yellow warning published: provincial-yellow-cms"}},
		"a drill's CloudEvent": {notify.CloudEvents, message(true, 1), Arrival{Path: "/p", Format: "cloudevents", Drill: true,
			Type: "io.netsec.emergency.warning.published", ID: "7b82a86e-uid-published", English: "[DRILL] Yellow warning published: provincial-yellow-cms"}},
		"a WeCom text": {notify.WeCom, message(false, 1), Arrival{Path: "/p", Format: "robot", Attempt: 1,
			ID: "7b82a86e-uid-published", English: "Yellow warning published: provincial-yellow-cms"}},
		"a DingTalk drill text, sent again": {notify.DingTalk, message(true, 2), Arrival{Path: "/p", Format: "robot", Attempt: 2, Drill: true,
			ID: "7b82a86e-uid-published", English: "[DRILL] Yellow warning published: provincial-yellow-cms"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ct, body, err := notify.Body(tc.typ, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse("/p", ct, body)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("-want +got:\n%s", d)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	var out strings.Builder
	at := time.Date(2026, 11, 26, 0, 43, 9, 0, time.UTC)
	h := Handler(&out, func() time.Time { return at }, time.FixedZone("CST", 8*3600))
	ct, body, err := notify.Body(notify.WeCom, message(true, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ct, body, reply string
		code            int
	}{
		{ct, string(body), `{"errcode":0,"errmsg":"ok"}`, http.StatusOK},
		{"text/plain", "hello", `{"errcode":40000,"errmsg":"not a message"}`, http.StatusBadRequest},
	} {
		req := httptest.NewRequest(http.MethodPost, "/wecom/default/wecom-duty-group", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ct)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.code || rec.Body.String() != tc.reply {
			t.Errorf("%s: got %d %s, want %d %s", tc.ct, rec.Code, rec.Body, tc.code, tc.reply)
		}
	}
	want := "2026-11-26 08:43:09.000 +08:00  /wecom/default/wecom-duty-group  robot  7b82a86e-uid-published  DRILL  [DRILL] Yellow warning published: provincial-yellow-cms\n" +
		"2026-11-26 08:43:09.000 +08:00  /wecom/default/wecom-duty-group  refused: content type \"text/plain\" is neither a CloudEvent nor a robot message\n"
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("-want +got:\n%s", d)
	}
}
