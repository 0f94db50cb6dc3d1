// Package routing is the plan's rules for reports between its bodies: which
// event of a source is reported to which audience (§4.1, §4.4, §4.6,
// §5.3–§5.6, §6.1, §7.2), which report waits for the office's consent
// before it reaches the public (§5.5), whether a namespace's channels reach
// every audience of a report, and what a source says of its reports'
// delivery.
//
// Every kind that reports implements Source: its reports, derived from
// what its status records, so that asking for all of them on every pass
// makes each once. A new reporting kind adds its Source here and calls the
// controllers' one report step; nothing of the delivery changes.
//
// The package is pure: API objects and times in, values out, no client.
package routing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/notify"
	"github.com/netsec-io/incident-operator/internal/text"
)

// Source is a kind whose events the plan reports.
type Source interface {
	metav1.Object
	// SourceKind is the kind's name, as its Notifications record it.
	SourceKind() string
	// Owed lists every report the source owes, from what its status
	// records: the same status gives the same reports, with the same keys.
	Owed() ([]Report, error)
}

// Report is one report a source owes.
type Report struct {
	// Event is what the report tells.
	Event v1alpha1.NotificationEvent
	// Key tells this report from the source's others: lower-case letters,
	// digits and dashes, e.g. "reported", "levelchanged-2",
	// "deadlinemissed-fullform". With the source's uid it makes the event
	// id, with the source's name the Notification's name: the same key is
	// the same report.
	Key string
	// Audiences are who must receive it.
	Audiences []v1alpha1.Audience
	// Channels, when given, are the only channels for the Units and the
	// Public.
	Channels []string
	// Drill marks an exercise.
	Drill bool
	// Time is when the reported event happened.
	Time time.Time
	// Content composes what the report says (internal/notify). It is
	// called only when the report is written down (Compose). An
	// incident's reports compose their texts there, so that a pass over an
	// incident whose reports are on record already, or held back in a
	// storm, composes none; a response's and a warning's are composed by
	// Owed and handed over with Says (they are few, and none is held).
	Content func() (notify.Content, error)
}

// Says is a report's Content when it is composed already.
func Says(c notify.Content) func() (notify.Content, error) {
	return func() (notify.Content, error) { return c, nil }
}

// KeyReported is the key of an incident's first report to the office
// (§4.1), whose confirmation the printed form shows.
const KeyReported = "reported"

// Audiences of the plan's reports.
var (
	toOffice          = []v1alpha1.Audience{v1alpha1.AudienceOffice}
	toMinistry        = []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice}
	toMinistryAndLead = []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceLeadingGroup}
	toEnd             = []v1alpha1.Audience{v1alpha1.AudienceMinistryOffice, v1alpha1.AudienceLeadingGroup, v1alpha1.AudienceEmergencyManagement}
)

// NotificationName is the name of a source's report: the source's name, the
// report's key and the start of the source's uid (a drill recreated under
// the same name makes new reports), cut to fit a name.
func NotificationName(source, key string, uid string) string {
	tail := "-" + key
	if u := strings.ReplaceAll(uid, "-", ""); u != "" {
		tail += "-" + u[:min(8, len(u))]
	}
	head := source
	if n := 253 - len(tail); len(head) > n {
		head = strings.TrimRight(head[:n], ".-")
	}
	return head + tail
}

// NewNotification is the Notification that records report r of src, in
// namespace ns, without its texts and data: enough to name it and judge
// where it stands. Compose adds them before it is written down.
func NewNotification(src Source, ns string, r Report) *v1alpha1.Notification {
	n := &v1alpha1.Notification{
		ObjectMeta: metav1.ObjectMeta{
			Name: NotificationName(src.GetName(), r.Key, string(src.GetUID())), Namespace: ns,
			Labels: map[string]string{v1alpha1.LabelSourceUID: string(src.GetUID())},
		},
		Spec: v1alpha1.NotificationSpec{
			Source: v1alpha1.NotificationSource{
				Kind: src.SourceKind(), Name: src.GetName(), UID: string(src.GetUID()),
				WrittenBy: Writers(src),
			},
			Event:     r.Event,
			Audiences: r.Audiences,
			Channels:  r.Channels,
			Drill:     r.Drill,
			EventID:   string(src.GetUID()) + "-" + r.Key,
			Time:      metav1.NewTime(r.Time),
		},
	}
	if ns != src.GetNamespace() {
		n.Spec.Source.Namespace = src.GetNamespace()
	}
	if r.Drill {
		n.Labels[v1alpha1.LabelDrill] = "true"
	}
	return n
}

// Compose gives n, made by NewNotification for r, what r says: its texts
// (each cut to what a notification holds) and its data, unless the data
// are too long to keep.
func Compose(n *v1alpha1.Notification, r Report) error {
	if r.Content == nil {
		return fmt.Errorf("report %s says nothing", r.Key)
	}
	c, err := r.Content()
	if err != nil {
		return fmt.Errorf("composing report %s: %w", r.Key, err)
	}
	n.Spec.Message = v1alpha1.NotificationMessage{
		ZH: text.Truncate(c.ZH, v1alpha1.MaxNotificationText),
		EN: text.Truncate(c.EN, v1alpha1.MaxNotificationText),
	}
	n.Spec.Data = ""
	if len(c.Data) <= v1alpha1.MaxNotificationData {
		n.Spec.Data = string(c.Data)
	}
	return nil
}

// Writers are the users the API server recorded as having written the
// source: its creator, every writer of its approvable content, and the last
// writer of an incident's facts.
func Writers(o metav1.Object) []string {
	ann := o.GetAnnotations()
	var out []string
	add := func(v string) {
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); u != "" && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	add(ann[v1alpha1.AnnotationCreatedBy])
	add(ann[v1alpha1.AnnotationWrittenBy])
	add(ann[v1alpha1.AnnotationLastWrittenBy])
	return out
}

// AudienceList names audiences in a sentence.
func AudienceList(as []v1alpha1.Audience) string {
	return strings.Join(audienceStrings(as), ", ")
}

func audienceStrings(as []v1alpha1.Audience) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}
