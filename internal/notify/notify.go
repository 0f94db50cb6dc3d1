// Package notify writes the reports the plan requires and delivers them
// over HTTP.
//
// It composes each report once, from plain facts, as a Chinese and an
// English text and a JSON object of facts for machines (report.go and the
// files per source); and it turns such a report into the body that an
// endpoint expects: a CloudEvents 1.0 event in structured JSON mode for a
// generic webhook, a text message for a WeCom (企业微信) or DingTalk (钉钉)
// group robot (body.go), sent with send.go. The package is pure: it has no
// Kubernetes dependency, keeps no state, and takes the clock and the HTTP
// client from its caller.
//
// Endpoint addresses and signing secrets are credentials. Nothing this package
// returns — errors or String output — contains them.
package notify

import "time"

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

// EventTypePrefix begins every CloudEvents "type" attribute, e.g.
// "io.netsec.emergency.warning.published".
const EventTypePrefix = "io.netsec.emergency."

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

// Texts are a report's message in both languages.
type Texts struct {
	// ZH is the message in Chinese; a drill's starts with 【演练 DRILL】.
	ZH string
	// EN is the message in English; a drill's starts with [DRILL].
	EN string
}

// Message is one report as it is sent, on one attempt.
type Message struct {
	// ID is the stable event id: the CloudEvents "id", and the 消息编号 /
	// message id line of a robot's text. Every retry and every resend of the
	// same report carries the same ID.
	ID string
	// Type is the CloudEvents "type", e.g.
	// "io.netsec.emergency.warning.published" (EventType builds it).
	Type string
	// Source is the CloudEvents source, e.g.
	// "/apis/emergency.netsec.io/v1alpha1/namespaces/office/warnings/w1".
	Source string
	// Subject is the CloudEvents subject: "namespace/name" of the object
	// the report is about.
	Subject string
	// Time is when the reported event happened.
	Time time.Time
	// Drill marks an exercise; the CloudEvent carries the extension
	// drill=true (the texts say so themselves).
	Drill bool
	// Attempt is the number of this attempt, from 1. From the second on, a
	// robot's text says that it is a resend of the same message.
	Attempt int32
	// Text is the message.
	Text Texts
	// Data is the CloudEvents data, a JSON object; empty means the texts.
	Data []byte
}
