package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/netsec-io/incident-operator/internal/text"
)

// Content types of the bodies built by Body.
const (
	contentTypeCloudEvents = "application/cloudevents+json; charset=utf-8"
	contentTypeJSON        = "application/json"
)

// weComTextLimit is the largest text content, in bytes, that a WeCom group
// robot accepts in a text message.
const weComTextLimit = 2048

// weComTruncated ends a WeCom text that had to be cut to weComTextLimit.
const weComTruncated = "\n…（内容过长已截断 truncated）"

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
		body, err = robotBody(text.TruncateWith(Text(m), weComTextLimit, weComTruncated))
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
