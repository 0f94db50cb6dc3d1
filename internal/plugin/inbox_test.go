package plugin

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netsec-io/incident-operator/internal/duty"
)

func TestInboxSpeaksChineseAndEnglish(t *testing.T) {
	now := time.Date(2026, 12, 4, 6, 15, 0, 0, time.UTC)
	d := duty.Duties{Items: []duty.Item{
		{State: duty.Overdue, Kind: duty.Incident, Namespace: "unit-a", Name: "late", When: now.Add(-2 * time.Hour), Whose: duty.Unit, Owed: "FullForm"},
		{State: duty.Decision, Kind: duty.Response, Namespace: "office", Name: "resp", Level: "I", When: now, Whose: duty.MinistryLeadingGroup, Owed: "approval", Drill: true},
		{State: duty.Due, Kind: duty.Response, Namespace: "office", Name: "old", When: now.Add(time.Hour), Whose: duty.Units, Owed: "UnitSummaryReport/unit-a"},
	}, Hidden: []string{"notifications in every namespace: hidden, your role may not list them"}}
	zone, _ := time.LoadLocation("Asia/Shanghai")
	print := func(lang string) string {
		var b bytes.Buffer
		PrintInbox(&b, d, zone, now, lang)
		return b.String()
	}
	zh := print("zh")
	for _, want := range []string{"# 时间均为 Asia/Shanghai", "# 未显示：notifications", "已超期", "2h00m 前", "网络安全事件", "完整报送表", "部领导小组", "批准", "（演练）", "单位总结报告/unit-a"} {
		if !strings.Contains(zh, want) {
			t.Errorf("the Chinese inbox lacks %q:\n%s", want, zh)
		}
	}
	for _, no := range []string{"OVERDUE", "DECISION", "securityincident", "FullForm", "ministry leading group", "(drill)"} {
		if strings.Contains(zh, no) {
			t.Errorf("the Chinese inbox says %q in English:\n%s", no, zh)
		}
	}
	en := print("en")
	for _, want := range []string{"# times in Asia/Shanghai", "OVERDUE", "(2h00m ago)", "securityincident", "ministry leading group", "(drill)", "UnitSummaryReport/unit-a"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English inbox lacks %q:\n%s", want, en)
		}
	}
}

func TestInboxLangFollowsTheLocale(t *testing.T) {
	for env, want := range map[string]string{"zh_CN.UTF-8": "zh", "en_US.UTF-8": "en", "C": "en"} {
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", env)
		if got, err := textLangOf(""); err != nil || got != want {
			t.Errorf("LANG=%s: %q, %v; want %q", env, got, err, want)
		}
	}
	if got, _ := textLangOf("zh"); got != "zh" {
		t.Errorf("--lang zh gave %q", got)
	}
	if _, err := textLangOf("fr"); err == nil {
		t.Error("--lang fr was taken")
	}
}

// Every line the timeline writes has its Chinese words: a new line without
// them fails here, not in front of a Chinese reader.
func TestEveryTimelineLineHasChineseWords(t *testing.T) {
	src, err := os.ReadFile("timeline.go")
	if err != nil {
		t.Fatal(err)
	}
	formats := regexp.MustCompile(`t\.add\([^,]+, "((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(string(src), -1)
	formats = append(formats, regexp.MustCompile(`t\.phrase\("((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(string(src), -1)...)
	if len(formats) < 30 {
		t.Fatalf("found only %d of the timeline's lines", len(formats))
	}
	for _, f := range formats {
		zh, ok := timelineZH[f[1]]
		if !ok {
			t.Errorf("the timeline line %q has no Chinese words in timelineZH", f[1])
			continue
		}
		if strings.Count(zh, "%") != strings.Count(f[1], "%") {
			t.Errorf("%q and its Chinese %q take different arguments", f[1], zh)
		}
	}
}
