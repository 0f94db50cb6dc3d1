package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/uuid"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/builder"
)

// parallel runs f(0..n-1) on writers goroutines and returns the wall time;
// the first error stops the rest.
func parallel(ctx context.Context, n, writers int, f func(context.Context, int) error) (time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	start := time.Now()
	for range max(1, writers) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(ctx, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), firstErr
}

func ensureNamespace(ctx context.Context, c client.Client, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

// ensureUnitNamespace makes a namespace the bench files incidents in, with
// the unit that files them registered there by the office (admin): a real
// incident is admitted only from its namespace's registered unit.
func ensureUnitNamespace(ctx context.Context, admin client.Client, name string) error {
	if err := ensureNamespace(ctx, admin, name); err != nil {
		return err
	}
	if err := builder.Register(ctx, admin, name, 30*time.Second); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

func incidentName(i int) string { return fmt.Sprintf("inc-%05d", i) }
func responseName(i int) string { return fmt.Sprintf("resp-%04d", i) }

// benchIncident is a level IV incident (an outage over one city, §3.4(1))
// with the full form, so that one classification makes it Ready and a
// response may cover it.
func benchIncident(ns string, i int) *v1alpha1.SecurityIncident {
	return builder.Incident(incidentName(i), ns).Outage(v1alpha1.ScopeCity).Obj()
}

// floorIncidentStatus is the status the floors write for inc, one of
// benchIncident's: the operator's own first status of one (probe, from
// probeStatus), so that a floor's status write costs the API server what
// the operator's does.
func floorIncidentStatus(inc *v1alpha1.SecurityIncident, probe *v1alpha1.SecurityIncidentStatus) v1alpha1.SecurityIncidentStatus {
	st := *probe.DeepCopy()
	st.ObservedGeneration = inc.Generation
	return st
}

// probeNS is where probeStatus has the operator classify one drill.
const probeNS = "bench-probe"

// probeStatus runs the manager (bin) alone on one drill of benchIncident's,
// in a namespace of its own, and returns the status its first write gave
// it, for the floors to write (floorIncidentStatus). The manager is stopped
// and the drill and its reports deleted before it returns, so that the
// floors and the operator's phases meet none of it.
func (b *bench) probeStatus(ctx context.Context, c *cluster, tr *tracker, bin string, controllers []string) (*v1alpha1.SecurityIncidentStatus, error) {
	if err := ensureUnitNamespace(ctx, c.admin, probeNS); err != nil {
		return nil, err
	}
	dir := filepath.Join(b.dir, "probe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	m, err := startManager(ctx, bin, c.managerKubeconfig, dir, strings.Fields(b.o.managerArgs), controllers)
	defer m.stop()
	if err != nil {
		return nil, err
	}
	inc := benchIncident(probeNS, 0)
	inc.Spec.Drill = true
	key := objKey(kindIncident, probeNS, inc.Name)
	tr.keepLevelStatus(key)
	tr.starting(key, time.Now())
	if err := c.writer.Create(ctx, inc); err != nil {
		return nil, fmt.Errorf("probe: creating %s: %w", inc.Name, err)
	}
	if _, err := tr.waitFor(ctx, []string{key}, time.Minute, func(s *objState) bool { return !s.levelAt.IsZero() }); err != nil {
		return nil, fmt.Errorf("probe: the manager did not classify %s: %w", key, err)
	}
	st := tr.levelStatus(key)
	m.stop()
	for _, list := range []client.ObjectList{&v1alpha1.NotificationList{}, &v1alpha1.SecurityIncidentList{}} {
		if err := deleteAll(ctx, c.admin, list, probeNS, 1); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// statusPatch is a merge patch that sets the status.
func statusPatch(status any) (client.Patch, error) {
	data, err := json.Marshal(map[string]any{"status": status})
	if err != nil {
		return nil, err
	}
	return client.RawPatch(types.MergePatchType, data), nil
}

// writeFloorStatus writes once, as a merge patch, the floor's status of
// inc on o (inc itself, or a bare object holding its spec).
func writeFloorStatus(ctx context.Context, c client.Client, o client.Object, inc *v1alpha1.SecurityIncident, probe *v1alpha1.SecurityIncidentStatus) error {
	p, err := statusPatch(floorIncidentStatus(inc, probe))
	if err != nil {
		return err
	}
	if err := c.Status().Patch(ctx, o, p); err != nil {
		return fmt.Errorf("floor: writing the status of %s: %w", o.GetName(), err)
	}
	return nil
}

// floorIncidents: a bare client creates n incidents (drills) in ns and writes each
// one's status once, with writers in parallel.
func floorIncidents(ctx context.Context, c client.Client, ns string, n, writers int, probe *v1alpha1.SecurityIncidentStatus) (time.Duration, error) {
	return floorIncidentsReading(ctx, c, ns, n, writers, probe, false)
}

// floorIncidentsReading is floorIncidents, each incident read back from the
// API server before its status write when read is set: at the create's
// resourceVersion, so that the API server answers from its watch cache, as
// it would an operator that caches only the incidents' metadata and reads
// each whole when its pass begins.
func floorIncidentsReading(ctx context.Context, c client.Client, ns string, n, writers int, probe *v1alpha1.SecurityIncidentStatus, read bool) (time.Duration, error) {
	return parallel(ctx, n, writers, func(ctx context.Context, i int) error {
		inc := benchIncident(ns, i)
		// A drill, so that it can be deleted before the operator starts
		// (config/admission/record.yaml keeps real incidents on record).
		inc.Spec.Drill = true
		if err := c.Create(ctx, inc); err != nil {
			return fmt.Errorf("floor: creating %s: %w", inc.Name, err)
		}
		if read {
			got := &v1alpha1.SecurityIncident{}
			opts := &client.GetOptions{Raw: &metav1.GetOptions{ResourceVersion: inc.ResourceVersion}}
			if err := c.Get(ctx, client.ObjectKeyFromObject(inc), got, opts); err != nil {
				return fmt.Errorf("floor: reading %s back: %w", inc.Name, err)
			}
			inc = got
		}
		return writeFloorStatus(ctx, c, inc, inc, probe)
	})
}

// workGroupSuffixes are the names the operator gives the five work groups
// of a response, after the response's name.
var workGroupSuffixes = map[v1alpha1.WorkGroupType]string{
	v1alpha1.WorkGroupRecovery:                    "recovery",
	v1alpha1.WorkGroupAttackTracing:               "attack-tracing",
	v1alpha1.WorkGroupImpactAssessment:            "impact-assessment",
	v1alpha1.WorkGroupInformationRelease:          "information-release",
	v1alpha1.WorkGroupCrossDepartmentCoordination: "cross-department-coordination",
}

func workGroupNames(resp string) []string {
	out := make([]string, 0, len(v1alpha1.AllWorkGroupTypes))
	for _, t := range v1alpha1.AllWorkGroupTypes {
		out = append(out, resp+"-"+workGroupSuffixes[t])
	}
	return out
}

// floorWorkGroups: a bare client creates the work groups of responses
// responses, as the operator makes them (labels, controller reference), and
// writes each one's status once.
func floorWorkGroups(ctx context.Context, c client.Client, ns string, responses, writers int) (time.Duration, error) {
	kinds := v1alpha1.AllWorkGroupTypes
	owners := make([]types.UID, responses)
	for i := range owners {
		owners[i] = uuid.NewUUID()
	}
	return parallel(ctx, responses*len(kinds), writers, func(ctx context.Context, i int) error {
		resp, typ := responseName(i/len(kinds)), kinds[i%len(kinds)]
		yes := true
		wg := &v1alpha1.WorkGroup{
			ObjectMeta: metav1.ObjectMeta{
				Name: resp + "-" + workGroupSuffixes[typ], Namespace: ns,
				Labels: map[string]string{"emergency.netsec.io/response": resp, "emergency.netsec.io/work-group-type": string(typ)},
				OwnerReferences: []metav1.OwnerReference{{
					APIVersion: v1alpha1.GroupVersion.String(), Kind: "EmergencyResponse", Name: resp,
					UID: owners[i/len(kinds)], Controller: &yes, BlockOwnerDeletion: &yes,
				}},
			},
			Spec: v1alpha1.WorkGroupSpec{Type: typ},
		}
		if err := c.Create(ctx, wg); err != nil {
			return fmt.Errorf("floor: creating work group %s: %w", wg.Name, err)
		}
		now := metav1.NewTime(time.Now().Truncate(time.Second))
		p, err := statusPatch(v1alpha1.WorkGroupStatus{
			ObservedGeneration: wg.Generation,
			Conditions: []metav1.Condition{
				{Type: "Staffed", Status: metav1.ConditionFalse, Reason: "NoLead", Message: "No lead yet: set spec.lead.", ObservedGeneration: wg.Generation, LastTransitionTime: now},
				{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: "SetUp", Message: string(typ) + " work group set up; 0 progress reports.", ObservedGeneration: wg.Generation, LastTransitionTime: now},
			},
		})
		if err != nil {
			return err
		}
		if err := c.Status().Patch(ctx, wg, p); err != nil {
			return fmt.Errorf("floor: writing the status of work group %s: %w", wg.Name, err)
		}
		return nil
	})
}

// deleteAll removes every object of list's kind in ns, writers at a time,
// and checks that none is left, so that the operator, started afterwards,
// never sees the floor's. (One DeleteCollection of thousands of objects
// outlasts the API server's request timeout.)
func deleteAll(ctx context.Context, c client.Client, list client.ObjectList, ns string, writers int) error {
	for range 5 {
		if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
			return err
		}
		items := listItems(list)
		if len(items) == 0 {
			return nil
		}
		if _, err := parallel(ctx, len(items), writers, func(ctx context.Context, i int) error {
			return client.IgnoreNotFound(c.Delete(ctx, items[i]))
		}); err != nil {
			return fmt.Errorf("deleting the floor's objects in %s: %w", ns, err)
		}
	}
	return fmt.Errorf("the floor's objects in %s are still there after five rounds of deletes", ns)
}

func listItems(list client.ObjectList) []client.Object {
	var out []client.Object
	switch l := list.(type) {
	case *v1alpha1.SecurityIncidentList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *v1alpha1.WorkGroupList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *v1alpha1.NotificationList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	}
	return out
}

// createIncidents creates incidents from..to-1 in ns with writers in
// parallel, telling the tracker when each create starts.
func createIncidents(ctx context.Context, c client.Client, tr *tracker, ns string, from, to, writers int) (time.Duration, error) {
	return parallel(ctx, to-from, writers, func(ctx context.Context, i int) error {
		inc := benchIncident(ns, from+i)
		tr.starting(objKey(kindIncident, ns, inc.Name), time.Now())
		if err := c.Create(ctx, inc); err != nil {
			return fmt.Errorf("creating %s: %w", inc.Name, err)
		}
		return nil
	})
}

// createResponses creates responses from..to-1 in ns, response i covering
// incident i.
func createResponses(ctx context.Context, c client.Client, tr *tracker, ns string, from, to, writers int) (time.Duration, error) {
	return parallel(ctx, to-from, writers, func(ctx context.Context, i int) error {
		i += from
		resp := &v1alpha1.EmergencyResponse{
			ObjectMeta: metav1.ObjectMeta{Name: responseName(i), Namespace: ns},
			Spec: v1alpha1.EmergencyResponseSpec{
				IncidentRefs: []v1alpha1.IncidentRef{{Namespace: ns, Name: incidentName(i)}},
				Commander:    "Provincial emergency office",
				Measures:     []v1alpha1.Measure{v1alpha1.MeasureBandwidthExpansion, v1alpha1.MeasureAttackTrafficFiltering},
			},
		}
		tr.starting(objKey(kindResponse, ns, resp.Name), time.Now())
		if err := c.Create(ctx, resp); err != nil {
			return fmt.Errorf("creating %s: %w", resp.Name, err)
		}
		return nil
	})
}

// approve has the approver approve responses from..to-1 at level IV.
func approve(ctx context.Context, approver client.Client, tr *tracker, ns string, from, to, writers int) (time.Duration, error) {
	patch := client.RawPatch(types.MergePatchType, []byte(fmt.Sprintf(`{"metadata":{"annotations":{%q:%q,%q:"IV"}}}`,
		v1alpha1.AnnotationApprovedBy, approverUser, v1alpha1.AnnotationApprovedLevel)))
	return parallel(ctx, to-from, writers, func(ctx context.Context, i int) error {
		resp := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: responseName(from + i), Namespace: ns}}
		if err := approver.Patch(ctx, resp, patch); err != nil {
			return fmt.Errorf("approving %s: %w", resp.Name, err)
		}
		tr.approved(objKey(kindResponse, ns, resp.Name), time.Now())
		return nil
	})
}
