package controllers

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// lastApplied is the annotation kubectl apply keeps a whole copy of the
// object in; the operator never reads it.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// CacheOptions keep the informer caches small: the objects' managed fields
// and kubectl's last-applied copy are dropped before they are stored, so
// that the cache grows with the number of objects, not with the number of
// writers or the size of what was applied; so are the texts of the
// notifications (see dropTexts). Status patches are
// merge patches of the operator's own fields, so nothing dropped is ever
// written back. The strings that many objects repeat (condition types,
// reasons and messages, deadline names, namespaces) are kept
// once (see interned), and the lists a status grows by (conditions,
// deadlines) without the room decoding left at their ends (see fit).
// Of an incident, the cache keeps only what readers other than its own
// pass read (see slimIncident).
func CacheOptions() cache.Options {
	strip := cache.TransformStripManagedFields()
	in := &interned{m: map[string]string{}}
	return cache.Options{
		DefaultTransform: toolscache.TransformFunc(func(obj any) (any, error) {
			obj, err := strip(obj)
			if err != nil {
				return obj, err
			}
			if obj, err := meta.Accessor(obj); err == nil {
				if ann := obj.GetAnnotations(); ann[lastApplied] != "" {
					kept := make(map[string]string, len(ann)-1)
					for k, v := range ann {
						if k != lastApplied {
							kept[k] = v
						}
					}
					obj.SetAnnotations(kept)
				}
			}
			switch o := obj.(type) {
			case *v1alpha1.SecurityIncident:
				in.incident(o)
			case *v1alpha1.Notification:
				dropTexts(o)
				in.notification(o)
			case *v1alpha1.EmergencyResponse:
				in.meta(&o.ObjectMeta)
				in.conditions(&o.Status.Conditions)
				in.deadlines(&o.Status.Deadlines)
			case *v1alpha1.WorkGroup:
				dropWorkGroupLabels(o)
				in.meta(&o.ObjectMeta)
				in.owners(&o.ObjectMeta)
				in.conditions(&o.Status.Conditions)
			case *v1alpha1.Warning:
				in.meta(&o.ObjectMeta)
				in.conditions(&o.Status.Conditions)
			case *v1alpha1.ReportingUnit:
				in.meta(&o.ObjectMeta)
				in.conditions(&o.Status.Conditions)
			case *v1alpha1.UnitReport:
				in.meta(&o.ObjectMeta)
				in.conditions(&o.Status.Conditions)
				in.intern(&o.Status.Unit)
			}
			return obj, nil
		}),
	}
}

// dropTexts empties the message and data of a notification: two texts and
// their facts as JSON, 2.2 of the 3.9 KB a notification takes decoded, and
// there is one notification at least for every incident. Only a delivery
// sends them, and a delivery first writes down its claim, whose status
// write brings the whole notification back; should it not, withTexts reads
// it from the API server before anything is sent. Sources read a
// notification's event, audiences, channels and status. The API server
// never holds an empty message (minLength 1), so an empty one means
// dropped.
func dropTexts(n *v1alpha1.Notification) {
	n.Spec.Message = v1alpha1.NotificationMessage{}
	n.Spec.Data = ""
}

// textsDropped says whether the cache dropped the notification's texts.
func textsDropped(n *v1alpha1.Notification) bool {
	return n.Spec.Message.ZH == "" && n.Spec.Message.EN == ""
}

// Bounds of interned: how many strings it holds before it starts afresh, and
// the longest it keeps.
const (
	maxInterned    = 4096
	maxInternedLen = 512
)

// interned keeps one copy of the strings that many cached objects repeat:
// decoding gives every object its own copy of the same condition reasons
// and messages, a reporter's name, a namespace; they took about a quarter
// of an incident's size in the cache. Strings are immutable, so objects may share them. A string
// met once only (a message naming its object) takes room until the table
// is full; then it starts afresh, and the objects keep the copies they
// have.
//
// Small maps of labels and annotations are kept once the same way: a map
// costs about 0.4 KB however few its entries, and most objects carry the
// same one (who created a report, who last wrote an incident). The cache's
// objects are never written to (a read from the cache is a deep copy), so
// they may share a map too.
type interned struct {
	mu sync.Mutex
	m  map[string]string
	// maps are the label and annotation maps kept, by their entries.
	maps map[string]map[string]string
	// slices are the short lists of strings kept, by their entries.
	slices map[string]any
}

// maxInternedEntries bounds the maps interned: a larger one is left as it
// is.
const maxInternedEntries = 8

// internMap makes *m the one copy of a map with the same entries.
func (t *interned) internMap(m *map[string]string) {
	if len(*m) == 0 || len(*m) > maxInternedEntries {
		return
	}
	keys := make([]string, 0, len(*m))
	size := 0
	for k, v := range *m {
		keys = append(keys, k)
		size += len(k) + len(v) + 2
	}
	if size > maxInternedLen {
		return
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(size)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString((*m)[k])
		b.WriteByte(0)
	}
	key := b.String()
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.maps[key]; ok {
		*m = v
		return
	}
	if t.maps == nil || len(t.maps) >= maxInterned {
		t.maps = map[string]map[string]string{}
	}
	t.maps[key] = *m
}

func (t *interned) intern(s *string) {
	if *s == "" || len(*s) > maxInternedLen {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.m[*s]; ok {
		*s = v
		return
	}
	if len(t.m) >= maxInterned {
		clear(t.m)
	}
	t.m[*s] = *s
}

func (t *interned) meta(m *metav1.ObjectMeta) {
	t.intern(&m.Namespace)
	t.internMap(&m.Labels)
	t.internMap(&m.Annotations)
}

func (t *interned) conditions(cs *[]metav1.Condition) {
	fit(cs)
	for i := range *cs {
		c := &(*cs)[i]
		t.intern(&c.Type)
		t.intern((*string)(&c.Status))
		t.intern(&c.Reason)
		t.intern(&c.Message)
	}
	t.conditionList(cs)
}

// maxSharedConditions bounds the lists of conditions kept once: longer
// ones name their object in some message, and are never the same.
const maxSharedConditions = 4

// conditionList makes *cs the one copy of a short list of conditions that
// are the same to the second: a delivered report keeps only Delivered,
// and the 200 reports of a grouped message are delivered within a few
// seconds of each other, with the same message; the work groups of a
// response are created and set up together. Each list took an array of
// its own (96 bytes a condition).
func (t *interned) conditionList(cs *[]metav1.Condition) {
	if len(*cs) == 0 || len(*cs) > maxSharedConditions {
		return
	}
	var b strings.Builder
	b.WriteString("metav1.Condition")
	for _, c := range *cs {
		for _, f := range []string{c.Type, string(c.Status), c.Reason, c.Message} {
			b.WriteByte(0)
			b.WriteString(f)
		}
		b.WriteByte(0)
		b.WriteString(strconv.FormatInt(c.LastTransitionTime.UnixNano(), 10))
		b.WriteByte(0)
		b.WriteString(strconv.FormatInt(c.ObservedGeneration, 10))
	}
	if b.Len() > 4*maxInternedLen {
		return
	}
	keepOnce(t, b.String(), cs, nil)
}

func (t *interned) deadlines(ds *[]v1alpha1.Deadline) {
	fit(ds)
	for i := range *ds {
		t.intern(&(*ds)[i].Name)
		t.intern((*string)(&(*ds)[i].State))
		t.times(&(*ds)[i].CompletedTime)
	}
}

func (t *interned) incident(inc *v1alpha1.SecurityIncident) {
	slimIncident(inc)
	t.meta(&inc.ObjectMeta)
	st := &inc.Status
	t.conditions(&st.Conditions)
	t.deadlines(&st.Deadlines)
	tl := &st.Timeline
	t.times(&st.ClassifiedTime, &st.NextDeadline, &tl.ReportedTime, &tl.ClassifiedTime, &tl.ApprovedTime,
		&tl.StartedTime, &tl.WorkGroupsReadyTime, &tl.EndedTime)
	r := &inc.Spec.Reporter
	t.intern(&r.UnitName)
	t.intern(&r.Contact.Name)
	t.intern(&r.Contact.Phone)
	t.intern(&r.Contact.Email)
	t.intern(&r.FilledBy)
	t.intern(&inc.Spec.NetworkUnit.Name)
	t.intern(&inc.Spec.NetworkUnit.Address)
}

// notification keeps once what a report repeats of other reports and of
// itself. The uid of its source is written four times over (the source
// label, the owner reference, the source, inside the event id), and the
// label map that holds it is the report's own: 0.3 KB, when every other
// label map is shared. So the cache drops the source label, whose value
// the source names again (reportsOfSource reads the source's uid there),
// and has the owner reference and the source share their strings. A
// delivery repeats the event id and the channel, its namespace, endpoint
// and audience, and a grouped message's id is that of every report it
// carried: kept once. A delivered report's deliveries are kept once with
// those of the other reports its message carried (deliveryList).
func (t *interned) notification(n *v1alpha1.Notification) {
	dropSourceLabel(n)
	t.meta(&n.ObjectMeta)
	t.owners(&n.ObjectMeta)
	src := &n.Spec.Source
	t.intern(&src.Kind)
	for _, ref := range n.OwnerReferences {
		if string(ref.UID) == src.UID && ref.Name == src.Name {
			src.UID, src.Name = string(ref.UID), ref.Name
		}
	}
	internSlice(t, &src.WrittenBy)
	internSlice(t, &n.Spec.Audiences)
	internSlice(t, &n.Spec.Channels)
	st := &n.Status
	slimNotification(st)
	t.conditions(&st.Conditions)
	fit(&st.Deliveries)
	for i := range st.Deliveries {
		d := &st.Deliveries[i]
		if d.EventID == n.Spec.EventID {
			d.EventID = n.Spec.EventID
		}
		for _, s := range []*string{&d.Channel, &d.Namespace, &d.Endpoint, (*string)(&d.Audience), (*string)(&d.State), &d.MessageID, &d.LastError} {
			t.intern(s)
		}
		t.times(&d.LastAttemptTime, &d.DeliveredTime)
	}
	if notificationSlimmed(n) {
		t.deliveryList(n)
	}
	t.times(&st.DeliveredTime)
	t.intern(&st.ReleaseApprovedBy)
	t.intern(&st.ConfirmedBy)
}

// workGroupLabels are the labels the operator gives a work group, with
// what each repeats: its response, which is also its controller, and its
// type, which is also its spec's.
var workGroupLabels = map[string]func(*v1alpha1.WorkGroup) string{
	v1alpha1.LabelResponse: func(wg *v1alpha1.WorkGroup) string {
		if ctl := metav1.GetControllerOfNoCopy(wg); ctl != nil && ctl.Kind == "EmergencyResponse" {
			return ctl.Name
		}
		return ""
	},
	v1alpha1.LabelWorkGroupType: func(wg *v1alpha1.WorkGroup) string { return string(wg.Spec.Type) },
}

// dropWorkGroupLabels drops a work group's response and type labels when
// its controller and its spec say the same. The two make a label map of
// the work group's own (0.3 KB, a third of a work group in the cache),
// where other kinds share theirs. workGroupLabel gives them back; on the
// API server they stay, for kubectl -l.
func dropWorkGroupLabels(wg *v1alpha1.WorkGroup) {
	for key, repeated := range workGroupLabels {
		if v, ok := wg.Labels[key]; !ok || v == "" || v != repeated(wg) {
			return
		}
	}
	if len(wg.Labels) == len(workGroupLabels) {
		wg.Labels = nil
		return
	}
	kept := make(map[string]string, len(wg.Labels)-len(workGroupLabels))
	for k, v := range wg.Labels {
		if _, dropped := workGroupLabels[k]; !dropped {
			kept[k] = v
		}
	}
	wg.Labels = kept
}

// workGroupLabel is the value of a work group's label key, one of
// workGroupLabels, as the API server holds it, whether or not the cache
// dropped it. The cache drops both or neither, and only from a work group
// a response controls; such a work group that has neither on the API
// server (the operator labels every one it creates) reads as labelled.
func workGroupLabel(wg *v1alpha1.WorkGroup, key string) string {
	for k := range workGroupLabels {
		if _, ok := wg.Labels[k]; ok {
			return wg.Labels[key] // not dropped
		}
	}
	if workGroupLabels[v1alpha1.LabelResponse](wg) == "" {
		return "" // no response controls it: nothing was dropped
	}
	return workGroupLabels[key](wg)
}

// slimNotification drops from a delivered report its conditions but
// Delivered, the only one its sources, the duties and the metrics read
// (routing.DeliveryState). Its own pass reads it whole
// (wholeNotification): it compares its new status with the one on record.
// A report is delivered once, so a storm's reports are slimmed once their
// last pass is over; the passes that deliver them read them from the
// cache.
func slimNotification(st *v1alpha1.NotificationStatus) {
	c := meta.FindStatusCondition(st.Conditions, v1alpha1.NotificationDeliveredCondition)
	if c == nil || c.Status != metav1.ConditionTrue || len(st.Conditions) == 1 {
		return
	}
	st.Conditions = []metav1.Condition{*c}
}

// notificationSlimmed says whether the cache may have dropped part of the
// report's status (slimNotification): it is delivered.
func notificationSlimmed(n *v1alpha1.Notification) bool {
	return meta.IsStatusConditionTrue(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition)
}

// dropSourceLabel drops from a notification's labels the uid of its
// source, when the source names the same uid.
func dropSourceLabel(n *v1alpha1.Notification) {
	uid, ok := n.Labels[v1alpha1.LabelSourceUID]
	if !ok || uid != n.Spec.Source.UID {
		return
	}
	if len(n.Labels) == 1 {
		n.Labels = nil
		return
	}
	kept := make(map[string]string, len(n.Labels)-1)
	for k, v := range n.Labels {
		if k != v1alpha1.LabelSourceUID {
			kept[k] = v
		}
	}
	n.Labels = kept
}

// owners keeps once the API version and kind of each owner reference.
func (t *interned) owners(m *metav1.ObjectMeta) {
	for i := range m.OwnerReferences {
		t.intern(&m.OwnerReferences[i].APIVersion)
		t.intern(&m.OwnerReferences[i].Kind)
	}
}

// internSlice makes *s the one copy of a short list of strings with the
// same entries (a report's audiences, who wrote its source). The cache's
// objects are never written to, so they may share it.
func internSlice[S ~[]E, E ~string](t *interned, s *S) {
	if len(*s) == 0 || len(*s) > maxInternedEntries {
		return
	}
	// The key begins with the type of the entries: a list of audiences
	// and one of user names are not one another's.
	var b strings.Builder
	b.WriteString(reflect.TypeFor[E]().String())
	for _, e := range *s {
		b.WriteByte(0)
		b.WriteString(string(e))
	}
	if b.Len() > maxInternedLen {
		return
	}
	keepOnce(t, b.String(), s, fit[S, E])
}

// deliveryList makes the deliveries of a delivered report the one copy of
// the same list: the reports a grouped message carried were delivered by
// it together, and their deliveries differ only in the event id, which is
// the report's own (spec.eventID) and is dropped from the copy kept. Only
// a report's own pass and a resend read that id, and both read a delivered
// report whole (notificationSlimmed). Its times are interned first, so
// that the same times are the same pointers.
func (t *interned) deliveryList(n *v1alpha1.Notification) {
	ds := &n.Status.Deliveries
	if len(*ds) == 0 || len(*ds) > maxSharedConditions {
		return
	}
	for i := range *ds {
		if (*ds)[i].EventID == n.Spec.EventID {
			(*ds)[i].EventID = ""
		}
	}
	// %#v quotes every string and prints a pointer as its address.
	keepOnce(t, fmt.Sprintf("%#v", *ds), ds, nil)
}

// times makes each *p the one copy of a time the same to the nanosecond
// (a burst's incidents are classified, and a grouped message's reports
// delivered, many in the same second): each took 32 bytes of its own.
func (t *interned) times(ps ...**metav1.Time) {
	for _, p := range ps {
		if *p == nil {
			continue
		}
		keepOnce(t, "metav1.Time\x00"+(*p).Location().String()+"\x00"+strconv.FormatInt((*p).UnixNano(), 10), p, nil)
	}
}

// keepOnce makes *v the value kept under key, or keeps *v there if none
// is, after passing it to prepare when not nil (a list is fitted to its
// length only when it is the one kept): the table of lists and times that
// interned holds, started afresh when full.
func keepOnce[V any](t *interned, key string, v *V, prepare func(*V)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if kept, ok := t.slices[key].(V); ok {
		*v = kept
		return
	}
	if t.slices == nil || len(t.slices) >= maxInterned {
		t.slices = map[string]any{}
	}
	if prepare != nil {
		prepare(v)
	}
	t.slices[key] = *v
}

// cachedIncidentConditions are the conditions of an incident that readers
// other than the incident's own pass read from the cache: the office's
// duties (internal/duty, behind the metrics) read whether support is still
// unanswered.
var cachedIncidentConditions = []string{v1alpha1.IncidentSupportAnsweredCondition}

// ownPassAnnotations are the annotations of an incident that only its own
// pass reads: the earliest reported times the API server keeps
// (report.CountedFrom). They differ from one incident to the next, so an
// incident's annotations could not share a map with any other's.
var ownPassAnnotations = []string{v1alpha1.AnnotationEarliestOccurredAt, v1alpha1.AnnotationEarliestDiscoveredAt}

// incidentAnnotationsChanged passes every event but an update of an
// incident that changed none of its annotations, those the cache drops
// aside (ownPassAnnotations). The cache drops them once the operator has
// written to the incident, so the copies before and after its first status
// write differ in them: that is no change, and no reason for another pass.
// They change only with the reported times, which change the generation.
var incidentAnnotationsChanged = predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
	if e.ObjectOld == nil || e.ObjectNew == nil {
		return false
	}
	return !maps.Equal(withoutOwnPass(e.ObjectOld.GetAnnotations()), withoutOwnPass(e.ObjectNew.GetAnnotations()))
}}

// withoutOwnPass is m without ownPassAnnotations: m itself when it has
// none of them, else a copy.
func withoutOwnPass(m map[string]string) map[string]string {
	if !slices.ContainsFunc(ownPassAnnotations, func(k string) bool { _, ok := m[k]; return ok }) {
		return m
	}
	out := maps.Clone(m)
	for _, k := range ownPassAnnotations {
		delete(out, k)
	}
	return out
}

// slimIncident drops from a cached incident what only the incident's own
// pass reads: its conditions but cachedIncidentConditions, its level
// reasons, its level history, and ownPassAnnotations. They are 1.3 of the
// 3.2 KB a classified incident takes in the cache, more once the messages
// name its reports. The pass reads the incident whole from the API server
// (wholeIncident): it compares its new status with the one on record, and
// a status that lacked them would be written again on every pass. The
// conditions left are a list even when none is kept (never nil), which is
// how incidentSlimmed tells a cached copy from one the operator never
// wrote to. An incident never written to is kept whole: its first pass
// reads it from the cache.
func slimIncident(inc *v1alpha1.SecurityIncident) {
	st := &inc.Status
	if st.Conditions == nil && st.LevelReasons == nil && st.LevelHistory == nil {
		return
	}
	kept := []metav1.Condition{}
	for _, typ := range cachedIncidentConditions {
		if c := meta.FindStatusCondition(st.Conditions, typ); c != nil {
			kept = append(kept, *c)
		}
	}
	st.Conditions, st.LevelReasons, st.LevelHistory = kept, nil, nil
	inc.Annotations = withoutOwnPass(inc.Annotations)
}

// incidentSlimmed says whether the cache dropped part of the incident's
// status (slimIncident): a status the operator wrote has a list of
// conditions, here or there.
func incidentSlimmed(inc *v1alpha1.SecurityIncident) bool {
	return inc.Status.Conditions != nil
}

// fit gives *s a backing array of its own length. Decoding grows a slice
// by doubling as it reads, so a response's dozen conditions arrive in
// room for sixteen, and the cache would keep the four empty ones as long
// as it keeps the response.
func fit[S ~[]E, E any](s *S) {
	if len(*s) == cap(*s) {
		return
	}
	*s = append(make(S, 0, len(*s)), *s...)
}
