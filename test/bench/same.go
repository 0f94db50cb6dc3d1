package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The work groups' floor makes 10 writes a response; the operator makes 21
// for an approved response, most of them records and reports the plan asks
// for. sameWrites is a third measure between the two: a bare client making,
// for each response, the very writes the operator made for the first
// approved one, with the operator's own objects and statuses, one response
// after another on each writer. The operator's time against it is what its
// own scheduling adds to the writes it makes.

// sameWrites is what the operator wrote for one approved response, as it
// left it: the response and its incident (their statuses before the
// approval are taken as the final ones without what the approval brought),
// the work groups, the reports and the events.
type sameWrites struct {
	inc    *v1alpha1.SecurityIncident
	resp   *v1alpha1.EmergencyResponse
	groups []v1alpha1.WorkGroup
	notes  []v1alpha1.Notification
	events []corev1.Event
}

// writes is how many writes replaying one response makes, the approval
// included.
func (s *sameWrites) writes() int {
	return 1 + 2 + 2*len(s.groups) + 2 + 2*len(s.notes) + len(s.events)
}

// takeSameWrites reads what the operator wrote for response 0 in ns.
func takeSameWrites(ctx context.Context, c client.Client, ns string) (*sameWrites, error) {
	s := &sameWrites{inc: &v1alpha1.SecurityIncident{}, resp: &v1alpha1.EmergencyResponse{}}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: incidentName(0)}, s.inc); err != nil {
		return nil, err
	}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: responseName(0)}, s.resp); err != nil {
		return nil, err
	}
	for _, name := range workGroupNames(responseName(0)) {
		wg := v1alpha1.WorkGroup{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &wg); err != nil {
			return nil, err
		}
		s.groups = append(s.groups, wg)
	}
	notes := &v1alpha1.NotificationList{}
	if err := c.List(ctx, notes, client.InNamespace(ns), client.MatchingLabels{v1alpha1.LabelSourceUID: string(s.resp.UID)}); err != nil {
		return nil, err
	}
	s.notes = notes.Items
	events := &corev1.EventList{}
	if err := c.List(ctx, events, client.InNamespace(ns), client.MatchingFields{"involvedObject.name": responseName(0)}); err != nil {
		return nil, err
	}
	// The approval's events are the newest: one per write of the response
	// that carried a change worth telling.
	sort.Slice(events.Items, func(i, j int) bool {
		return events.Items[i].CreationTimestamp.After(events.Items[j].CreationTimestamp.Time)
	})
	s.events = events.Items[:min(2, len(events.Items))]
	if len(s.notes) == 0 || s.resp.Status.StartedTime == nil || s.resp.Status.WorkGroupsReadyTime == nil {
		return nil, fmt.Errorf("response %s/%s has not run its course (%d reports)", ns, responseName(0), len(s.notes))
	}
	return s, nil
}

// replayOne is the replacement of the template's names, namespace and uids
// with those of the floor's response i.
type replayOne struct {
	*strings.Replacer
}

// Before the floor's objects exist (incUID, respUID empty), the uids are
// left as they are. A report's name carries the first 8 characters of its
// source's uid.
func (s *sameWrites) replacer(ns string, i int, incUID, respUID types.UID) replayOne {
	var pairs []string
	for _, u := range [][2]types.UID{{s.inc.UID, incUID}, {s.resp.UID, respUID}} {
		if u[1] != "" {
			pairs = append(pairs, string(u[0]), string(u[1]), string(u[0])[:8], string(u[1])[:8])
		}
	}
	pairs = append(pairs, incidentName(0), incidentName(i), responseName(0), responseName(i), `"`+s.inc.Namespace+`"`, `"`+ns+`"`)
	return replayOne{strings.NewReplacer(pairs...)}
}

// as is o with the template's names replaced, decoded into out, without
// what the API server set.
func (r replayOne) as(o any, out client.Object) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(r.Replace(string(b))), out); err != nil {
		return err
	}
	out.SetResourceVersion("")
	out.SetUID("")
	out.SetManagedFields(nil)
	out.SetCreationTimestamp(metav1.Time{})
	out.SetGeneration(0)
	return nil
}

// status is a merge patch setting the status of o, names replaced.
func (r replayOne) status(status any) (client.Patch, error) {
	b, err := json.Marshal(map[string]any{"status": status})
	if err != nil {
		return nil, err
	}
	return client.RawPatch(types.MergePatchType, []byte(r.Replace(string(b)))), nil
}

// responseStatuses are the response's status before the approval, after
// its first write (started, work groups asked for) and at the end.
func (s *sameWrites) responseStatuses() [3]v1alpha1.EmergencyResponseStatus {
	final := s.resp.Status
	first := *final.DeepCopy()
	first.WorkGroupsReadyTime = nil
	if c := apimeta.FindStatusCondition(first.Conditions, v1alpha1.ResponseWorkGroupsReadyCondition); c != nil {
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, "Waiting", "Waiting for the work groups."
	}
	before := *first.DeepCopy()
	before.Phase, before.Approval, before.StartedTime, before.WorkGroups, before.MeasuresInForce = v1alpha1.ResponseAwaitingApproval, nil, nil, nil, nil
	return [3]v1alpha1.EmergencyResponseStatus{before, first, final}
}

// incidentStatuses are the incident's status before the approval, once
// its response started, and at the end.
func (s *sameWrites) incidentStatuses() [3]v1alpha1.SecurityIncidentStatus {
	final := s.inc.Status
	first := *final.DeepCopy()
	first.Timeline.WorkGroupsReadyTime = nil
	before := *first.DeepCopy()
	before.Response, before.Responses = nil, nil
	before.Timeline.ApprovedTime, before.Timeline.StartedTime = nil, nil
	return [3]v1alpha1.SecurityIncidentStatus{before, first, final}
}

// replay makes, in ns, n incidents and responses as the operator had them
// before the approval (not timed), then, timed, for each response on
// writers in parallel, the writes the operator made for the template's:
// the approval (by approver), the response's first status, its work
// groups and their status, its second status, the incident's two
// statuses, the reports and their status, the events.
func (s *sameWrites) replay(ctx context.Context, writer, approver client.Client, ns string, n, writers int) (time.Duration, error) {
	if err := ensureNamespace(ctx, writer, ns); err != nil {
		return 0, err
	}
	resp, inc := s.responseStatuses(), s.incidentStatuses()
	type pair struct{ inc, resp types.UID }
	uids := make([]pair, n)
	if _, err := parallel(ctx, n, writers, func(ctx context.Context, i int) error {
		r := s.replacer(ns, i, "", "")
		in := &v1alpha1.SecurityIncident{}
		if err := r.as(s.inc, in); err != nil {
			return err
		}
		in.Status = v1alpha1.SecurityIncidentStatus{}
		if err := writer.Create(ctx, in); err != nil {
			return fmt.Errorf("same writes: creating %s: %w", in.Name, err)
		}
		rs := &v1alpha1.EmergencyResponse{}
		if err := r.as(s.resp, rs); err != nil {
			return err
		}
		rs.Status = v1alpha1.EmergencyResponseStatus{}
		// The approval is replayed below, by the approver.
		for _, k := range []string{v1alpha1.AnnotationApprovedBy, v1alpha1.AnnotationApprovedLevel} {
			delete(rs.Annotations, k)
		}
		if err := writer.Create(ctx, rs); err != nil {
			return fmt.Errorf("same writes: creating %s: %w", rs.Name, err)
		}
		uids[i] = pair{in.UID, rs.UID}
		r = s.replacer(ns, i, in.UID, rs.UID)
		if err := patchStatus(ctx, writer, in, r, inc[0]); err != nil {
			return err
		}
		return patchStatus(ctx, writer, rs, r, resp[0])
	}); err != nil {
		return 0, err
	}

	approval := client.RawPatch(types.MergePatchType, []byte(fmt.Sprintf(`{"metadata":{"annotations":{%q:%q,%q:%q}}}`,
		v1alpha1.AnnotationApprovedBy, approverUser, v1alpha1.AnnotationApprovedLevel, s.resp.Annotations[v1alpha1.AnnotationApprovedLevel])))
	return parallel(ctx, n, writers, func(ctx context.Context, i int) error {
		r := s.replacer(ns, i, uids[i].inc, uids[i].resp)
		in := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: incidentName(i)}}
		rs := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: responseName(i)}}
		if err := approver.Patch(ctx, rs, approval); err != nil {
			return fmt.Errorf("same writes: approving %s: %w", rs.Name, err)
		}
		if err := patchStatus(ctx, writer, rs, r, resp[1]); err != nil {
			return err
		}
		var made []client.Object
		for _, o := range s.groups {
			wg := &v1alpha1.WorkGroup{}
			if err := r.as(o, wg); err != nil {
				return err
			}
			if err := writer.Create(ctx, wg); err != nil {
				return fmt.Errorf("same writes: creating work group %s: %w", wg.Name, err)
			}
			made = append(made, wg)
		}
		for k, o := range s.groups {
			if err := patchStatus(ctx, writer, made[k], r, o.Status); err != nil {
				return err
			}
		}
		if err := patchStatus(ctx, writer, rs, r, resp[2]); err != nil {
			return err
		}
		for _, st := range inc[1:] {
			if err := patchStatus(ctx, writer, in, r, st); err != nil {
				return err
			}
		}
		for _, o := range s.notes {
			note := &v1alpha1.Notification{}
			if err := r.as(o, note); err != nil {
				return err
			}
			note.Status = v1alpha1.NotificationStatus{}
			if err := writer.Create(ctx, note); err != nil {
				return fmt.Errorf("same writes: creating report %s: %w", note.Name, err)
			}
			if err := patchStatus(ctx, writer, note, r, o.Status); err != nil {
				return err
			}
		}
		for k, o := range s.events {
			ev := &corev1.Event{}
			if err := r.as(o, ev); err != nil {
				return err
			}
			ev.Name = fmt.Sprintf("%s.same-%d", rs.Name, k)
			ev.InvolvedObject.UID = uids[i].resp
			if err := writer.Create(ctx, ev); err != nil {
				return fmt.Errorf("same writes: creating event %s: %w", ev.Name, err)
			}
		}
		return nil
	})
}

func patchStatus(ctx context.Context, c client.Client, o client.Object, r replayOne, status any) error {
	p, err := r.status(status)
	if err != nil {
		return err
	}
	if err := c.Status().Patch(ctx, o, p); err != nil {
		return fmt.Errorf("same writes: writing the status of %T %s: %w", o, o.GetName(), err)
	}
	return nil
}
