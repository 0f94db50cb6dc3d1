package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GroupTypeSuffix ends the CloudEvents type of a grouped message: the type
// of the reports it lists, then ".group", e.g.
// "io.netsec.emergency.incident.reported.group". A receiver that reads one
// report per event tells a grouped message from a report by it.
const GroupTypeSuffix = ".group"

// GroupedReport is one report as a grouped message's data lists it: the
// CloudEvents attributes it would have had alone, and its data.
type GroupedReport struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Source  string          `json:"source"`
	Subject string          `json:"subject,omitempty"`
	Time    time.Time       `json:"time"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// GroupedData is the data of a grouped message.
type GroupedData struct {
	// Count is how many reports the message lists.
	Count int `json:"count"`
	// Reports are the reports, each under its own id, in the order of the
	// message's texts.
	Reports []GroupedReport `json:"reports"`
	// Text is the message's own texts, as a single report carries them.
	Text struct {
		ZH string `json:"zh"`
		EN string `json:"en"`
	} `json:"text"`
}

// Group is one message carrying several reports of the same kind, for a
// channel that would otherwise receive them one by one in a storm: its id
// is the group's (id), its source names where it comes from (source), its
// texts list each report by its subject and the first line of its own
// text, and its data lists each report whole, under the report's own id.
// The members come in the order given, which the caller keeps the same
// for every attempt, so that a resend carries what the first send did.
// Attempt is the caller's to set.
func Group(id, source string, members []Message) (Message, error) {
	if len(members) == 0 {
		return Message{}, errors.New("notify: a grouped message lists no report")
	}
	first := members[0]
	g := Message{ID: id, Type: first.Type + GroupTypeSuffix, Source: source, Drill: first.Drill}
	data := GroupedData{Count: len(members)}
	var zh, en strings.Builder
	if g.Drill {
		zh.WriteString(DrillZH)
		en.WriteString(DrillEN)
	}
	n := strconv.Itoa(len(members))
	zh.WriteString("同类报告 " + n + " 份，合并为一条消息发送；每份报告以其自身编号记录在案：")
	en.WriteString(n + " reports of the same kind, sent as one message; each is on record under its own id:")
	for i, m := range members {
		if m.Type != first.Type || m.Drill != first.Drill {
			return Message{}, fmt.Errorf("notify: a grouped message mixes %s and %s, or drills and real events", first.Type, m.Type)
		}
		if m.Time.After(g.Time) {
			g.Time = m.Time
		}
		raw := json.RawMessage(m.Data)
		if len(raw) == 0 || !json.Valid(raw) {
			texts, err := json.Marshal(map[string]string{"zh": m.Text.ZH, "en": m.Text.EN})
			if err != nil {
				return Message{}, fmt.Errorf("notify: encode a grouped report: %w", err)
			}
			raw = texts
		}
		data.Reports = append(data.Reports, GroupedReport{ID: m.ID, Type: m.Type, Source: m.Source, Subject: m.Subject, Time: m.Time, Data: raw})
		line := fmt.Sprintf("\n%d. %s", i+1, Value(m.Subject))
		zh.WriteString(line + "：" + headline(m.Text.ZH, DrillZH))
		en.WriteString(line + ": " + headline(m.Text.EN, DrillEN))
	}
	g.Text = Texts{ZH: zh.String(), EN: en.String()}
	data.Text.ZH, data.Text.EN = g.Text.ZH, g.Text.EN
	b, err := json.Marshal(data)
	if err != nil {
		return Message{}, fmt.Errorf("notify: encode a grouped message: %w", err)
	}
	g.Data = b
	return g, nil
}

// headline is a report's first line, without the drill banner that the
// grouped message carries once for all.
func headline(s, banner string) string {
	first := firstLine(strings.TrimSpace(s))
	return Value(strings.TrimSpace(strings.TrimPrefix(first, strings.TrimSpace(banner))))
}

// Members is the ids of the reports a grouped message's data lists, in
// order (for a receiver, and for tests that count what arrived).
func Members(data []byte) ([]string, error) {
	var d GroupedData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("notify: a grouped message's data: %w", err)
	}
	ids := make([]string, 0, len(d.Reports))
	for _, r := range d.Reports {
		ids = append(ids, r.ID)
	}
	if slices.Contains(ids, "") {
		return nil, errors.New("notify: a grouped report without an id")
	}
	return ids, nil
}
