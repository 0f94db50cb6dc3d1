package form

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// One sample of each event type (config/samples, the real ones in real/).
var samples = map[string]string{
	"InternetOutage": "real/emergency_v1alpha1_securityincident_level_iv.yaml",
	"DNSAnomaly":     "real/emergency_v1alpha1_securityincident_level_i.yaml",
	"WebsiteAnomaly": "real/emergency_v1alpha1_securityincident_level_ii.yaml",
	"DataLeak":       "real/emergency_v1alpha1_securityincident_level_iii.yaml",
	"VirusOutbreak":  "emergency_v1alpha1_securityincident_drill_iii.yaml",
	"Other":          "real/emergency_v1alpha1_securityincident_quicknotice.yaml",
}

func loadSample(t *testing.T, sample string) *v1alpha1.SecurityIncident {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "samples", sample))
	if err != nil {
		t.Fatal(err)
	}
	inc := &v1alpha1.SecurityIncident{}
	if err := yaml.UnmarshalStrict(data, inc); err != nil {
		t.Fatal(err)
	}
	inc.CreationTimestamp = metav1.NewTime(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
	return inc
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/form -update to write it, then read the diff)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-golden +got):\n%s", name, diff)
	}
}

// Each sample rendered as Markdown and as HTML against golden files.
func TestGolden(t *testing.T) {
	for eventType, sample := range samples {
		t.Run(eventType, func(t *testing.T) {
			inc := loadSample(t, sample)
			base := strings.TrimSuffix(filepath.Base(sample), ".yaml")
			md := Markdown(inc)
			if !strings.Contains(md, "☑"+eventLabel(eventType)) {
				t.Errorf("the form does not tick event type %s", eventType)
			}
			golden(t, base+".md", md)
			page, err := HTML(inc)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, base+".html", page)
		})
	}
}

// The HTML follows the annex as issued.
func TestHTMLLayout(t *testing.T) {
	inc := loadSample(t, samples["DataLeak"])
	page, err := HTML(inc)
	if err != nil {
		t.Fatal(err)
	}
	for what, want := range map[string]string{
		"the title":              "<h1>" + Title + "</h1>",
		"A4 with margins":        "@page { size: A4; margin:",
		"a named CJK font first": `font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei"`,
		"填表人 above the table":    "<span>填表人：Wang Fang</span>",
		"填报时间 in the annex's 年月日时, Beijing time": "填报时间：2026 年 11 月 20 日 11 时",
		"单位基本情况 spanning its three rows":         `<th class="section" rowspan="3">单位基本情况</th>`,
		"安全事件基本情况 spanning four":                 `<th class="section" rowspan="4">安全事件基本情况</th>`,
		"事件情况初判 spanning seven":                  `<th class="section" rowspan="7">事件情况初判</th>`,
		"已启用应急措施及有关建议 spanning four":             `<th class="section" rowspan="4">已启用应急措施及有关建议</th>`,
		"当前影响和破坏情况 spanning its five lines":      `<th rowspan="5">当前影响和破坏情况</th>`,
		"name, phone and e-mail on one row":      `<th>联系人姓名</th><td>Wang Fang</td><th>电话</th><td>+86 851 8888 0000</td><th>电子邮件</th><td>duty@telecom.example.cn</td>`,
		"occurrence and discovery on one row":    `<th>事件发生时间</th><td>2026年11月19日 22时00分</td><th>发现时间</th><td colspan="3">`,
		"a blank after 其它":                       `其它：<span class="blank"></span></span>`,
		"the ticked box":                         `<i class="box on">☑</i>一百万条以上`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%s: the page lacks %q", what, want)
		}
	}
	if n := strings.Count(page, "<tr>"); n != 19 {
		t.Errorf("the annex table has 19 rows, the page %d", n)
	}
}

// Facts the annex has no box for are written in, not dropped.
func TestWrittenIn(t *testing.T) {
	inc := loadSample(t, samples["DataLeak"])
	inc.Spec.EventTypes = append(inc.Spec.EventTypes, v1alpha1.EventInternetOutage, v1alpha1.EventOther)
	inc.Spec.Impact.InternetOutage = &v1alpha1.AreaImpact{Scope: v1alpha1.ScopeCity}
	inc.Spec.Impact.Other = &v1alpha1.OtherImpact{Description: "勒索信"}
	ms := int64(800)
	inc.Spec.Impact.DNS = &v1alpha1.DNSImpact{System: v1alpha1.DNSLarge, State: v1alpha1.DNSDegraded, LatencyMilliseconds: &ms}
	inc.Spec.Support = &v1alpha1.Support{Needed: true, Kinds: []v1alpha1.SupportKind{"ResponseTeam"}}
	inc.Spec.Drill = true
	md := Markdown(inc)
	for _, want := range []string{
		"☐区县 ☑1个地市", "☑其它：勒索信", "域名解析系统严重异常（大型域名解析系统）：☐完全无法访问 ☑效率下降导致延迟时间为800毫秒",
		"（共1200000条）", "☑是 ☐否　需要：☐专家咨询 ☑应急队伍", "【演练】",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the form lacks %q:\n%s", want, md)
		}
	}
}

func eventLabel(t string) string {
	for _, o := range eventTypes {
		if o[0] == t {
			return o[1]
		}
	}
	return "?"
}

// The form says the receipt was confirmed only when the office's
// confirmation is on record, naming who confirmed and when (§4.1).
func TestReceiptConfirmation(t *testing.T) {
	inc := loadSample(t, samples["InternetOutage"])
	if md := Markdown(inc); !strings.Contains(md, "报送结果已电话确认：否") {
		t.Errorf("no confirmation on record, yet the form does not say 否:\n%s", md)
	}
	inc.Status.ReceiptConfirmed = &v1alpha1.ReceiptConfirmation{By: "ministry-duty", Time: metav1.NewTime(time.Date(2026, 11, 20, 3, 5, 0, 0, time.UTC))}
	if md := Markdown(inc); !strings.Contains(md, "报送结果已电话确认：是（ministry-duty，2026-11-20 11:05）") {
		t.Errorf("the confirmation on record is not printed with who and when:\n%s", md)
	}
}
