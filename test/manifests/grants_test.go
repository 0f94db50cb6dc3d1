package manifests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// The decisions each shipped role may write are grants of verbs on
// pseudo-resources that the admission policies ask the API server's
// authorizer about (config/admission). docs/trust.md shows them as a table
// made from config/rbac/approval_roles.yaml; GRANTS_TABLE_WRITE=1 rewrites
// it, so that the page and the roles cannot drift apart.

const (
	grantsBegin = "<!-- grants:begin -->"
	grantsEnd   = "<!-- grants:end -->"
)

// decisions are the verbs on names no API serves that the policies check,
// by "resource verb", with what each decides.
var decisions = map[string]string{
	"levels approve":    "start a response at that level (I and II by directive); publish, adjust or lift a yellow (iii) or blue (iv) warning; levels/ii: direct a red or orange warning (approvals.yaml, warning_approvals.yaml)",
	"levels end":        "end a response at that level (approvals.yaml)",
	"drills approve":    "start and end a drill response, approve a drill warning, at that level (approvals.yaml, warning_approvals.yaml)",
	"drills accept":     "accept a unit's own drill as held (units.yaml)",
	"harms assess":      "assess the level of other harm (assessments.yaml)",
	"unitplans accept":  "accept a unit's filed plan (units.yaml)",
	"hazards decide":    "decide on a unit's hazard report (units.yaml)",
	"audiences consent": "consent to a channel that reaches that audience (channels.yaml)",
	"audiences confirm": "confirm receipt of a report to that audience (notifications.yaml)",
	"releases approve":  "release information to the public (notifications.yaml)",
	"records write":     "write a real record, not only drills (lanes.yaml)",
}

func grantsTable(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", "approval_roles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("| role | verb | on | what it decides |\n| --- | --- | --- | --- |\n")
	row := func(role, res, verb string, names []string) {
		what, ok := decisions[res+" "+verb]
		if !ok {
			if _, served := map[string]bool{"levels": true, "drills": true, "harms": true, "unitplans": true, "hazards": true,
				"audiences": true, "releases": true, "records": true}[res]; served {
				t.Errorf("%s grants %s on %s, which no policy checks", role, verb, res)
			}
			return
		}
		on := "`" + res + "` (any)"
		if len(names) > 0 {
			parts := make([]string, len(names))
			for i, n := range names {
				parts[i] = "`" + res + "/" + n + "`"
			}
			on = strings.Join(parts, ", ")
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", role, verb, on, what)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		role := &rbacv1.ClusterRole{}
		if err := yaml.UnmarshalStrict([]byte(doc), role); err != nil {
			t.Fatal(err)
		}
		for _, rule := range role.Rules {
			for _, res := range rule.Resources {
				for _, verb := range rule.Verbs {
					row(role.Name, res, verb, rule.ResourceNames)
				}
			}
		}
	}
	return b.String()
}

func TestTrustPageShowsTheRolesGrants(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "trust.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	begin, end := strings.Index(page, grantsBegin), strings.Index(page, grantsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("docs/trust.md has no %s … %s", grantsBegin, grantsEnd)
	}
	table := grantsTable(t)
	shown := page[begin+len(grantsBegin) : end]
	if os.Getenv("GRANTS_TABLE_WRITE") != "" {
		page = page[:begin+len(grantsBegin)] + "\n" + table + page[end:]
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if shown != "\n"+table {
		t.Errorf("docs/trust.md's table of grants is not what config/rbac/approval_roles.yaml grants; regenerate it with GRANTS_TABLE_WRITE=1 go test ./test/manifests -run TestTrustPageShowsTheRolesGrants\nwant:\n%s\nshown:\n%s", table, shown)
	}
}
