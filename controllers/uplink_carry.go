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

// maxDecisions is how many decisions of the upper cluster a pass writes
// back at most: a few rounds of the writers.
const maxDecisions = 4 * linkWriters

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
	incidents, decisions, err := r.incidentsUp(ctx, s)
	if err != nil {
		return err
	}
	work = append(work, incidents...)
	// The new copies are with the connection's writers (hand); the failed
	// ones are counted here, and tried again.
	creating, failed := s.upper.handed()
	s.failed += failed
	// Copies first: in a storm the decisions there wait for a pass with no
	// copy to write, and such a pass writes a few of them only, so that
	// the copies filed meanwhile do not wait long behind them; the rest
	// follow in passes of their own, at once. While the writers have
	// copies, the last of them wakes the link for those passes.
	later := false
	if len(incidents) > 0 || creating > 0 {
		later = creating == 0
		decisions, s.waiting = nil, s.waiting+len(decisions)
	}
	if len(decisions) > maxDecisions {
		later = true
		s.waiting += len(decisions) - maxDecisions
		decisions = decisions[:maxDecisions]
	}
	work = append(work, decisions...)
	s.Later = s.Later || (later && s.waiting > 0)
	s.waiting += creating
	more := r.unitReportsUp
	if l.Spec.Member == v1alpha1.UplinkProvince {
		more = r.responsesUp
	}
	w, err := more(ctx, s)
	if err != nil {
		return err
	}
	work = append(work, w...)
	return s.cross(ctx, work)
}

// cross runs the work of a pass, a few writes at a time, and counts what
// did not cross: a conflict by name, any other failure as backlog.
func (s *uplinkScope) cross(ctx context.Context, work []func(context.Context) error) error {
	s.crossing += len(work)
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
// that of writing their copies' decisions back.
func (r *UplinkReconciler) incidentsUp(ctx context.Context, s *uplinkScope) (work, decisions []func(context.Context) error, err error) {
	l := s.Obj
	member, cluster, upperNS := l.Spec.Member, l.Spec.Cluster, l.Spec.Upper.Namespace
	local := &v1alpha1.SecurityIncidentList{}
	if err := r.List(ctx, local, readOnly(inNamespaces(l))...); err != nil {
		return nil, nil, err
	}
	held := &v1alpha1.SecurityIncidentList{}
	if err := s.upper.cluster.GetCache().List(ctx, held, client.InNamespace(upperNS), client.UnsafeDisableDeepCopy); err != nil {
		return nil, nil, err
	}
	byName := indexByName(held.Items)
	upc, written := s.upper.cluster.GetClient(), s.upper.written
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
			if _, ok := written.Unseen(want, in.UID); ok {
				across++ // created, and the cache there has not seen it yet
				continue
			}
			s.upper.hand(upperNS+"/"+name, func(ctx context.Context) error {
				return createCopy(ctx, upc, written, want, in, func(h *v1alpha1.SecurityIncident) bool {
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
		case written.Behind(h):
			// Written by this link, and the cache there is behind it.
		case !link.IncidentCurrent(h, in, member, cluster):
			want := h.DeepCopy()
			in.Spec.DeepCopyInto(&want.Spec)
			link.Mark(want, in, cluster, link.CopyKind(member))
			work = append(work, func(ctx context.Context) error { return updateCopy(ctx, upc, written, want) })
		default:
			across++
		}
		if d := link.Decision(l.Spec.Upper.Name, h); !equality.Semantic.DeepEqual(in.Status.Upstream, d) {
			decisions = append(decisions, func(ctx context.Context) error {
				after := in.DeepCopy()
				after.Status.Upstream = d
				return reconcile.PatchStatus(ctx, r.Kit, in, after)
			})
		}
	}
	s.counts = append(s.counts, v1alpha1.UplinkCount{Kind: "SecurityIncident", Direction: "Up", Copies: across})
	return work, decisions, nil
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
	if err := r.List(ctx, local, readOnly(inNamespaces(l))...); err != nil {
		return nil, err
	}
	held := &v1alpha1.UnitReportList{}
	if err := s.upper.cluster.GetCache().List(ctx, held, client.InNamespace(upperNS), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	byName := indexByName(held.Items)
	resolve := r.mirrorOrigin(ctx)
	upc, written := s.upper.cluster.GetClient(), s.upper.written
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
			if _, ok := written.Unseen(want, rep.UID); ok {
				across++
				continue
			}
			work = append(work, func(ctx context.Context) error {
				return createCopy(ctx, upc, written, want, rep, func(h *v1alpha1.UnitReport) bool {
					return link.UnitReportCurrent(h, rep, cluster, upperNS, resolve)
				}, func(h *v1alpha1.UnitReport) { h.Spec = want.Spec; link.Mark(h, rep, cluster, v1alpha1.CopyReported) })
			})
		case !link.SameOrigin(h, rep):
			s.conflicts = append(s.conflicts, fmt.Sprintf("UnitReport %s/%s", upperNS, rep.Name))
		case written.Behind(h):
		case !link.UnitReportCurrent(h, rep, cluster, upperNS, resolve):
			want := h.DeepCopy()
			want.Spec = link.UnitReport(rep, cluster, upperNS, resolve).Spec
			link.Mark(want, rep, cluster, v1alpha1.CopyReported)
			work = append(work, func(ctx context.Context) error { return updateCopy(ctx, upc, written, want) })
		default:
			across++
		}
		if h != nil && link.SameOrigin(h, rep) {
			if d := link.ReportDecision(l.Spec.Upper.Name, h); !equality.Semantic.DeepEqual(rep.Status.Upstream, d) {
				work = append(work, func(ctx context.Context) error {
					after := rep.DeepCopy()
					after.Status.Upstream = d
					return reconcile.PatchStatus(ctx, r.Kit, rep, after)
				})
			}
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
	if err := r.List(ctx, local, readOnly(inNamespaces(l))...); err != nil {
		return nil, err
	}
	held := &v1alpha1.EmergencyResponseList{}
	if err := s.upper.cluster.GetCache().List(ctx, held, client.InNamespace(upperNS), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	byName := indexByName(held.Items)
	ref := r.relayedName(ctx)
	upc, written := s.upper.cluster.GetClient(), s.upper.written
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
			if _, ok := written.Unseen(want, resp.UID); ok {
				continue
			}
			work = append(work, func(ctx context.Context) error {
				err := createCopy(ctx, upc, written, want, resp, func(h *v1alpha1.EmergencyResponse) bool {
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
				if err := upc.Status().Update(ctx, want); err != nil {
					return err
				}
				written.Note(want)
				return nil
			})
			continue
		case !link.SameOrigin(h, resp):
			s.conflicts = append(s.conflicts, fmt.Sprintf("EmergencyResponse %s/%s", upperNS, name))
			continue
		case written.Behind(h):
		case !link.ResponseCurrent(h, resp, cluster, upperNS, ref):
			want := h.DeepCopy()
			want.Spec = link.Response(resp, cluster, upperNS, ref).Spec
			link.Mark(want, resp, cluster, v1alpha1.CopyRelayed)
			work = append(work, func(ctx context.Context) error { return updateCopy(ctx, upc, written, want) })
		case !equality.Semantic.DeepEqual(h.Status, resp.Status):
			want := h.DeepCopy()
			want.Status = *resp.Status.DeepCopy()
			work = append(work, func(ctx context.Context) error {
				if err := upc.Status().Update(ctx, want); err != nil {
					return err
				}
				written.Note(want)
				return nil
			})
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

// carryDown mirrors the upper office's published warnings here (into the
// unit's namespace, or the province's office namespace), and for a unit
// the upper office's responses that cover its incidents, with their
// status as they are there. A mirror is read-only here, and the operator
// here does not act on it.
func (r *UplinkReconciler) carryDown(ctx context.Context, s *uplinkScope) error {
	if s.upper == nil {
		return nil
	}
	l := s.Obj
	target := r.OfficeNamespace
	if l.Spec.Member == v1alpha1.UplinkUnit {
		target = l.Spec.Namespaces[0]
	}
	if target == "" {
		return nil
	}
	upper, office := l.Spec.Upper.Name, officeOf(l)
	var work []func(context.Context) error

	warnings := &v1alpha1.WarningList{}
	if err := s.upper.cluster.GetCache().List(ctx, warnings, client.InNamespace(office), client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	across := int32(0)
	for i := range warnings.Items {
		w := &warnings.Items[i]
		// A mirror there (the ministry's warning at the province's office)
		// comes down too: the units answer the ministry's warnings through
		// the province.
		if !link.Mirrored(w) {
			continue
		}
		m := &v1alpha1.Warning{}
		err := r.Get(ctx, client.ObjectKey{Namespace: target, Name: w.Name}, m)
		switch {
		case apierrors.IsNotFound(err):
			want := link.MirrorWarning(w, upper, target)
			work = append(work, func(ctx context.Context) error { return r.createMirror(ctx, want, w) })
		case err != nil:
			return err
		case !link.SameOrigin(m, w):
			s.conflicts = append(s.conflicts, fmt.Sprintf("Warning %s/%s", target, w.Name))
		case !link.WarningMirrorCurrent(m, w, upper):
			want := link.MirrorWarning(w, upper, target)
			work = append(work, func(ctx context.Context) error { return r.updateMirror(ctx, m, want) })
		default:
			across++
		}
	}
	s.counts = append(s.counts, v1alpha1.UplinkCount{Kind: "Warning", Direction: "Down", Copies: across})

	if l.Spec.Member == v1alpha1.UplinkUnit {
		responses, err := r.responsesDown(ctx, s, target)
		if err != nil {
			return err
		}
		work = append(work, responses...)
	}
	return s.cross(ctx, work)
}

// responsesDown is the work of mirroring into a unit's namespace the upper
// office's responses that cover the unit's incidents.
func (r *UplinkReconciler) responsesDown(ctx context.Context, s *uplinkScope, target string) ([]func(context.Context) error, error) {
	l := s.Obj
	upper, upperNS := l.Spec.Upper.Name, l.Spec.Upper.Namespace
	responses := &v1alpha1.EmergencyResponseList{}
	if err := s.upper.cluster.GetCache().List(ctx, responses, client.InNamespace(officeOf(l)), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	// The incidents there that are this unit's copies, by name: a
	// response's reference to one is a reference to its original here.
	ours := map[string]string{}
	held := &v1alpha1.SecurityIncidentList{}
	if err := s.upper.cluster.GetCache().List(ctx, held, client.InNamespace(upperNS), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	for i := range held.Items {
		if o, ok := link.OriginOf(&held.Items[i]); ok && o.Cluster == l.Spec.Cluster && o.Namespace == target {
			ours[held.Items[i].Name] = o.Name
		}
	}
	local := func(ref v1alpha1.IncidentRef) (v1alpha1.IncidentRef, bool) {
		name, ok := ours[ref.Name]
		return v1alpha1.IncidentRef{Namespace: target, Name: name}, ok && ref.Namespace == upperNS
	}
	var work []func(context.Context) error
	across := int32(0)
	for i := range responses.Items {
		resp := &responses.Items[i]
		if link.IsCopy(resp) {
			continue
		}
		want, ok := link.MirrorResponse(resp, upper, target, local)
		if !ok {
			continue
		}
		m := &v1alpha1.EmergencyResponse{}
		err := r.Get(ctx, client.ObjectKey{Namespace: target, Name: resp.Name}, m)
		switch {
		case apierrors.IsNotFound(err):
			work = append(work, func(ctx context.Context) error { return r.createMirror(ctx, want, resp) })
		case err != nil:
			return nil, err
		case !link.SameOrigin(m, resp):
			s.conflicts = append(s.conflicts, fmt.Sprintf("EmergencyResponse %s/%s", target, resp.Name))
		case !link.ResponseMirrorCurrent(m, want):
			work = append(work, func(ctx context.Context) error { return r.updateMirror(ctx, m, want) })
		default:
			across++
		}
	}
	s.counts = append(s.counts, v1alpha1.UplinkCount{Kind: "EmergencyResponse", Direction: "Down", Copies: across})
	return work, nil
}

// createMirror creates want, a mirror, and then writes its status, which a
// create does not take. A mirror already there (an earlier pass the cache
// had not seen) is brought up to date instead, if it mirrors the same
// original.
func (r *UplinkReconciler) createMirror(ctx context.Context, want, origin client.Object) error {
	status := want.DeepCopyObject().(client.Object)
	err := r.Create(ctx, want)
	if apierrors.IsAlreadyExists(err) {
		held := want.DeepCopyObject().(client.Object)
		if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(want), held); err != nil {
			return err
		}
		if !link.SameOrigin(held, origin) {
			return conflict{fmt.Sprintf("%s %s/%s", kindOf(want), want.GetNamespace(), want.GetName())}
		}
		return r.updateMirror(ctx, held, status)
	}
	if err != nil {
		return err
	}
	status.SetResourceVersion(want.GetResourceVersion())
	status.SetUID(want.GetUID())
	return r.Status().Update(ctx, status)
}

// updateMirror makes held, a mirror here, say what want says: its spec in
// one write, its status in another.
func (r *UplinkReconciler) updateMirror(ctx context.Context, held, want client.Object) error {
	next := held.DeepCopyObject().(client.Object)
	switch n := next.(type) {
	case *v1alpha1.Warning:
		w := want.(*v1alpha1.Warning)
		n.Spec, n.Status = w.Spec, w.Status
	case *v1alpha1.EmergencyResponse:
		w := want.(*v1alpha1.EmergencyResponse)
		n.Spec, n.Status = w.Spec, w.Status
	}
	if !equality.Semantic.DeepEqual(specOf(held), specOf(next)) {
		if err := r.Update(ctx, next); err != nil {
			return err
		}
	}
	return r.Status().Update(ctx, next)
}

// specOf is a warning's or a response's spec.
func specOf(o client.Object) any {
	switch o := o.(type) {
	case *v1alpha1.Warning:
		return o.Spec
	case *v1alpha1.EmergencyResponse:
		return o.Spec
	}
	return nil
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

// readOnly adds to a list's options that its objects are the cache's own,
// not copies: a pass compares every record on both sides, and copying a
// storm's thousands each time would cost more than the rest of it. A pass
// copies an object before it changes it.
func readOnly(opts []client.ListOption) []client.ListOption {
	return append(opts, client.UnsafeDisableDeepCopy)
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
func createCopy[T client.Object](ctx context.Context, c client.Client, w *reconcile.Written, want T, src client.Object, current func(T) bool, mark func(T)) error {
	err := c.Create(ctx, want)
	if err == nil {
		w.NoteCreated(want, src.GetUID())
	}
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
	return updateCopy(ctx, c, w, held)
}

// updateCopy writes held, a copy on the other side, and remembers the
// write until the cache there has it.
func updateCopy(ctx context.Context, c client.Client, w *reconcile.Written, held client.Object) error {
	if err := c.Update(ctx, held); err != nil {
		return err
	}
	w.Note(held)
	return nil
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

// indexByName maps objects by their names.
func indexByName[T any, PT interface {
	*T
	GetName() string
}](items []T) map[string]PT {
	out := make(map[string]PT, len(items))
	for i := range items {
		p := PT(&items[i])
		out[p.GetName()] = p
	}
	return out
}
