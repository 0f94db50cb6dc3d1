package manifests

import (
	"os"
	"path/filepath"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The size caps in api/v1alpha1 are the numbers the markers put in the
// CRDs: the operator trims to them, the API server refuses beyond them.
func TestLimitsMatchTheCRDs(t *testing.T) {
	cases := map[string]struct {
		crd  string
		path []string
		max  func(s apiextensionsv1.JSONSchemaProps) *int64
		want int
	}{
		"level history":              {"securityincidents", []string{"status", "levelHistory"}, maxItems, v1alpha1.MaxLevelHistory},
		"level cause":                {"securityincidents", []string{"status", "levelHistory", "[]", "cause"}, maxLength, v1alpha1.MaxLevelCause},
		"incident condition message": {"securityincidents", []string{"status", "conditions", "[]", "message"}, maxLength, v1alpha1.MaxConditionMessage},
		"warning history":            {"warnings", []string{"status", "history"}, maxItems, v1alpha1.MaxWarningHistory},
		"delivery error":             {"notifications", []string{"status", "deliveries", "[]", "lastError"}, maxLength, v1alpha1.MaxDeliveryError},
		"deliveries":                 {"notifications", []string{"status", "deliveries"}, maxItems, v1alpha1.MaxNotificationDeliveries},
		"message in Chinese":         {"notifications", []string{"spec", "message", "zh"}, maxLength, v1alpha1.MaxNotificationText},
		"message in English":         {"notifications", []string{"spec", "message", "en"}, maxLength, v1alpha1.MaxNotificationText},
		"message data":               {"notifications", []string{"spec", "data"}, maxLength, v1alpha1.MaxNotificationData},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "config", "crd", "bases", "emergency.netsec.io_"+tc.crd+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := yaml.Unmarshal(data, crd); err != nil {
				t.Fatal(err)
			}
			s := *crd.Spec.Versions[0].Schema.OpenAPIV3Schema
			for _, p := range tc.path {
				if p == "[]" {
					s = *s.Items.Schema
					continue
				}
				next, ok := s.Properties[p]
				if !ok {
					t.Fatalf("no field %q on the way to %v", p, tc.path)
				}
				s = next
			}
			if got := tc.max(s); got == nil || *got != int64(tc.want) {
				t.Errorf("the CRD says %v, api/v1alpha1 says %d", got, tc.want)
			}
		})
	}
}

func maxItems(s apiextensionsv1.JSONSchemaProps) *int64  { return s.MaxItems }
func maxLength(s apiextensionsv1.JSONSchemaProps) *int64 { return s.MaxLength }
