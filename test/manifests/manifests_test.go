// Package manifests checks the shipped manifests: the operator's own rights
// stay least-privilege, and config/default renders.
package manifests

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/test/testenv"
)

func TestOperatorRoleHasNoDangerousRights(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", "role.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.ClusterRole{}
	if err := yaml.UnmarshalStrict(data, role); err != nil {
		t.Fatal(err)
	}
	if len(role.Rules) == 0 {
		t.Fatal("the generated role has no rules")
	}
	for _, rule := range role.Rules {
		for _, verb := range rule.Verbs {
			switch verb {
			case "approve", "escalate", "bind", "impersonate", "*":
				t.Errorf("the operator's role grants %q on %v: approvals are for people, not the operator", verb, rule.Resources)
			}
		}
		for _, res := range rule.Resources {
			if res == "*" || res == "pods/exec" || res == "levels" || res == "drills" {
				t.Errorf("the operator's role reaches %q", res)
			}
			// Channels' Secrets are read one by one, uncached: get, never list or watch.
			if res == "secrets" && !slices.Equal(rule.Verbs, []string{"get"}) {
				t.Errorf("the operator may %v secrets; it needs only get, for the channels' Secrets", rule.Verbs)
			}
		}
	}
}

func TestApprovalRolesGrantApproveByLevel(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "config", "rbac", "approval_roles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"emergency-leading-group":          {"iii", "iv"},
		"emergency-ministry-office":        {"ii"},
		"emergency-ministry-leading-group": {"i"},
		"emergency-drill-approver":         {"i", "ii", "iii", "iv"},
		"emergency-office":                 nil,
		"emergency-reporting-unit":         nil,
		"emergency-unit-reader":            nil,
		// Consent to release to the public (§5.5), not a level.
		"emergency-release-approver": {"public"},
		"emergency-report-recipient": nil,
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		role := &rbacv1.ClusterRole{}
		if err := yaml.UnmarshalStrict([]byte(doc), role); err != nil {
			t.Fatal(err)
		}
		levels, ok := want[role.Name]
		if !ok {
			t.Errorf("unexpected role %q", role.Name)
			continue
		}
		var got []string
		for _, rule := range role.Rules {
			if slices.Contains(rule.Verbs, "approve") {
				got = append(got, rule.ResourceNames...)
				if role.Name == "emergency-drill-approver" && !slices.Equal(rule.Resources, []string{"drills"}) {
					t.Errorf("the drill approver approves %v, want drills only", rule.Resources)
				}
			}
		}
		if !slices.Equal(got, levels) {
			t.Errorf("%s approves %v, want %v", role.Name, got, levels)
		}
		delete(want, role.Name)
	}
	if len(want) > 0 {
		t.Errorf("roles missing: %v", want)
	}
}

func TestDefaultRenders(t *testing.T) {
	assets := testenv.Assets(t, "needs kubectl from the control plane build")
	out, err := exec.Command(filepath.Join(assets, "kubectl"), "kustomize", filepath.Join("..", "..", "config", "default")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize config/default: %v\n%s", err, out)
	}
	for _, want := range []string{
		"kind: CustomResourceDefinition", "name: securityincidents.emergency.netsec.io", "name: emergencyresponses.emergency.netsec.io",
		"name: workgroups.emergency.netsec.io", "name: holidaycalendars.emergency.netsec.io",
		"kind: ValidatingAdmissionPolicy", "kind: ValidatingAdmissionPolicyBinding", "kind: MutatingAdmissionPolicy",
		"policyName: incident-operator-approvals.emergency.netsec.io", "kind: Deployment", "--leader-elect",
		"kind: NetworkPolicy", "replicas: 2", "runAsNonRoot: true", "--metrics-bind-address=:8443",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("config/default lacks %q", want)
		}
	}
}
