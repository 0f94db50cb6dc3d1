package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	if strings.TrimSpace(m.ID) == "" {
		return "", nil, errors.New("notify: message has no id")
	}
	if strings.TrimSpace(m.Type) == "" {
		return "", nil, errors.New("notify: message has no type")
	}
	switch t {
	case CloudEvents:
		body, err = cloudEventBody(m)
		if err != nil {
			return "", nil, err
		}
		return contentTypeCloudEvents, body, nil
	case WeCom:
		body, err = robotBody(robotContent(m, weComTextLimit))
		return contentTypeJSON, body, err
	case DingTalk:
		body, err = robotBody(robotContent(m, 0))
		return contentTypeJSON, body, err
	default:
		return "", nil, fmt.Errorf("notify: unknown endpoint type %q", string(t))
	}
}

// RobotText is the text a WeCom or DingTalk group receives: the Chinese
// message, the English one, and the message id; from the second attempt on,
// a line saying that this is a resend of the same message, so that a person
// reading the group can tell a resend from a new report.
func RobotText(m Message) string {
	return robotContent(m, 0)
}

// robotContent is RobotText cut to limit bytes (0: no limit); the cut falls
// in the texts, never in the id lines.
func robotContent(m Message, limit int) string {
	body := strings.TrimSpace(m.Text.ZH)
	if en := strings.TrimSpace(m.Text.EN); en != "" {
		body += "\n\n" + en
	}
	footer := "\n\n消息编号 / message id: " + m.ID
	if m.Attempt > 1 {
		n := strconv.Itoa(int(m.Attempt))
		footer += "\n第 " + n + " 次发送：同一编号的消息是同一条 / attempt " + n + ": a resend of the same message"
	}
	if limit > 0 {
		body = text.TruncateWith(body, limit-len(footer), weComTruncated)
	}
	return body + footer
}

func cloudEventBody(m Message) ([]byte, error) {
	data := m.Data
	if len(data) == 0 {
		var err error
		if data, err = json.Marshal(map[string]string{"zh": m.Text.ZH, "en": m.Text.EN}); err != nil {
			return nil, fmt.Errorf("notify: encode event data: %w", err)
		}
	}
	if !json.Valid(data) {
		return nil, errors.New("notify: event data is not JSON")
	}
	ev := event.New()
	ev.SetSpecVersion(event.CloudEventsVersionV1)
	ev.SetID(m.ID)
	ev.SetSource(m.Source)
	ev.SetType(m.Type)
	ev.SetTime(m.Time)
	if m.Subject != "" {
		ev.SetSubject(m.Subject)
	}
	if m.Drill {
		ev.SetExtension("drill", true)
	}
	if err := ev.SetData(event.ApplicationJSON, json.RawMessage(data)); err != nil {
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
