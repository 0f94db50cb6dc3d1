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

// EventTypePrefix is prepended to the lower-cased Message.Kind to form the
// CloudEvents "type" attribute, e.g. "io.netsec.emergency.warning.published".
const EventTypePrefix = "io.netsec.emergency.warning."

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
