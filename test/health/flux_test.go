package health

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"
)

// fluxFile is the example Kustomization whose healthCheckExprs docs/platform.md
// recommends.
var fluxFile = filepath.Join(root, "config", "health", "flux", "flux-kustomization.yaml")

// fluxCheck is one kind's expressions, parsed.
type fluxCheck struct {
	inProgress, failed, current cel.Program
}

// loadFluxChecks reads spec.healthCheckExprs and parses each expression as
// Flux's kustomize-controller does: parsed, not type-checked (the object is
// untyped), in an environment with optional types and the string, set and
// encoder extensions.
func loadFluxChecks(t *testing.T) map[string]fluxCheck {
	t.Helper()
	data, err := os.ReadFile(fluxFile)
	must(t, err)
	var k struct {
		Spec struct {
			Wait             bool `json:"wait"`
			HealthCheckExprs []struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				InProgress string `json:"inProgress"`
				Failed     string `json:"failed"`
				Current    string `json:"current"`
			} `json:"healthCheckExprs"`
		} `json:"spec"`
	}
	must(t, yaml.Unmarshal(data, &k))
	if !k.Spec.Wait {
		t.Errorf("%s: wait is not true, so Flux would check nothing", fluxFile)
	}
	env, err := cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	)
	must(t, err)
	program := func(expr string) cel.Program {
		t.Helper()
		if expr == "" {
			return nil
		}
		ast, issues := env.Parse(expr)
		if issues != nil && issues.Err() != nil {
			t.Fatalf("%s: %q does not parse: %v", fluxFile, expr, issues.Err())
		}
		p, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
		must(t, err)
		return p
	}
	out := map[string]fluxCheck{}
	for _, hc := range k.Spec.HealthCheckExprs {
		if hc.APIVersion != "emergency.netsec.io/v1alpha1" {
			t.Errorf("%s: apiVersion %q", hc.Kind, hc.APIVersion)
		}
		if hc.Current == "" {
			t.Errorf("%s: current is required", hc.Kind)
		}
		out[hc.Kind] = fluxCheck{inProgress: program(hc.InProgress), failed: program(hc.Failed), current: program(hc.Current)}
	}
	return out
}

// evaluate gives the object's health as Flux does with custom expressions:
// InProgress while status.observedGeneration is behind, then the first of
// inProgress, failed and current that holds, else InProgress. An expression
// that cannot be evaluated (no status yet) leaves it Unknown, and Flux
// polls again.
func (f fluxCheck) evaluate(t *testing.T, u *unstructured.Unstructured) status.Status {
	t.Helper()
	if og, found, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); found && og != u.GetGeneration() {
		return status.InProgressStatus
	}
	for _, e := range []struct {
		p cel.Program
		s status.Status
	}{{f.inProgress, status.InProgressStatus}, {f.failed, status.FailedStatus}, {f.current, status.CurrentStatus}} {
		if e.p == nil {
			continue
		}
		v, _, err := e.p.ContextEval(context.Background(), u.Object)
		if err != nil {
			return status.UnknownStatus
		}
		b, ok := v.(types.Bool)
		if !ok {
			t.Fatalf("an expression gave %v, not a boolean", v)
		}
		if b {
			return e.s
		}
	}
	return status.InProgressStatus
}
