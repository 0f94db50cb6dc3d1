package controllers

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/link"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// linkWriters is how many writes a link makes at once: a storm's copies
// cross in parallel, as a client copying them by hand would send them.
const linkWriters = 16

// conflict says a copy's name is held on the other side by a copy of
// another origin; it names the record.
type conflict struct{ what string }

func (c conflict) Error() string { return c.what }

// carryUp writes on the upper cluster every copy that is missing or
// behind its original here, and writes back into each original what the
// upper cluster decided on its copy. A unit's link carries its incidents
// and its reports; the province's, its level I and II incidents.
func (r *UplinkReconciler) carryUp(ctx context.Context, s *uplinkScope) error {
	if s.upper == nil {
		return nil
	}
	l := s.Obj
	var work []func(context.Context) error
	incidents, err := r.incidentsUp(ctx, s)
	if err != nil {
		return err
	}
	work = append(work, incidents...)
	more := r.unitReportsUp
	if l.Spec.Member == v1alpha1.UplinkProvince {
		more = r.responsesUp
	}
	w, err := more(ctx, s)
	if err != nil {
		return err
	}
	work = append(work, w...)
	s.crossing = len(work)

	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(linkWriters)
	for _, w := range work {
		g.Go(func() error {
			if err := w(gctx); err != nil {
				mu.Lock()
				defer mu.Unlock()
				var c conflict
				if errors.As(err, &c) {
					s.conflicts = append(s.conflicts, c.what)
				} else {
					s.failed++
					ctrl.LoggerFrom(gctx).V(1).Info("a record did not cross; the link tries again", "error", err.Error())
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// incidentsUp is the work of carrying this cluster's incidents up, and
// their copies' decisions back.
func (r *UplinkReconciler) incidentsUp(ctx context.Context, s *uplinkScope) ([]func(context.Context) error, error) {
	l := s.Obj
	member, cluster, upperNS := l.Spec.Member, l.Spec.Cluster, l.Spec.Upper.Namespace
	local := &v1alpha1.SecurityIncidentList{}
	if err := r.List(ctx, local, inNamespaces(l)...); err != nil {
		return nil, err
	}
	held := &v1alpha1.SecurityIncidentList{}
	if err := s.upper.cluster.GetCache().List(ctx, held, client.InNamespace(upperNS)); err != nil {
		return nil, err
	}
	byName := make(map[string]*v1alpha1.SecurityIncident, len(held.Items))
	for i := range held.Items {
		byName[held.Items[i].Name] = &held.Items[i]
	}
	upc := s.upper.cluster.GetClient()
	var work []func(context.Context) error
	across := int32(0)
	for i := range local.Items {
		in := &local.Items[i]
		if !carries(l, in.Namespace) || link.IsMirror(in) || !goesUp(member, in) {
			continue
		}
		name := link.CopyName(member, in)
		h := byName[name]
		switch {
		case h == nil:
			want := link.Incident(in, member, cluster, upperNS)
			work = append(work, func(ctx context.Context) error {
				return createCopy(ctx, upc, want, in, func(h *v1alpha1.SecurityIncident) bool {
					return link.IncidentCurrent(h, in, member, cluster)
				}, func(h *v1alpha1.SecurityIncident) {
					h.Spec = want.Spec
					link.Mark(h, in, cluster, link.CopyKind(member))
				})
			})
			continue
		case !link.SameOrigin(h, in):
			s.conflicts = append(s.conflicts, fmt.Sprintf("SecurityIncident %s/%s", upperNS, name))
			continue
		case !link.IncidentCurrent(h, in, member, cluster):
			want := h.DeepCopy()
			in.Spec.DeepCopyInto(&want.Spec)
			link.Mark(want, in, cluster, link.CopyKind(member))
			work = append(work, func(ctx context.Context) error { return upc.Update(ctx, want) })
		default:
			across++
		}
		if d := link.Decision(l.Spec.Upper.Name, h); !equality.Semantic.DeepEqual(in.Status.Upstream, d) {
			work = append(work, func(ctx context.Context) error {
				after := in.DeepCopy()
				after.Status.Upstream = d
				return reconcile.PatchStatus(ctx, r.Kit, in, after)
			})
		}
	}
	s.counts = append(s.counts, v1alpha1.UplinkCount{Kind: "SecurityIncident", Direction: "Up", Copies: across})
	return work, nil
}

// goesUp says whether a link of member carries the incident: a unit's
// every incident; the province's, those of level I or II, which the
// ministry decides on (§5.3).
func goesUp(member v1alpha1.UplinkMember, in *v1alpha1.SecurityIncident) bool {
	if member == v1alpha1.UplinkUnit {
		return !link.IsCopy(in)
	}
	return in.Status.Level == v1alpha1.IncidentLevel(v1alpha1.LevelI) || in.Status.Level == v1alpha1.IncidentLevel(v1alpha1.LevelII)
}

// unitReportsUp is the work of carrying a unit's reports up.
func (r *UplinkReconciler) unitReportsUp(ctx context.Context, s *uplinkScope) ([]func(context.Context) error, error) {
	l := s.Obj
	cluster, upperNS := l.Spec.Cluster, l.Spec.Upper.Namespace
	local := &v1alpha1.UnitReportList{}
	if err := r.List(ctx, local, inNamespaces(l)...); err != nil {
		return nil, err
	}
	held := &v1alpha1.UnitReportList{}
	if err := s.upper.cluster.GetCache().List(ctx, held, client.InNamespace(upperNS)); err != nil {
		return nil, err
	}
	byName := make(map[string]*v1alpha1.UnitReport, len(held.Items))
	for i := range held.Items {
		byName[held.Items[i].Name] = &held.Items[i]
	}
	resolve := r.mirrorOrigin(ctx)
	upc := s.upper.cluster.GetClient()
	var work []func(context.Context) error
	across := int32(0)
	for i := range local.Items {
		rep := &local.Items[i]
		if !carries(l, rep.Namespace) || link.IsCopy(rep) {
			continue
		}
		h := byName[rep.Name]
		switch {
		case h == nil:
			want := link.UnitReport(rep, cluster, upperNS, resolve)
			work = append(work, func(ctx context.Context) error {
				return createCopy(ctx, upc, want, rep, func(h *v1alpha1.UnitReport) bool {
					return link.UnitReportCurrent(h, rep, cluster, upperNS, resolve)
				}, func(h *v1alpha1.UnitReport) { h.Spec = want.Spec; link.Mark(h, rep, cluster, v1alpha1.CopyReported) })
			})
		case !link.SameOrigin(h, rep):
			s.conflicts = append(s.conflicts, fmt.Sprintf("UnitReport %s/%s", upperNS, rep.Name))
		case !link.UnitReportCurrent(h, rep, cluster, upperNS, resolve):
			want := h.DeepCopy()
			want.Spec = link.UnitReport(rep, cluster, upperNS, resolve).Spec
			link.Mark(want, rep, cluster, v1alpha1.CopyReported)
			work = append(work, func(ctx context.Context) error { return upc.Update(ctx, want) })
		default:
			across++
		}
	}
	s.counts = append(s.counts, v1alpha1.UplinkCount{Kind: "UnitReport", Direction: "Up", Copies: across})
	return work, nil
}

// responsesUp is the work of relaying the province's level I and II
// responses to the ministry, with their status as the province has it, and
// of bringing the ministry's directives on them down.
func (r *UplinkReconciler) responsesUp(ctx context.Context, s *uplinkScope) ([]func(context.Context) error, error) {
	l := s.Obj
	cluster, upperNS := l.Spec.Cluster, l.Spec.Upper.Namespace
	local := &v1alpha1.EmergencyResponseList{}
	if err := r.List(ctx, local, inNamespaces(l)...); err != nil {
		return nil, err
	}
	held := &v1alpha1.EmergencyResponseList{}
	if err := s.upper.cluster.GetCache().List(ctx, held, client.InNamespace(upperNS)); err != nil {
		return nil, err
	}
	byName := make(map[string]*v1alpha1.EmergencyResponse, len(held.Items))
	for i := range held.Items {
		byName[held.Items[i].Name] = &held.Items[i]
	}
	ref := r.relayedName(ctx)
	upc := s.upper.cluster.GetClient()
	var work []func(context.Context) error
	across := int32(0)
	for i := range local.Items {
		resp := &local.Items[i]
		if !carries(l, resp.Namespace) || link.IsCopy(resp) ||
			(resp.Status.Level != v1alpha1.LevelI && resp.Status.Level != v1alpha1.LevelII) {
			continue
		}
		name := link.CopyName(v1alpha1.UplinkProvince, resp)
		h := byName[name]
		switch {
		case h == nil:
			want := link.Response(resp, cluster, upperNS, ref)
			work = append(work, func(ctx context.Context) error {
				err := createCopy(ctx, upc, want, resp, func(h *v1alpha1.EmergencyResponse) bool {
					return link.ResponseCurrent(h, resp, cluster, upperNS, ref)
				}, func(h *v1alpha1.EmergencyResponse) {
					h.Spec = want.Spec
					link.Mark(h, resp, cluster, v1alpha1.CopyRelayed)
				})
				if err != nil {
					return err
				}
				// Its status as the province has it, in a write of its own.
				want.Status = *resp.Status.DeepCopy()
				return upc.Status().Update(ctx, want)
			})
			continue
		case !link.SameOrigin(h, resp):
			s.conflicts = append(s.conflicts, fmt.Sprintf("EmergencyResponse %s/%s", upperNS, name))
			continue
		case !link.ResponseCurrent(h, resp, cluster, upperNS, ref):
			want := h.DeepCopy()
			want.Spec = link.Response(resp, cluster, upperNS, ref).Spec
			link.Mark(want, resp, cluster, v1alpha1.CopyRelayed)
			work = append(work, func(ctx context.Context) error { return upc.Update(ctx, want) })
		case !equality.Semantic.DeepEqual(h.Status, resp.Status):
			want := h.DeepCopy()
			want.Status = *resp.Status.DeepCopy()
			work = append(work, func(ctx context.Context) error { return upc.Status().Update(ctx, want) })
		default:
			across++
		}
		if add := link.Directives(h, resp, l.Spec.Upper.Name); add != nil {
			work = append(work, func(ctx context.Context) error {
				after := resp.DeepCopy()
				if after.Annotations == nil {
					after.Annotations = map[string]string{}
				}
				maps.Copy(after.Annotations, add)
				return r.Patch(ctx, after, client.MergeFrom(resp))
			})
		}
	}
	s.counts = append(s.counts, v1alpha1.UplinkCount{Kind: "EmergencyResponse", Direction: "Up", Copies: across})
	return work, nil
}

// relayedName names the relayed copy of the incident ns/name here.
func (r *UplinkReconciler) relayedName(ctx context.Context) link.RefName {
	return func(ns, name string) string {
		in := &v1alpha1.SecurityIncident{}
		if err := r.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, in); err != nil {
			in.Namespace, in.Name = ns, name
		}
		return link.CopyName(v1alpha1.UplinkProvince, in)
	}
}

// mirrorOrigin maps a reference to a mirror here (a warning or a response
// the upper cluster sent down) to its original there.
func (r *UplinkReconciler) mirrorOrigin(ctx context.Context) link.Resolve {
	return func(ns, name string) (v1alpha1.ObjectRef, bool) {
		for _, o := range []client.Object{&v1alpha1.Warning{}, &v1alpha1.EmergencyResponse{}} {
			if err := r.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, o); err != nil || !link.IsMirror(o) {
				continue
			}
			if origin, ok := link.OriginOf(o); ok {
				return v1alpha1.ObjectRef{Namespace: origin.Namespace, Name: origin.Name}, true
			}
		}
		return v1alpha1.ObjectRef{}, false
	}
}

// inNamespaces lists the namespaces a link carries: its namespaces, or
// every one.
func inNamespaces(l *v1alpha1.Uplink) []client.ListOption {
	if len(l.Spec.Namespaces) == 1 {
		return []client.ListOption{client.InNamespace(l.Spec.Namespaces[0])}
	}
	return nil
}

// createCopy creates want, the copy of src, on the other side. When its
// name is taken already (the cache there had not seen an earlier pass's
// copy, or an operator stopped between the write and its record), the
// object there is read live: a copy of src is brought up to date with
// mark, anything else is a conflict and stays as it is.
func createCopy[T client.Object](ctx context.Context, c client.Client, want T, src client.Object, current func(T) bool, mark func(T)) error {
	err := c.Create(ctx, want)
	if !apierrors.IsAlreadyExists(err) {
		return err
	}
	held := want.DeepCopyObject().(T)
	if err := c.Get(ctx, client.ObjectKeyFromObject(want), held); err != nil {
		return err
	}
	if !link.SameOrigin(held, src) {
		return conflict{fmt.Sprintf("%s %s/%s", kindOf(want), want.GetNamespace(), want.GetName())}
	}
	if current(held) {
		return nil
	}
	mark(held)
	return c.Update(ctx, held)
}

// kindOf names an object's kind for a message.
func kindOf(o client.Object) string {
	switch o.(type) {
	case *v1alpha1.SecurityIncident:
		return "SecurityIncident"
	case *v1alpha1.UnitReport:
		return "UnitReport"
	case *v1alpha1.Warning:
		return "Warning"
	case *v1alpha1.EmergencyResponse:
		return "EmergencyResponse"
	}
	return fmt.Sprintf("%T", o)
}
