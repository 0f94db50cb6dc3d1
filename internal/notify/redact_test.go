package notify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A receiver's errmsg is cut to 200 bytes. A key that straddles the cut must
// not show either: redaction runs on the whole errmsg, before the cut.
func TestSendRedactsErrmsgBeforeCutting(t *testing.T) {
	for pad := 180; pad <= 200; pad++ {
		errmsg := strings.Repeat("x", pad) + " key=" + secretToken + " is invalid"
		srv := httptest.NewServer(replyJSON(`{"errcode":93000,"errmsg":"` + errmsg + `"}`))
		ep := Endpoint{Type: WeCom, Address: srv.URL + "/cgi-bin/webhook/send?key=" + secretToken}
		err := Send(context.Background(), &http.Client{Timeout: 5 * time.Second}, ep, fixedMessage(), time.Now())
		srv.Close()
		if err == nil {
			t.Fatalf("pad %d: Send succeeded, want a rejection", pad)
		}
		if strings.Contains(err.Error(), secretToken[:4]) {
			t.Errorf("pad %d: error %q shows part of the key", pad, err)
		}
	}
}
