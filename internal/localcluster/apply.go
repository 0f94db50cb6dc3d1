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

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
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

// operatorGroupVersion is the OpenAPI v3 path of the operator's kinds.
const operatorGroupVersion = "apis/emergency.netsec.io/v1alpha1"

// schemaSettle is how long the published schema of the operator's kinds must
// stay the same before the probes count: longer than the 5 s in which the
// API server's mutating admission refreshes the schemas it types patches
// with (k8s.io/apiserver, admission/plugin/policy/mutating/patch).
const schemaSettle = 6 * time.Second

// WaitForSchemas waits until the API server can admit each of the operator's
// kinds that a mutating admission policy matches, and will go on doing so.
// Such a policy types its patch against the group's published OpenAPI
// schema (k8s.io/apiserver, admission/plugin/policy/mutating/patch,
// typeConverterManager): the API server lists the published schemas every
// 5 s (its Run), and until that list holds the group, GetTypeConverter finds
// none and the policy's dispatcher answers 503 ("Resource kind … not found",
// mutating/dispatcher.go dispatchOne); the group is published a moment after
// each CRD of it is established or changes (apiextensions' openapiv3
// controller, then kube-aggregator's merge of its local delegates, every
// 1 s). The policies themselves take effect up to 1 s after they are
// written (generic/policy_source.go, policyRefreshInterval). So the wait
// lasts until the group's schema has not changed for schemaSettle and then
// every kind is admitted in one round, and it counts only probes that went
// through the mutating policies: a probe admitted before the policies took
// effect, or denied by a mutating policy itself, proves nothing. A
// notification, valid, must come back stamped with its creator (the
// policies are in effect); the other probes, invalid, must pass the
// mutating policies, whatever the schema or a validating policy then says.
func WaitForSchemas(ctx context.Context, cfg *rest.Config, c client.Client, timeout time.Duration) error {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	openapi := dc.OpenAPIV3()
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
		probe("WorkGroup", map[string]any{"reports": []any{map[string]any{"measures": "schema probe"}}}),
		// Valid, drill, without decisions: admitted, and stamped by
		// notification-created-by (config/admission/notifications.yaml).
		probe("Notification", map[string]any{
			"drill":     true,
			"audiences": []any{"Office"},
			"event":     "DrillReported",
			"eventID":   "schema-probe",
			"message":   map[string]any{"en": "schema probe", "zh": "schema probe"},
			"source":    map[string]any{"kind": "SecurityIncident", "name": "schema-probe", "uid": "schema-probe"},
			"time":      time.Now().UTC().Format(time.RFC3339),
		}),
	}
	admitted := func() error {
		mutating := &admissionregistrationv1.MutatingAdmissionPolicyList{}
		if err := c.List(ctx, mutating); err != nil {
			return fmt.Errorf("listing the mutating admission policies: %w", err)
		}
		for _, p := range probes {
			obj := p.DeepCopy()
			err := c.Create(ctx, obj, client.DryRunAll)
			if err == nil {
				if p.GetKind() == "Notification" && obj.GetAnnotations()["emergency.netsec.io/created-by"] == "" {
					return fmt.Errorf("the mutating admission policies do not stamp %ss yet", p.GetKind())
				}
				continue
			}
			if !apierrors.IsInvalid(err) && !apierrors.IsForbidden(err) {
				return fmt.Errorf("the API server does not admit %ss yet: %w", p.GetKind(), err)
			}
			for _, m := range mutating.Items {
				if strings.Contains(err.Error(), "policy '"+m.Name+"'") {
					return fmt.Errorf("the mutating admission policy %s does not admit %ss yet: %w", m.Name, p.GetKind(), err)
				}
			}
			if p.GetKind() == "Notification" {
				return fmt.Errorf("the probe notification was not admitted: %w", err)
			}
		}
		return nil
	}
	deadline := time.Now().Add(timeout)
	var published string
	var since time.Time
	for {
		err := fmt.Errorf("the API server publishes no schema of %s yet", operatorGroupVersion)
		paths, perr := openapi.Paths()
		if perr != nil {
			err = fmt.Errorf("reading the API server's OpenAPI paths: %w", perr)
		} else if gv, ok := paths[operatorGroupVersion]; ok {
			if url := gv.ServerRelativeURL(); url != published {
				published, since = url, time.Now()
			}
			err = fmt.Errorf("the schema of %s changed %s ago", operatorGroupVersion, time.Since(since).Round(time.Millisecond))
			if time.Since(since) >= schemaSettle {
				if err = admitted(); err == nil {
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
