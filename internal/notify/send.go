package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/netsec-io/incident-operator/internal/text"
)

// maxReplyBytes bounds how much of a receiver's reply is read.
const maxReplyBytes = 64 << 10

// Send posts m to e with client c and returns nil only when the receiver
// accepted it: any 2xx status for CloudEvents; for WeCom and DingTalk a 2xx
// status and a JSON reply whose "errcode" is 0.
//
// The caller sets c's timeout; ctx may cancel the request earlier. For a
// DingTalk endpoint with a SigningSecret, the query parameters "timestamp"
// (now in Unix milliseconds) and "sign" (base64 of HMAC-SHA256 over
// timestamp+"\n"+secret, keyed with the secret) are appended to the address.
//
// Returned errors never contain the endpoint address, its query string or the
// signing secret: transport errors are reduced to their cause (for example
// "connection refused" or a timeout), and rejections to the HTTP status or the
// receiver's errcode and errmsg.
func Send(ctx context.Context, c *http.Client, e Endpoint, m Message, now time.Time) error {
	if c == nil {
		return &sendError{msg: "notify: nil HTTP client"}
	}
	what := "notify: send to " + string(e.Type) + " endpoint"
	fail := func(cause error, format string, args ...any) error {
		msg := what + ": " + fmt.Sprintf(format, args...)
		return &sendError{msg: redact(msg, e), cause: cause}
	}

	contentType, body, err := Body(e.Type, m)
	if err != nil {
		return err
	}

	target, err := targetURL(e, now)
	if err != nil {
		return fail(nil, "%s", err.Error())
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fail(nil, "cannot build request")
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")

	resp, err := c.Do(req)
	if err != nil {
		cause := transportCause(err)
		return fail(cause, "%s", describeTransportError(cause))
	}
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxReplyBytes))
		_ = resp.Body.Close()
	}()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail(nil, "receiver answered HTTP %d", resp.StatusCode)
	}
	if e.Type == CloudEvents {
		return nil
	}

	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
	if err != nil {
		cause := transportCause(err)
		return fail(cause, "reading reply: %s", describeTransportError(cause))
	}
	var reply struct {
		ErrCode *int64 `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		return fail(nil, "receiver answered HTTP %d with a reply that is not JSON", resp.StatusCode)
	}
	if reply.ErrCode == nil {
		return fail(nil, "receiver answered HTTP %d without an errcode", resp.StatusCode)
	}
	if *reply.ErrCode != 0 {
		// Redact before cutting: a secret cut in two would no longer match.
		errmsg := text.Truncate(redact(reply.ErrMsg, e), 200)
		return fail(nil, "receiver rejected the message: errcode %d, errmsg %q", *reply.ErrCode, errmsg)
	}
	return nil
}

// CheckAddress says whether an endpoint address can be posted to: an http
// or https URL with a host. Its errors never quote the address.
func CheckAddress(address string) error {
	_, err := parseAddress(address)
	return err
}

func parseAddress(address string) (*url.URL, error) {
	if strings.TrimSpace(address) == "" {
		return nil, errors.New("endpoint has no address")
	}
	u, err := url.Parse(address)
	if err != nil {
		return nil, errors.New("endpoint address is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("endpoint address must be an http or https URL")
	}
	if u.Host == "" {
		return nil, errors.New("endpoint address has no host")
	}
	return u, nil
}

// targetURL checks the endpoint address and, for a signed DingTalk robot,
// appends the timestamp and signature. Its errors never quote the address.
func targetURL(e Endpoint, now time.Time) (string, error) {
	u, err := parseAddress(e.Address)
	if err != nil {
		return "", err
	}
	if e.Type != DingTalk || e.SigningSecret == "" {
		return e.Address, nil
	}
	ts, sign := dingTalkSign(e.SigningSecret, now)
	extra := "timestamp=" + ts + "&sign=" + url.QueryEscape(sign)
	if u.RawQuery == "" {
		u.RawQuery = extra
	} else {
		u.RawQuery += "&" + extra
	}
	return u.String(), nil
}

// dingTalkSign returns the timestamp (Unix milliseconds) and the unescaped
// base64 signature that a DingTalk robot with signing enabled expects.
func dingTalkSign(secret string, now time.Time) (timestamp, sign string) {
	timestamp = strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return timestamp, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Origin is where an endpoint's messages go, as a delivery records it:
// the scheme, host and port of its address, never the user, path or query
// (a WeCom key or a DingTalk token lives there). Empty when the address is
// not one Send would use.
func (e Endpoint) Origin() string {
	u, err := parseAddress(e.Address)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
