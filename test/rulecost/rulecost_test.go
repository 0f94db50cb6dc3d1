// Package rulecost measures what the CRDs' validation rules (CEL) cost the
// API server on each write of an object: they run on every create and
// update, status writes included, so in a storm they are paid on every
// incident's create and on every status write the operator makes.
//
//	go test -run '^$' -bench . -benchmem ./test/rulecost
//
// The benchmark evaluates the rules as the API server does (the
// apiextensions validator over the structural schema), for each sample of
// config/samples, as an update that changes nothing in the spec: what a
// status write pays.
package rulecost

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

const root = "../.."

// validator is the API server's rule evaluator for one kind.
type validator struct {
	s *schema.Structural
	v *cel.Validator
}

// validators reads every CRD of config/crd/bases, by kind.
func validators(t testing.TB) map[string]validator {
	files, err := filepath.Glob(filepath.Join(root, "config/crd/bases/*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs: %v", err)
	}
	out := map[string]validator{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, crd); err != nil {
			t.Fatal(err)
		}
		internal := &apiextensions.JSONSchemaProps{}
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(crd.Spec.Versions[0].Schema.OpenAPIV3Schema, internal, nil); err != nil {
			t.Fatal(err)
		}
		s, err := schema.NewStructural(internal)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[crd.Spec.Names.Kind] = validator{s: s, v: cel.NewValidator(s, true, celconfig.PerCallLimit)}
	}
	return out
}

type sample struct {
	name string
	obj  map[string]any
}

// samples reads the objects of config/samples (one a file), by kind.
func samples(t testing.TB) map[string][]sample {
	files, err := filepath.Glob(filepath.Join(root, "config/samples/*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]sample{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		o := map[string]any{}
		if err := yaml.Unmarshal(data, &o); err != nil {
			t.Fatal(err)
		}
		kind, _ := o["kind"].(string)
		if kind == "" || kind == "Kustomization" {
			continue
		}
		out[kind] = append(out[kind], sample{name: strings.TrimSuffix(filepath.Base(f), ".yaml"), obj: o})
	}
	return out
}

// TestSamplesPassTheRules checks that every sample passes its kind's
// rules, as a create and as an update that changes nothing, so that the
// benchmark measures the rules' whole way and not an early refusal.
func TestSamplesPassTheRules(t *testing.T) {
	vs := validators(t)
	n := 0
	for kind, ss := range samples(t) {
		v, ok := vs[kind]
		if !ok {
			t.Errorf("a sample of %s, which no CRD defines", kind)
			continue
		}
		for _, s := range ss {
			for _, old := range []any{nil, s.obj} {
				if errs, _ := v.v.Validate(context.Background(), field.NewPath(""), v.s, s.obj, old, celconfig.RuntimeCELCostBudget); len(errs) > 0 {
					t.Errorf("%s (update: %t): %v", s.name, old != nil, errs.ToAggregate())
				}
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no sample was checked")
	}
}

// BenchmarkStatusWrite is what the rules cost a status write of each
// sample: an update whose spec is unchanged.
func BenchmarkStatusWrite(b *testing.B) {
	vs := validators(b)
	for kind, ss := range samples(b) {
		v := vs[kind]
		for _, s := range ss {
			b.Run(s.name, func(b *testing.B) {
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if errs, _ := v.v.Validate(ctx, field.NewPath(""), v.s, s.obj, s.obj, celconfig.RuntimeCELCostBudget); len(errs) > 0 {
						b.Fatal(errs.ToAggregate())
					}
				}
			})
		}
	}
}
