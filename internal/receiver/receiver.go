// Package receiver is a loopback receiver for what the operator sends: a
// CloudEvents webhook and a WeCom or DingTalk group robot in one. It answers
// as each receiver does when it accepts a message (any 2xx for a CloudEvent,
// errcode 0 for a robot) and writes one line per arrival, so that a
// walkthrough on a local cluster can watch its reports arrive. It keeps
// nothing and forwards nothing.
package receiver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/netsec-io/incident-operator/internal/notify"
)

// maxBody bounds how much of a request is read.
const maxBody = 1 << 20

// Arrival is one message as it arrived.
type Arrival struct {
	// Time is when it arrived.
	Time time.Time
	// Path is the request path: which channel the sender's address named.
	Path string
	// Format is "cloudevents" or "robot" (a WeCom or DingTalk text message).
	Format string
	// Type is the CloudEvents type; empty for a robot, whose text has none.
	Type string
	// ID is the CloudEvents id, or the message id line of a robot's text.
	ID string
	// Drill tells a drill's message (CloudEvents extension drill, or a text
	// starting with the drill marker).
	Drill bool
	// Attempt is the attempt a robot's text names, 1 when it names none; a
	// CloudEvent does not say (0).
	Attempt int
	// English is the first line of the English text.
	English string
}

// Parse reads a message from its content type and body.
func Parse(path, contentType string, body []byte) (Arrival, error) {
	a := Arrival{Path: path}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return a, fmt.Errorf("content type %q: %w", contentType, err)
	}
	switch mt {
	case "application/cloudevents+json":
		var ev struct {
			SpecVersion string `json:"specversion"`
			ID          string `json:"id"`
			Type        string `json:"type"`
			Drill       bool   `json:"drill"`
			Data        struct {
				Text struct {
					EN string `json:"en"`
				} `json:"text"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &ev); err != nil {
			return a, fmt.Errorf("a CloudEvent that is not JSON: %w", err)
		}
		if ev.SpecVersion == "" || ev.ID == "" || ev.Type == "" {
			return a, errors.New("a CloudEvent without specversion, id or type")
		}
		a.Format, a.Type, a.ID, a.Drill = "cloudevents", ev.Type, ev.ID, ev.Drill
		a.English = firstLine(ev.Data.Text.EN)
		return a, nil
	case "application/json":
		var m struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return a, fmt.Errorf("a robot message that is not JSON: %w", err)
		}
		if m.MsgType != "text" || m.Text.Content == "" {
			return a, fmt.Errorf("a robot message of type %q without text", m.MsgType)
		}
		a.Format = "robot"
		robotText(&a, m.Text.Content)
		return a, nil
	default:
		return a, fmt.Errorf("content type %q is neither a CloudEvent nor a robot message", mt)
	}
}

// robotText reads the parts of a robot's text: the Chinese text, the
// English one, and the footer with the message id (and the attempt, on a
// resend), each after a blank line (notify.RobotText).
func robotText(a *Arrival, content string) {
	a.Attempt = 1
	parts := strings.Split(content, "\n\n")
	if len(parts) >= 3 {
		a.English = firstLine(parts[1])
	}
	for _, l := range strings.Split(parts[len(parts)-1], "\n") {
		if _, id, ok := strings.Cut(l, "message id: "); ok {
			a.ID = strings.TrimSpace(id)
		}
		if _, rest, ok := strings.Cut(l, "attempt "); ok {
			_, _ = fmt.Sscanf(rest, "%d", &a.Attempt)
		}
	}
	a.Drill = strings.HasPrefix(content, notify.DrillZH) || strings.HasPrefix(a.English, notify.DrillEN)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Line is the arrival as one line: time with its zone, path, type, id,
// drill or not, and the English heading. What the sender wrote (path,
// type, id, heading) is shown as a robot's text shows a value (notify.Value):
// a line break or a terminal escape in it cannot start a line of its own,
// and a drill marker in it loses its banner brackets, so that the line's
// own "real" or "DRILL" is the only one.
func (a Arrival) Line(loc *time.Location) string {
	typ := a.Type
	if typ == "" {
		typ = a.Format
	}
	drill := "real"
	if a.Drill {
		drill = "DRILL"
	}
	id := a.ID
	if a.Attempt > 1 {
		id += fmt.Sprintf(" (attempt %d)", a.Attempt)
	}
	// A drill's heading begins with its banner, which the line keeps.
	heading, banner := a.English, ""
	if rest, ok := strings.CutPrefix(heading, notify.DrillEN); ok && a.Drill {
		heading, banner = rest, notify.DrillEN
	}
	return fmt.Sprintf("%s  %s  %s  %s  %s  %s", a.Time.In(loc).Format("2006-01-02 15:04:05.000 -07:00"),
		notify.Value(a.Path), notify.Value(typ), notify.Value(id), drill, banner+notify.Value(heading))
}

// Handler accepts every well-formed message, answers as the real receiver
// does when it accepts one, and writes its line to out. A request it cannot
// read is answered 400 (a robot's errcode 40000), and said so on out.
func Handler(out io.Writer, now func() time.Time, loc *time.Location) http.Handler {
	var mu sync.Mutex
	write := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = fmt.Fprintln(out, s)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := now()
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			_, _ = io.WriteString(w, `{"errcode":40000,"errmsg":"POST a message"}`)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err == nil {
			var a Arrival
			if a, err = Parse(r.URL.Path, r.Header.Get("Content-Type"), body); err == nil {
				a.Time = t
				write(a.Line(loc))
				_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
				return
			}
		}
		write(fmt.Sprintf("%s  %s  refused: %v", t.In(loc).Format("2006-01-02 15:04:05.000 -07:00"), r.URL.Path, err))
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"errcode":40000,"errmsg":"not a message"}`)
	})
}
