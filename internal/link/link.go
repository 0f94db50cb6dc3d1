// Package link says what crosses an Uplink and in what form: the name and
// marks of a copy, the copy itself, whether one on the other side is
// current, and what the upper cluster's copy tells the original. It reads
// and builds objects only; the controller of the Uplink kind writes them.
package link

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/text"
)

// Origin is where a copy came from.
type Origin struct {
	Cluster   string
	Namespace string
	Name      string
	UID       types.UID
}

// OriginOf reads a copy's origin from its marks; ok is false for an
// original.
func OriginOf(o metav1.Object) (Origin, bool) {
	l := o.GetLabels()
	if l[v1alpha1.LabelCopy] == "" || l[v1alpha1.LabelOriginCluster] == "" {
		return Origin{}, false
	}
	ns, name := splitOrigin(o.GetAnnotations()[v1alpha1.AnnotationOrigin])
	return Origin{Cluster: l[v1alpha1.LabelOriginCluster], Namespace: ns, Name: name, UID: types.UID(l[v1alpha1.LabelOriginUID])}, true
}

// IsCopy says whether o is a copy of any kind, carried up or down.
func IsCopy(o metav1.Object) bool { return o.GetLabels()[v1alpha1.LabelCopy] != "" }

// IsMirror says whether o is a mirror: an upper cluster's record carried
// down, which the operator here reads and never acts on.
func IsMirror(o metav1.Object) bool {
	return o.GetLabels()[v1alpha1.LabelCopy] == v1alpha1.CopyMirror
}

func splitOrigin(s string) (ns, name string) {
	if ns, name, ok := strings.Cut(s, "/"); ok {
		return ns, name
	}
	return "", s
}

// maxName is the longest name a copy of a namespaced kind gets.
const maxName = 253

// CopyName is the name of o's copy on the upper cluster. A unit's link
// carries one namespace into one, so its copies keep their names (a
// unit's report names its incident the same on both sides); the
// province's link carries many namespaces into one, so a relayed copy's
// name is the original's namespace and name, with the original's uid when
// that is too long. Either way the copy carries the uid, and a name held
// by a copy of another origin is a conflict, never overwritten.
func CopyName(member v1alpha1.UplinkMember, o metav1.Object) string {
	if member == v1alpha1.UplinkUnit {
		return o.GetName()
	}
	name := o.GetNamespace() + "-" + o.GetName()
	if len(name) <= maxName {
		return name
	}
	sum := sha256.Sum256([]byte(o.GetUID()))
	return strings.TrimRight(name[:maxName-17], ".-") + "-" + hex.EncodeToString(sum[:8])
}

// CopyKind is the kind of copy a link of member makes going up.
func CopyKind(member v1alpha1.UplinkMember) string {
	if member == v1alpha1.UplinkProvince {
		return v1alpha1.CopyRelayed
	}
	return v1alpha1.CopyReported
}

// Mark gives dst the marks of a copy of src from cluster, of kind copy.
// Labels and annotations of src are not carried: the other side's own
// admission policies set theirs (drill, created-by), and its own people
// decide there.
func Mark(dst, src metav1.Object, cluster, copy string) {
	l := maps.Clone(dst.GetLabels())
	if l == nil {
		l = map[string]string{}
	}
	l[v1alpha1.LabelCopy] = copy
	l[v1alpha1.LabelOriginCluster] = cluster
	l[v1alpha1.LabelOriginUID] = string(src.GetUID())
	dst.SetLabels(l)
	a := maps.Clone(dst.GetAnnotations())
	if a == nil {
		a = map[string]string{}
	}
	a[v1alpha1.AnnotationOrigin] = src.GetNamespace() + "/" + src.GetName()
	dst.SetAnnotations(a)
}

// Marked says whether o carries exactly the marks Mark would give it.
func Marked(o, src metav1.Object, cluster, copy string) bool {
	l, a := o.GetLabels(), o.GetAnnotations()
	return l[v1alpha1.LabelCopy] == copy && l[v1alpha1.LabelOriginCluster] == cluster &&
		l[v1alpha1.LabelOriginUID] == string(src.GetUID()) &&
		a[v1alpha1.AnnotationOrigin] == src.GetNamespace()+"/"+src.GetName()
}

// SameOrigin says whether the object held under a copy's name on the other
// side is a copy of src (and not of another original of the same name).
func SameOrigin(held, src metav1.Object) bool {
	return held.GetLabels()[v1alpha1.LabelOriginUID] == string(src.GetUID())
}

// Incident is the copy of in on the upper cluster, in namespace ns.
func Incident(in *v1alpha1.SecurityIncident, member v1alpha1.UplinkMember, cluster, ns string) *v1alpha1.SecurityIncident {
	c := &v1alpha1.SecurityIncident{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: CopyName(member, in)}}
	in.Spec.DeepCopyInto(&c.Spec)
	Mark(c, in, cluster, CopyKind(member))
	return c
}

// IncidentCurrent says whether held, the copy of in on the upper cluster,
// says what in says.
func IncidentCurrent(held, in *v1alpha1.SecurityIncident, member v1alpha1.UplinkMember, cluster string) bool {
	return Marked(held, in, cluster, CopyKind(member)) && equality.Semantic.DeepEqual(held.Spec, in.Spec)
}

// Resolve maps a unit's reference to a mirror here to the mirror's
// original on the upper cluster; ok is false when ns/name is no mirror.
type Resolve func(ns, name string) (v1alpha1.ObjectRef, bool)

// UnitReport is the copy of r on the upper cluster, in namespace ns: its
// references to mirrors here (the province's warning a unit acknowledges,
// the response it reports progress on) name their originals there.
func UnitReport(r *v1alpha1.UnitReport, cluster, ns string, resolve Resolve) *v1alpha1.UnitReport {
	c := &v1alpha1.UnitReport{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: CopyName(v1alpha1.UplinkUnit, r)}}
	r.Spec.DeepCopyInto(&c.Spec)
	for _, ref := range []*v1alpha1.ObjectRef{c.Spec.ResponseRef, c.Spec.WarningRef, c.Spec.DispatchRef} {
		if ref == nil {
			continue
		}
		if to, ok := resolve(ref.Namespace, ref.Name); ok {
			*ref = to
		}
	}
	Mark(c, r, cluster, v1alpha1.CopyReported)
	return c
}

// UnitReportCurrent says whether held, the copy of r on the upper
// cluster, says what r says.
func UnitReportCurrent(held, r *v1alpha1.UnitReport, cluster, ns string, resolve Resolve) bool {
	want := UnitReport(r, cluster, ns, resolve)
	return Marked(held, r, cluster, v1alpha1.CopyReported) && equality.Semantic.DeepEqual(held.Spec, want.Spec)
}

// Decision is what the upper cluster's copy of an incident tells its
// original: its level there, the responses covering it, the deadlines
// missed there and its Ready condition.
func Decision(upper string, held *v1alpha1.SecurityIncident) *v1alpha1.UpstreamDecision {
	d := &v1alpha1.UpstreamDecision{Cluster: upper, Namespace: held.Namespace, Name: held.Name, Level: held.Status.Level}
	for _, r := range held.Status.Responses {
		if len(d.Responses) < 16 {
			d.Responses = append(d.Responses, r.Name)
		}
	}
	for _, dl := range held.Status.Deadlines {
		if dl.State == v1alpha1.DeadlineMissed && len(d.MissedDeadlines) < 16 {
			d.MissedDeadlines = append(d.MissedDeadlines, dl.Name)
		}
	}
	if c := meta.FindStatusCondition(held.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		d.Ready = string(c.Status)
		d.ReadyMessage = text.Truncate(c.Message, 1024)
	}
	return d
}

// RefName names, on the upper cluster, the copy of the incident ns/name
// here.
type RefName func(ns, name string) string

// Response is the relayed copy of resp on the ministry's cluster, in
// namespace ns: its incidents are their relayed copies there, named by
// ref. Its status is resp's (ResponseStatusCurrent): the ministry's
// operator does not act on a relayed response, the ministry decides on
// it.
func Response(resp *v1alpha1.EmergencyResponse, cluster, ns string, ref RefName) *v1alpha1.EmergencyResponse {
	c := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: CopyName(v1alpha1.UplinkProvince, resp)}}
	resp.Spec.DeepCopyInto(&c.Spec)
	for i := range c.Spec.IncidentRefs {
		r := &c.Spec.IncidentRefs[i]
		r.Namespace, r.Name = ns, ref(r.Namespace, r.Name)
	}
	Mark(c, resp, cluster, v1alpha1.CopyRelayed)
	return c
}

// ResponseCurrent says whether held, the relayed copy of resp, says what
// resp says (its spec and marks; its status is compared apart).
func ResponseCurrent(held, resp *v1alpha1.EmergencyResponse, cluster, ns string, ref RefName) bool {
	want := Response(resp, cluster, ns, ref)
	return Marked(held, resp, cluster, v1alpha1.CopyRelayed) && equality.Semantic.DeepEqual(held.Spec, want.Spec)
}

// directives are the decisions the ministry writes on a relayed response
// that come down to the original.
var directives = []string{v1alpha1.AnnotationDirective, v1alpha1.AnnotationEndDirective}

// Directives are the annotations to add to resp, the original, for the
// directives the ministry wrote on held, its relayed copy on cluster
// upper: each directive with its level, and where it came from. Nil when
// nothing is new.
func Directives(held, resp *v1alpha1.EmergencyResponse, upper string) map[string]string {
	var add map[string]string
	for _, k := range directives {
		v, ok := held.Annotations[k]
		if !ok || resp.Annotations[k] != "" {
			continue
		}
		if add == nil {
			add = map[string]string{}
		}
		add[k] = v
		if k == v1alpha1.AnnotationDirective && resp.Annotations[v1alpha1.AnnotationApprovedLevel] == "" {
			add[v1alpha1.AnnotationApprovedLevel] = held.Annotations[v1alpha1.AnnotationApprovedLevel]
		}
		if resp.Annotations[v1alpha1.AnnotationDirectedFrom] == "" {
			add[v1alpha1.AnnotationDirectedFrom] = upper
		}
	}
	return add
}

// MirrorWarning is the mirror, in namespace ns here, of w, a warning of
// the upper cluster upper: its spec and status as they are there.
func MirrorWarning(w *v1alpha1.Warning, upper, ns string) *v1alpha1.Warning {
	m := &v1alpha1.Warning{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: w.Name}}
	w.Spec.DeepCopyInto(&m.Spec)
	w.Status.DeepCopyInto(&m.Status)
	Mark(m, w, upper, v1alpha1.CopyMirror)
	return m
}

// Mirrored says whether a warning of the upper cluster is one to mirror:
// published, or lifted after it was. One awaiting its approval is the
// upper cluster's business.
func Mirrored(w *v1alpha1.Warning) bool {
	return w.Status.Phase == v1alpha1.WarningPublished || w.Status.Phase == v1alpha1.WarningLifted
}

// WarningMirrorCurrent says whether m, the mirror of w, says what w says.
func WarningMirrorCurrent(m, w *v1alpha1.Warning, upper string) bool {
	return Marked(m, w, upper, v1alpha1.CopyMirror) && equality.Semantic.DeepEqual(m.Spec, w.Spec) &&
		equality.Semantic.DeepEqual(m.Status, w.Status)
}

// MirrorResponse is the mirror, in namespace ns here, of resp, a response
// of the upper cluster upper: its incidents are the originals here of the
// copies it covers (local says which; the others, other units', are left
// out), and its status is as it is there. ok is false when it covers none
// of them.
func MirrorResponse(resp *v1alpha1.EmergencyResponse, upper, ns string, local func(v1alpha1.IncidentRef) (v1alpha1.IncidentRef, bool)) (*v1alpha1.EmergencyResponse, bool) {
	m := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: resp.Name}}
	resp.Spec.DeepCopyInto(&m.Spec)
	m.Spec.IncidentRefs = nil
	for _, ref := range resp.Spec.IncidentRefs {
		if here, ok := local(ref); ok {
			m.Spec.IncidentRefs = append(m.Spec.IncidentRefs, here)
		}
	}
	if len(m.Spec.IncidentRefs) == 0 {
		return nil, false
	}
	resp.Status.DeepCopyInto(&m.Status)
	Mark(m, resp, upper, v1alpha1.CopyMirror)
	return m, true
}

// ResponseMirrorCurrent says whether m says what want, the mirror as
// MirrorResponse makes it, says.
func ResponseMirrorCurrent(m, want *v1alpha1.EmergencyResponse) bool {
	return m.Labels[v1alpha1.LabelOriginUID] == want.Labels[v1alpha1.LabelOriginUID] &&
		m.Labels[v1alpha1.LabelCopy] == v1alpha1.CopyMirror &&
		m.Annotations[v1alpha1.AnnotationOrigin] == want.Annotations[v1alpha1.AnnotationOrigin] &&
		equality.Semantic.DeepEqual(m.Spec, want.Spec) && equality.Semantic.DeepEqual(m.Status, want.Status)
}

// ReportDecision is what the upper cluster's copy of a unit's report tells
// its original: where it is, and its Ready there.
func ReportDecision(upper string, held *v1alpha1.UnitReport) *v1alpha1.UpstreamDecision {
	d := &v1alpha1.UpstreamDecision{Cluster: upper, Namespace: held.Namespace, Name: held.Name}
	if c := meta.FindStatusCondition(held.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		d.Ready = string(c.Status)
		d.ReadyMessage = text.Truncate(c.Message, 1024)
	}
	return d
}

// Report is the relayed copy, in namespace ns on the ministry's cluster, of
// n, a report the province's operator owes the ministry: the report
// itself crosses, and the ministry's operator delivers it there through
// the ministry's own channels. There the ministry's office is the office:
// the audience MinistryOffice becomes Office, and the province's other
// audiences (its leading group, its emergency management) stay behind.
// Its source is named as the relayed copies are, <namespace>-<name> in
// ns, whether or not the source crosses itself. Its event id stays the
// province's, so that a receiver tells a report it has from a new one.
func Report(n *v1alpha1.Notification, cluster, ns string) *v1alpha1.Notification {
	c := &v1alpha1.Notification{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: CopyName(v1alpha1.UplinkProvince, n)}}
	n.Spec.DeepCopyInto(&c.Spec)
	c.Spec.Audiences = []v1alpha1.Audience{v1alpha1.AudienceOffice}
	c.Spec.Channels = nil
	src := &c.Spec.Source
	srcNs := src.Namespace
	if srcNs == "" {
		srcNs = n.Namespace
	}
	src.Name = CopyName(v1alpha1.UplinkProvince, &metav1.ObjectMeta{Namespace: srcNs, Name: src.Name, UID: types.UID(src.UID)})
	src.Namespace = ""
	c.Labels = map[string]string{v1alpha1.LabelSourceUID: src.UID}
	if n.Spec.Drill {
		c.Labels[v1alpha1.LabelDrill] = "true"
	}
	Mark(c, n, cluster, v1alpha1.CopyRelayed)
	return c
}
