// Package explain checks that the API explains itself: what `kubectl
// explain` shows, the OpenAPI v3 the API server serves from the CRDs, names
// every allowed value of every enum and says how to write every time, so
// that a first-time reporter can fill in an incident without a refusal to
// learn from.
package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/test/testenv"
)

// group is the served document of the API group, as `kubectl explain`
// reads it.
const group = "/openapi/v3/apis/emergency.netsec.io/v1alpha1"

// kinds are the group's kinds; each must be in the served document.
var kinds = []string{"SecurityIncident", "EmergencyResponse", "WorkGroup", "Warning", "Notification",
	"NotificationChannel", "HolidayCalendar", "ReportingUnit", "UnitReport", "SupportDispatch"}

// example is a time as a reporter in Guizhou writes it.
var example = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00`)

type schema struct {
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Description          string             `json:"description"`
	Enum                 []any              `json:"enum"`
	Properties           map[string]*schema `json:"properties"`
	Items                *schema            `json:"items"`
	AdditionalProperties *schema            `json:"additionalProperties"`
}

// UnmarshalJSON accepts additionalProperties given as a boolean.
func (s *schema) UnmarshalJSON(b []byte) error {
	if string(b) == "true" || string(b) == "false" {
		return nil
	}
	type plain schema
	return json.Unmarshal(b, (*plain)(s))
}

func TestServedSchemaExplainsEnumsAndTimes(t *testing.T) {
	testenv.Assets(t, "needs an API server")
	env := &envtest.Environment{CRDDirectoryPaths: []string{filepath.Join("..", "..", "config", "crd", "bases")}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })

	schemas := served(t, cfg)
	var problems []string
	enums, times := 0, 0
	for _, kind := range kinds {
		walk(kind, schemas["io.netsec.emergency.v1alpha1."+kind], func(path string, s *schema) {
			values := s.Enum
			if len(values) == 0 && s.Items != nil {
				values = s.Items.Enum
			}
			if len(values) > 0 {
				enums++
				var missing []string
				for _, v := range values {
					if !mentions(s.Description, fmt.Sprint(v)) {
						missing = append(missing, fmt.Sprint(v))
					}
				}
				if len(missing) > 0 {
					problems = append(problems, fmt.Sprintf("%s: the description does not name %s", path, strings.Join(missing, ", ")))
				}
			}
			if s.Type == "string" && s.Format == "date-time" && !upstream(path) {
				times++
				if !strings.Contains(s.Description, "RFC 3339") || !example.MatchString(s.Description) {
					problems = append(problems, fmt.Sprintf("%s: a time whose description does not say RFC 3339 with an example such as 2026-12-04T14:15:00+08:00", path))
				}
			}
		})
	}
	// The walk reached the fields it is about: enums of every kind of
	// value, and the times the reporter writes.
	if enums < 40 || times < 40 {
		t.Fatalf("walked only %d enum fields and %d times: the served document is not what this test expects", enums, times)
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// served fetches the group's OpenAPI v3 document; the API server publishes
// a CRD's schema shortly after it is established, so it waits for every kind.
func served(t *testing.T, cfg *rest.Config) map[string]*schema {
	t.Helper()
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var last string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		resp, err := hc.Get(strings.TrimSuffix(cfg.Host, "/") + group)
		if err != nil {
			last = err.Error()
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			last = fmt.Sprintf("%s: %s", resp.Status, body)
			continue
		}
		var doc struct {
			Components struct {
				Schemas map[string]*schema `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%s: %v", group, err)
		}
		last = ""
		for _, kind := range kinds {
			if doc.Components.Schemas["io.netsec.emergency.v1alpha1."+kind] == nil {
				last = kind + " is not served yet"
			}
		}
		if last == "" {
			return doc.Components.Schemas
		}
	}
	t.Fatalf("%s: %s", group, last)
	return nil
}

// walk visits every property of s, items and map values included, with its
// path as `kubectl explain` names it.
func walk(path string, s *schema, visit func(string, *schema)) {
	if s == nil {
		return
	}
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := s.Properties[name]
		visit(path+"."+name, p)
		walk(path+"."+name, p, visit)
	}
	if s.Items != nil {
		walk(path, s.Items, visit)
	}
	walk(path, s.AdditionalProperties, visit)
}

// mentions reports whether text names value as a word of its own, so that
// "I" is not found in "II" nor "Other" in "Others".
func mentions(text, value string) bool {
	return regexp.MustCompile(`(^|[^A-Za-z0-9])` + regexp.QuoteMeta(value) + `($|[^A-Za-z0-9])`).MatchString(text)
}

// upstream reports whether the time is a condition's lastTransitionTime:
// metav1.Condition's field, whose description is Kubernetes's own and
// which only the operator writes.
func upstream(path string) bool {
	return strings.HasSuffix(path, ".conditions.lastTransitionTime")
}
