package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The floor in parts (-floor-parts): where the same incidents' floor spends
// its time beyond a bare custom resource's. With no operator running, each
// round measures, one after another on the same control plane, a bare
// client creating n objects and writing each one's status once:
//
//   - the bare custom resource (no schema, no rules, no policies);
//   - the incidents, their schema without its validation rules, and no
//     admission policy bound;
//   - the incidents, their whole schema, and no admission policy bound;
//   - the incidents as deployed: whole schema, every policy bound;
//   - the same, each incident read back (a GET at its create's
//     resourceVersion, which the API server answers from its watch cache)
//     before its status write: what an operator caching only the
//     incidents' metadata, and reading each whole when its pass begins,
//     would add to every pass.
//
// The parts' order turns each round, so that no part always meets the
// API server just after the heaviest one. What is printed is each part's
// median over the rounds, with the API server's CPU-seconds; with
// -profiles, the API server's CPU profile of each part in the first round
// (kube-apiserver-cpu-floor-part-N.pprof, N as the parts are listed above).

const floorPartsNS = "bench-floor-parts"

type floorPart struct {
	what        string
	took        []time.Duration
	apiserverCS []float64
}

// floorParts measures the parts of the incidents' floor, rounds times.
func (b *bench) floorParts(ctx context.Context, bin string, rounds int) error {
	o := b.o
	fmt.Fprintln(os.Stderr, "bench: starting the control plane in", b.dir)
	c, err := startCluster(ctx, clusterOptions{dir: b.dir, assets: o.assets, crdDir: "config/crd/bases", admissionDir: "config/admission",
		approvalRoles: "config/rbac/approval_roles.yaml", managerRole: "config/rbac/role.yaml", identity: o.identity, writerIdentity: o.writerIdentity})
	if err != nil {
		return err
	}
	defer func() { _ = c.stop() }()
	if err := apiextensionsv1.AddToScheme(c.scheme); err != nil {
		return err
	}
	if err := installBare(c); err != nil {
		return err
	}
	if err := ensureNamespace(ctx, c.admin, floorBareNS); err != nil {
		return err
	}
	if err := ensureUnitNamespace(ctx, c.admin, floorPartsNS); err != nil {
		return err
	}
	// The status every part writes: the operator's own first one, from a
	// probe watched only while it runs.
	tr := newTracker()
	wctx, wcancel := context.WithCancel(ctx)
	ready := make(chan struct{})
	go tr.follow(wctx, c.admin, kindIncident, func() client.ObjectList { return &v1alpha1.SecurityIncidentList{} }, ready)
	select {
	case <-ready:
	case <-ctx.Done():
		wcancel()
		return ctx.Err()
	}
	probe, err := b.probeStatus(ctx, c, tr, bin, managerControllers)
	wcancel()
	if err != nil {
		return err
	}
	whole := &apiextensionsv1.CustomResourceDefinition{}
	if err := c.admin.Get(ctx, client.ObjectKey{Name: "securityincidents." + v1alpha1.GroupVersion.Group}, whole); err != nil {
		return err
	}
	ruleless := whole.DeepCopy()
	for i := range ruleless.Spec.Versions {
		if s := ruleless.Spec.Versions[i].Schema; s != nil && s.OpenAPIV3Schema != nil {
			dropRules(s.OpenAPIV3Schema)
		}
	}

	incidents := func() (time.Duration, error) {
		return floorIncidents(ctx, c.writer, floorPartsNS, o.incidents, o.writers, probe)
	}
	// A part's crd and policies are what it needs of the incidents'
	// schema and bindings; the bare part needs neither, and leaves them
	// as they are (nil).
	on, off := true, false
	type setup struct {
		part     *floorPart
		crd      *apiextensionsv1.CustomResourceDefinition
		policies *bool
		measure  func() (time.Duration, error)
		clean    func() error
	}
	cleanIncidents := func() error {
		return deleteAll(ctx, c.admin, &v1alpha1.SecurityIncidentList{}, floorPartsNS, o.writers)
	}
	setups := []setup{
		{part: &floorPart{what: "a bare custom resource (no schema, rules or policies)"},
			measure: func() (time.Duration, error) {
				return floorBare(ctx, c.admin, floorBareNS, o.incidents, o.writers, probe)
			},
			clean: func() error { return deleteBare(ctx, c.admin, floorBareNS) }},
		{part: &floorPart{what: "incidents: schema without its validation rules, no policies"}, crd: ruleless, policies: &off, measure: incidents, clean: cleanIncidents},
		{part: &floorPart{what: "incidents: whole schema, no policies"}, crd: whole, policies: &off, measure: incidents, clean: cleanIncidents},
		{part: &floorPart{what: "incidents as deployed: whole schema and policies"}, crd: whole, policies: &on, measure: incidents, clean: cleanIncidents},
		{part: &floorPart{what: "as deployed, each read back before its status write"}, crd: whole, policies: &on,
			measure: func() (time.Duration, error) {
				return floorIncidentsReading(ctx, c.writer, floorPartsNS, o.incidents, o.writers, probe, true)
			}, clean: cleanIncidents},
	}
	// The bindings as the cluster holds them now: taken away and put back
	// as they were, not read again from config/admission, which may have
	// changed since the run began.
	bindings, err := listBindings(ctx, c)
	if err != nil {
		return err
	}
	schema, policies := whole, true
	for r := range rounds {
		for k := range setups {
			s := setups[(k+r)%len(setups)]
			if s.crd != nil && s.crd != schema {
				if err := putSchema(ctx, c, s.crd); err != nil {
					return err
				}
				schema = s.crd
			}
			if s.policies != nil && *s.policies != policies {
				if err := bindPolicies(ctx, c, bindings, *s.policies); err != nil {
					return err
				}
				policies = *s.policies
			}
			// Let the API server take in the new schema and bindings, and
			// the last part's deletes settle.
			time.Sleep(5 * time.Second)
			fmt.Fprintf(os.Stderr, "bench: floor parts, round %d: %s\n", r+1, s.part.what)
			// The first round profiles the API server for the first
			// seconds of each part.
			profiled := make(chan error, 1)
			if r == 0 && o.profiles != "" {
				path := filepath.Join(o.profiles, fmt.Sprintf("kube-apiserver-cpu-floor-part-%d.pprof", k+1))
				go func() { profiled <- fetchAPIServer(ctx, c.adminCfg, "/debug/pprof/profile", 8, path) }()
			} else {
				profiled <- nil
			}
			took, _, cpu, err := timed(s.measure)
			if err != nil {
				return err
			}
			if err := <-profiled; err != nil {
				return err
			}
			s.part.took = append(s.part.took, took)
			s.part.apiserverCS = append(s.part.apiserverCS, cpu["kube-apiserver"])
			if err := s.clean(); err != nil {
				return err
			}
		}
	}
	for _, s := range setups {
		b.parts = append(b.parts, s.part)
	}
	return nil
}

// dropRules removes every x-kubernetes-validations rule from s.
func dropRules(s *apiextensionsv1.JSONSchemaProps) {
	s.XValidations = nil
	for k, p := range s.Properties {
		dropRules(&p)
		s.Properties[k] = p
	}
	if s.Items != nil && s.Items.Schema != nil {
		dropRules(s.Items.Schema)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		dropRules(s.AdditionalProperties.Schema)
	}
}

// putSchema makes the incidents' schema that of want.
func putSchema(ctx context.Context, c *cluster, want *apiextensionsv1.CustomResourceDefinition) error {
	cur := &apiextensionsv1.CustomResourceDefinition{}
	if err := c.admin.Get(ctx, client.ObjectKeyFromObject(want), cur); err != nil {
		return err
	}
	cur.Spec.Versions = want.DeepCopy().Spec.Versions
	return c.admin.Update(ctx, cur)
}

// listBindings returns every admission policy binding of the cluster.
func listBindings(ctx context.Context, c *cluster) ([]client.Object, error) {
	vs := &admissionregistrationv1.ValidatingAdmissionPolicyBindingList{}
	if err := c.admin.List(ctx, vs); err != nil {
		return nil, err
	}
	ms := &admissionregistrationv1.MutatingAdmissionPolicyBindingList{}
	if err := c.admin.List(ctx, ms); err != nil {
		return nil, err
	}
	var out []client.Object
	for i := range vs.Items {
		out = append(out, &vs.Items[i])
	}
	for i := range ms.Items {
		out = append(out, &ms.Items[i])
	}
	return out, nil
}

// bindPolicies puts back the bindings (on), or removes every binding
// (off); the policies themselves stay.
func bindPolicies(ctx context.Context, c *cluster, bindings []client.Object, on bool) error {
	if !on {
		if err := c.admin.DeleteAllOf(ctx, &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}); err != nil {
			return err
		}
		return c.admin.DeleteAllOf(ctx, &admissionregistrationv1.MutatingAdmissionPolicyBinding{})
	}
	for _, b := range bindings {
		o := b.DeepCopyObject().(client.Object)
		o.SetResourceVersion("")
		o.SetUID("")
		o.SetManagedFields(nil)
		o.SetCreationTimestamp(metav1.Time{})
		if err := c.admin.Create(ctx, o); err != nil {
			return fmt.Errorf("binding %s again: %w", o.GetName(), err)
		}
	}
	return nil
}

// printParts writes the parts' medians.
func printParts(w io.Writer, n int, parts []*floorPart) {
	if len(parts) == 0 {
		return
	}
	fmt.Fprintf(w, "The incidents' floor in parts: %d objects, create + 1 status write, median of %d rounds\n", n, len(parts[0].took))
	for _, p := range parts {
		took := slices.Clone(p.took)
		slices.Sort(took)
		cs := slices.Clone(p.apiserverCS)
		slices.Sort(cs)
		fmt.Fprintf(w, "  %-62s %6.1f s   kube-apiserver %5.1f CPU-s   (rounds: %v)\n", p.what, took[len(took)/2].Seconds(), cs[len(cs)/2], p.took)
	}
}
