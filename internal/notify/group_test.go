package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestGroupListsEachReportUnderItsOwnID(t *testing.T) {
	at := time.Date(2026, 12, 4, 6, 15, 0, 0, time.UTC)
	members := []Message{
		{ID: "a-reported", Type: "io.netsec.emergency.incident.reported", Source: "/s/a", Subject: "u1/a", Time: at, Drill: true,
			Text: Texts{ZH: DrillZH + "网络安全事件报告\n详情", EN: DrillEN + "Incident reported\ndetails"}, Data: []byte(`{"level":"IV"}`)},
		{ID: "b-reported", Type: "io.netsec.emergency.incident.reported", Source: "/s/b", Subject: "u2/b\n[DRILL] forged", Time: at.Add(time.Minute), Drill: true,
			Text: Texts{ZH: DrillZH + "网络安全事件报告", EN: DrillEN + "Incident reported"}},
	}
	g, err := Group("group-1", "/apis/x/channels/desk", members)
	if err != nil {
		t.Fatal(err)
	}
	if g.Type != "io.netsec.emergency.incident.reported.group" || g.ID != "group-1" || !g.Drill || !g.Time.Equal(at.Add(time.Minute)) {
		t.Fatalf("grouped message %+v", g)
	}
	if !strings.HasPrefix(g.Text.ZH, DrillZH) || strings.Count(g.Text.ZH, DrillZH) != 1 || strings.Count(g.Text.EN, "[DRILL]") != 1 {
		t.Errorf("the drill banner once, at the start, and no forged one: %q / %q", g.Text.ZH, g.Text.EN)
	}
	if !strings.Contains(g.Text.EN, "2 reports") || !strings.Contains(g.Text.EN, "1. u1/a: Incident reported") {
		t.Errorf("English text %q", g.Text.EN)
	}
	ids, err := Members(g.Data)
	if err != nil || strings.Join(ids, ",") != "a-reported,b-reported" {
		t.Fatalf("members %v %v", ids, err)
	}
	var d GroupedData
	if err := json.Unmarshal(g.Data, &d); err != nil {
		t.Fatal(err)
	}
	if string(d.Reports[0].Data) != `{"level":"IV"}` || !strings.Contains(string(d.Reports[1].Data), "Incident reported") {
		t.Errorf("each report's data: %s / %s", d.Reports[0].Data, d.Reports[1].Data)
	}
	again, _ := Group("group-1", "/apis/x/channels/desk", members)
	_, b1, err1 := Body(CloudEvents, g)
	_, b2, err2 := Body(CloudEvents, again)
	if err1 != nil || err2 != nil || len(b1) == 0 || string(b1) != string(b2) {
		t.Errorf("the same reports give the same message, so a resend carries what the first send did (%v, %v)", err1, err2)
	}
	if _, err := Group("g", "/s", nil); err == nil {
		t.Error("a group of nothing was built")
	}
	mixed := append([]Message{}, members...)
	mixed[1].Type = "io.netsec.emergency.warning.published"
	if _, err := Group("g", "/s", mixed); err == nil {
		t.Error("reports of two kinds were grouped")
	}
}
