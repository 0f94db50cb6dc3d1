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

// One sample of each event type, rendered against a golden file.
func TestMarkdownGolden(t *testing.T) {
	cases := map[string]string{
		"InternetOutage": "emergency_v1alpha1_securityincident_level_iv.yaml",
		"DNSAnomaly":     "emergency_v1alpha1_securityincident_level_i.yaml",
		"WebsiteAnomaly": "emergency_v1alpha1_securityincident_level_ii.yaml",
		"DataLeak":       "emergency_v1alpha1_securityincident_level_iii.yaml",
		"VirusOutbreak":  "emergency_v1alpha1_securityincident_drill_iii.yaml",
		"Other":          "emergency_v1alpha1_securityincident_quicknotice.yaml",
	}
	for eventType, sample := range cases {
		t.Run(eventType, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "config", "samples", sample))
			if err != nil {
				t.Fatal(err)
			}
			inc := &v1alpha1.SecurityIncident{}
			if err := yaml.UnmarshalStrict(data, inc); err != nil {
				t.Fatal(err)
			}
			inc.CreationTimestamp = metav1.NewTime(time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC))
			got := Markdown(inc)
			if !strings.Contains(got, "☑"+eventLabel(eventType)) {
				t.Errorf("the form does not tick event type %s", eventType)
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(sample, ".yaml")+".md")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/form -update to write it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("form of %s (-golden +got):\n%s", sample, diff)
			}
			html, err := HTML(inc)
			if err != nil || !strings.Contains(html, "<h1>"+Title+"</h1>") || !strings.Contains(html, inc.Spec.Reporter.UnitName) {
				t.Errorf("HTML form: %v", err)
			}
		})
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
