// Package notify turns a warning event into a message for a notification
// endpoint and delivers it over HTTP.
//
// It knows three kinds of endpoint: a generic webhook that receives
// CloudEvents 1.0 in structured JSON mode, a WeCom (企业微信) group robot, and a
// DingTalk (钉钉) group robot. The package is pure: it has no Kubernetes
// dependency, keeps no state, and takes the clock and the HTTP client from its
// caller.
//
// Endpoint addresses and signing secrets are credentials. Nothing this package
// returns — errors or String output — contains them.
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
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudevents/sdk-go/v2/event"
)

// Type names the kind of notification endpoint, which decides both the body
// format and how the receiver's answer is judged.
type Type string

const (
	// CloudEvents is a generic webhook that receives CloudEvents 1.0 in
	// structured JSON mode.
	CloudEvents Type = "CloudEvents"
	// WeCom is a WeCom (企业微信) group robot webhook.
	WeCom Type = "WeCom"
	// DingTalk is a DingTalk (钉钉) group robot webhook.
	DingTalk Type = "DingTalk"
)

// EventTypePrefix is prepended to the lower-cased Message.Kind to form the
// CloudEvents "type" attribute, e.g. "io.netsec.emergency.warning.published".
const EventTypePrefix = "io.netsec.emergency.warning."

// Content types of the bodies built by Body.
const (
	contentTypeCloudEvents = "application/cloudevents+json; charset=utf-8"
	contentTypeJSON        = "application/json"
)

// weComTextLimit is the largest text content, in bytes, that a WeCom group
// robot accepts in a text message.
const weComTextLimit = 2048

// maxReplyBytes bounds how much of a receiver's reply is read.
const maxReplyBytes = 64 << 10

// shanghai is the zone used for human-readable times. China has kept UTC+8
// without daylight saving since 1991, so a fixed zone gives the same result as
// the tz database for every date this operator handles, and does not depend on
// the zoneinfo files being installed.
var shanghai = time.FixedZone("CST", 8*60*60)

// Endpoint is where a message goes.
//
// Address is the full webhook URL, e.g.
// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...; SigningSecret is
// the secret of a DingTalk robot that has signing enabled (empty otherwise).
// Both are secrets: this package never puts them into an error or into the
// output of String or GoString.
type Endpoint struct {
	// Type selects the body format and reply handling.
	Type Type
	// Address is the full webhook URL, query string included.
	Address string
	// SigningSecret is the DingTalk robot's signing secret, if signing is on.
	SigningSecret string
}

// String describes the endpoint without revealing its address or secret, so
// that an Endpoint can be logged safely.
func (e Endpoint) String() string {
	s := string(e.Type) + " endpoint (address redacted"
	if e.SigningSecret != "" {
		s += ", signed"
	}
	return s + ")"
}

// GoString is like String; it keeps %#v from printing the secret fields.
func (e Endpoint) GoString() string {
	return "notify.Endpoint{" + e.String() + "}"
}

// Message is one notification about a warning.
type Message struct {
	// ID is a stable event id used by receivers for idempotency (the
	// CloudEvents "id"). Every retry of the same notification carries the
	// same ID.
	ID string
	// Kind says what happened: "Published", "Adjusted", "Lifted" or
	// "ReportedUpward".
	Kind string
	// Source is the CloudEvents source, e.g.
	// "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w1".
	Source string
	// Time is when it happened.
	Time time.Time
	// Drill marks an exercise; a drill's messages say so in their first words.
	Drill bool
	// Warning holds the facts of the warning the message is about.
	Warning WarningFacts
}

// WarningFacts are the facts of a warning that a notification carries.
type WarningFacts struct {
	// Namespace and Name identify the Warning object.
	Namespace, Name string
	// Level is Red, Orange, Yellow, Blue or RiskNotice.
	Level string
	// PreviousLevel is the level before an adjustment (Kind "Adjusted").
	PreviousLevel string
	// Source is who raised the warning: National, Ministry or Provincial.
	Source string
	// StartTime is when the warning takes effect.
	StartTime time.Time
	// Scope is the affected range and Harm the possible harm.
	Scope, Harm string
	// Precautions are the recommended precautions, in order.
	Precautions []string
	// TimeLimits is the deadline requirement, Issuer the issuing authority
	// and Hotline the number to call for advice.
	TimeLimits, Issuer, Hotline string
	// Measures are the measures in force, e.g. "CollectAndReport".
	Measures []string
	// ApprovedBy is who approved this step; it may be empty.
	ApprovedBy string
}

// payload is the CloudEvents data object. Field names are part of the wire
// contract with receivers: do not rename them.
type payload struct {
	Kind          string     `json:"kind"`
	Drill         bool       `json:"drill"`
	Summary       string     `json:"summary"`
	Namespace     string     `json:"namespace"`
	Name          string     `json:"name"`
	Level         string     `json:"level"`
	PreviousLevel string     `json:"previousLevel"`
	Source        string     `json:"source"`
	StartTime     *time.Time `json:"startTime"`
	Scope         string     `json:"scope"`
	Harm          string     `json:"harm"`
	Precautions   []string   `json:"precautions"`
	TimeLimits    string     `json:"timeLimits"`
	Issuer        string     `json:"issuer"`
	Hotline       string     `json:"hotline"`
	Measures      []string   `json:"measures"`
	ApprovedBy    string     `json:"approvedBy"`
}

// robotText is the text-message body shared by WeCom and DingTalk robots.
type robotText struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

// Body returns the HTTP content type and body of m for an endpoint of type t.
// The result depends only on its arguments (no map order, no clock), so equal
// inputs give byte-identical bodies.
func Body(t Type, m Message) (contentType string, body []byte, err error) {
	if strings.TrimSpace(m.Kind) == "" {
		return "", nil, errors.New("notify: message has no kind")
	}
	switch t {
	case CloudEvents:
		body, err = cloudEventBody(m)
		if err != nil {
			return "", nil, err
		}
		return contentTypeCloudEvents, body, nil
	case WeCom:
		body, err = robotBody(truncateUTF8(Text(m), weComTextLimit))
		return contentTypeJSON, body, err
	case DingTalk:
		body, err = robotBody(Text(m))
		return contentTypeJSON, body, err
	default:
		return "", nil, fmt.Errorf("notify: unknown endpoint type %q", string(t))
	}
}

func cloudEventBody(m Message) ([]byte, error) {
	w := m.Warning
	p := payload{
		Kind:          m.Kind,
		Drill:         m.Drill,
		Summary:       firstLine(Text(m)),
		Namespace:     w.Namespace,
		Name:          w.Name,
		Level:         w.Level,
		PreviousLevel: w.PreviousLevel,
		Source:        w.Source,
		Scope:         w.Scope,
		Harm:          w.Harm,
		Precautions:   nonNil(w.Precautions),
		TimeLimits:    w.TimeLimits,
		Issuer:        w.Issuer,
		Hotline:       w.Hotline,
		Measures:      nonNil(w.Measures),
		ApprovedBy:    w.ApprovedBy,
	}
	if !w.StartTime.IsZero() {
		st := w.StartTime.UTC()
		p.StartTime = &st
	}

	ev := event.New()
	ev.SetSpecVersion(event.CloudEventsVersionV1)
	ev.SetID(m.ID)
	ev.SetSource(m.Source)
	ev.SetType(EventTypePrefix + strings.ToLower(m.Kind))
	ev.SetTime(m.Time)
	if w.Namespace != "" || w.Name != "" {
		ev.SetSubject(w.Namespace + "/" + w.Name)
	}
	if m.Drill {
		ev.SetExtension("drill", true)
	}
	if err := ev.SetData(event.ApplicationJSON, p); err != nil {
		return nil, fmt.Errorf("notify: encode event data: %w", err)
	}
	if err := ev.Validate(); err != nil {
		return nil, fmt.Errorf("notify: invalid CloudEvent: %s", strings.TrimSpace(strings.ReplaceAll(err.Error(), "\n", "; ")))
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("notify: encode CloudEvent: %w", err)
	}
	return b, nil
}

func robotBody(content string) ([]byte, error) {
	var r robotText
	r.MsgType = "text"
	r.Text.Content = content
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("notify: encode robot message: %w", err)
	}
	return b, nil
}

// Text renders m as the short bilingual text sent to WeCom and DingTalk
// robots. The first line names the level in Chinese and English and what
// happened, e.g. "【黄色预警 Yellow warning】发布 Published"; a drill's text
// starts with "【演练 DRILL】". The following lines give the start time (in
// Asia/Shanghai), scope, harm, numbered precautions, time limits, issuer and
// hotline; lines whose value is empty are left out.
func Text(m Message) string {
	w := m.Warning
	var b strings.Builder
	if m.Drill {
		b.WriteString("【演练 DRILL】")
	}
	b.WriteString("【" + levelName(w.Level) + "】" + kindName(m.Kind))

	line := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		b.WriteString("\n" + label + "：" + value)
	}
	if m.Kind == "Adjusted" && w.PreviousLevel != "" {
		line("原级别 Previous level", levelName(w.PreviousLevel))
	}
	if !w.StartTime.IsZero() {
		line("起始时间 Start", w.StartTime.In(shanghai).Format("2006-01-02 15:04")+" (北京时间 UTC+8)")
	}
	line("影响范围 Scope", w.Scope)
	line("可能危害 Harm", w.Harm)
	n := 0
	for _, p := range w.Precautions {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if n == 0 {
			b.WriteString("\n防范措施 Precautions：")
		}
		n++
		b.WriteString("\n" + strconv.Itoa(n) + ". " + p)
	}
	line("时限要求 Time limits", w.TimeLimits)
	line("发布机关 Issuer", w.Issuer)
	line("咨询电话 Hotline", w.Hotline)
	return b.String()
}

func levelName(level string) string {
	switch level {
	case "Red":
		return "红色预警 Red warning"
	case "Orange":
		return "橙色预警 Orange warning"
	case "Yellow":
		return "黄色预警 Yellow warning"
	case "Blue":
		return "蓝色预警 Blue warning"
	case "RiskNotice":
		return "风险提示 Risk notice"
	case "":
		return "预警 Warning"
	default:
		return "预警 " + level + " warning"
	}
}

func kindName(kind string) string {
	switch kind {
	case "Published":
		return "发布 Published"
	case "Adjusted":
		return "调整 Adjusted"
	case "Lifted":
		return "解除 Lifted"
	case "ReportedUpward":
		return "上报 Reported upward"
	default:
		return kind
	}
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

// truncateUTF8 shortens s to at most limit bytes, cutting on a rune boundary
// and ending with a marker that says the text was cut.
func truncateUTF8(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const marker = "\n…（内容过长已截断 truncated）"
	cut := limit - len(marker)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + marker
}

// sendError is an error whose text is known to be free of secrets. It may
// wrap the underlying cause (never a *url.Error, whose text holds the URL) so
// callers can still test it with errors.Is, e.g. for context.DeadlineExceeded.
type sendError struct {
	msg   string
	cause error
}

func (e *sendError) Error() string { return e.msg }
func (e *sendError) Unwrap() error { return e.cause }

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
		return fail(nil, "receiver rejected the message: errcode %d, errmsg %q", *reply.ErrCode, clip(reply.ErrMsg, 200))
	}
	return nil
}

// targetURL checks the endpoint address and, for a signed DingTalk robot,
// appends the timestamp and signature. Its errors never quote the address.
func targetURL(e Endpoint, now time.Time) (string, error) {
	if strings.TrimSpace(e.Address) == "" {
		return "", errors.New("endpoint has no address")
	}
	u, err := url.Parse(e.Address)
	if err != nil {
		return "", errors.New("endpoint address is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("endpoint address must be an http or https URL")
	}
	if u.Host == "" {
		return "", errors.New("endpoint address has no host")
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

// transportCause strips the *url.Error wrapper, whose text contains the full
// request URL, and returns what it wrapped.
func transportCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// describeTransportError gives a short, address-free account of why a request
// failed.
func describeTransportError(err error) string {
	if errors.Is(err, context.Canceled) {
		return "request canceled"
	}
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout()) {
		return "request timed out"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return "host name lookup failed: no such host"
		}
		return "host name lookup failed"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		// OpError's own text carries the remote address; keep only the
		// operation and the underlying cause.
		return opErr.Op + ": " + opErr.Err.Error()
	}
	return err.Error()
}

// redact removes every secret of e from s. It is a last line of defence for
// text we do not fully control, such as a receiver's errmsg or an error from
// the transport.
func redact(s string, e Endpoint) string {
	var secrets []string
	add := func(v string) {
		if len(v) >= 4 {
			secrets = append(secrets, v)
		}
	}
	add(e.Address)
	add(e.SigningSecret)
	add(url.QueryEscape(e.SigningSecret))
	if u, err := url.Parse(e.Address); err == nil {
		add(u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				add(v)
				add(url.QueryEscape(v))
			}
		}
	}
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return s
}

// clip shortens a receiver-supplied string to at most n bytes plus an
// ellipsis, cutting on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
