package localcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ApplyManifests server-side applies every YAML document of the files in
// dirs (kustomization.yaml excepted), as field manager "incident-operator".
func ApplyManifests(ctx context.Context, c client.Client, dirs ...string) error {
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return err
		}
		sort.Strings(files)
		for _, f := range files {
			base := filepath.Base(f)
			if base == "kustomization.yaml" || strings.HasPrefix(base, "kustomizeconfig") {
				continue
			}
			if err := ApplyFile(ctx, c, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// ApplyFile server-side applies every YAML document of one file.
func ApplyFile(ctx context.Context, c client.Client, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		obj := &unstructured.Unstructured{}
		if err := dec.Decode(&obj.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading %s: %w", path, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("incident-operator"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s from %s: %w", obj.GetKind(), obj.GetName(), path, err)
		}
	}
}

// WaitForSchemas waits until the API server can admit each of the operator's
// kinds that a mutating admission policy matches: such a policy types its
// patch against the kind's published schema, which the API server learns a
// moment after the CRD, one kind at a time; until then it answers 503
// ("Resource kind … not found"). A probe (a dry run) that passes the
// mutating policies counts, whether the schema or a validating policy then
// accepts it or not.
func WaitForSchemas(ctx context.Context, c client.Client, timeout time.Duration) error {
	probe := func(kind string, spec map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "emergency.netsec.io/v1alpha1",
			"kind":       kind,
			"metadata":   map[string]any{"generateName": "schema-probe-", "namespace": "default"},
			"spec":       spec,
		}}
	}
	probes := []*unstructured.Unstructured{
		probe("EmergencyResponse", map[string]any{"incidentRefs": []any{map[string]any{"namespace": "default", "name": "probe"}}}),
		probe("SecurityIncident", map[string]any{}),
		probe("Warning", map[string]any{}),
		probe("Notification", map[string]any{}),
	}
	deadline := time.Now().Add(timeout)
	for _, p := range probes {
		for {
			err := c.Create(ctx, p.DeepCopy(), client.DryRunAll)
			if err == nil || apierrors.IsInvalid(err) || apierrors.IsForbidden(err) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("the API server does not admit %ss yet: %w", p.GetKind(), err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}
