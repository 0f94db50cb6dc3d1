// Package plugin is the kubectl incident plugin's work: it finds who the
// caller is and writes their decision as the annotation the API server
// checks.
//
// Who may decide is the API server's to say (config/admission): its refusal
// is returned as it is. What the plugin checks first, before writing
// anything, is whether the operator would act on the decision at all — a
// drill approval over a real incident, an approval for another level than
// the one the response is at, a colour the province does not approve, a
// response that already started, an end without a start. It asks the same
// client-free rules the operator runs (internal/plan/approval,
// internal/plan/response) and says why, instead of writing an annotation that
// would sit there doing nothing.
package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/approval"
	"github.com/netsec-io/incident-operator/internal/plan/response"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
)

// WhoAmI asks the API server who the caller is (SelfSubjectReview, as
// `kubectl auth whoami` does).
func WhoAmI(ctx context.Context, cfg *rest.Config) (string, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return "", err
	}
	r, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("asking the API server who you are: %w", err)
	}
	return r.Status.UserInfo.Username, nil
}

// Decision is what the caller decides.
type Decision struct {
	// User is the caller's user name.
	User string
	// Directive is the ministry directive's reference, for levels I and II
	// and for red and orange warnings.
	Directive string
	// Level is the level (I–IV) or colour (Yellow, Blue) the caller means to
	// approve, as they read it on the request; empty approves the one the
	// object is at. A level that differs is refused, not written.
	Level string
	// Zone is where times in messages are shown; nil is Asia/Shanghai.
	Zone *time.Location
}

// Refusal is a decision the plugin did not write, because the operator
// would not act on it.
type Refusal struct {
	// Object is "kind namespace/name".
	Object string
	// Why is a sentence to act on.
	Why string
}

func (r *Refusal) Error() string { return r.Object + ": nothing written: " + r.Why }

func refuse(object, format string, args ...any) error {
	return &Refusal{Object: object, Why: fmt.Sprintf(format, args...)}
}

// ApproveResponse starts a response: approved-by for III and IV, the
// directive for I and II, with the level in force (status.level).
func ApproveResponse(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	resp := &v1alpha1.EmergencyResponse{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, resp); err != nil {
		return "", err
	}
	obj := "emergencyresponse " + ns + "/" + name
	st := &resp.Status
	switch {
	case st.EndedTime != nil:
		return "", refuse(obj, "it ended at %s; a decision is recorded once", stamp(st.EndedTime, d.Zone))
	case st.StartedTime != nil:
		by := ""
		if st.Approval != nil {
			by = fmt.Sprintf(" for level %s on %s", st.Approval.Level, decider(st.Approval.ApprovedBy, st.Approval.Directive))
		}
		return "", refuse(obj, "it already started at %s%s; a decision is recorded once", stamp(st.StartedTime, d.Zone), by)
	case st.ObservedGeneration < resp.Generation:
		return "", refuse(obj, "the operator has not yet read its latest spec (generation %d, status shows %d): its level may change; try again in a moment", resp.Generation, st.ObservedGeneration)
	case st.Level == "":
		return "", refuse(obj, "it has no level yet: %s", conditionMessage(st.Conditions, v1alpha1.ResponseApprovedCondition))
	case st.Phase == v1alpha1.ResponsePending:
		return "", refuse(obj, "its incidents are not ready: %s", conditionMessage(st.Conditions, v1alpha1.ResponseApprovedCondition))
	}
	level := st.Level

	// The incidents, as the operator reads them. Someone who may not read
	// them (an approver's role need not include incidents) relies on what
	// the operator wrote in status.
	incidents, readable, err := incidentsOf(ctx, c, resp)
	if err != nil {
		return "", err
	}
	if readable {
		if real := response.RealIncidentsOfDrill(resp.Spec.Drill, incidents); len(real) > 0 {
			return "", refuse(obj, "this drill response covers the real incident %s: the operator does not start a drill response over a real incident, whoever approves it; open a real response for it", real[0])
		}
		if now := response.LevelInForce(resp.Spec.Level, response.Highest(incidents), false, ""); now != level {
			return "", refuse(obj, "its incidents now put it at level %s, but status.level still says %s: the operator has not caught up; try again in a moment", orNone(string(now)), level)
		}
	} else if c := meta.FindStatusCondition(st.Conditions, v1alpha1.ResponseApprovedCondition); c != nil && c.Reason == v1alpha1.ResponseDrillMismatchReason {
		return "", refuse(obj, "%s", c.Message)
	}

	ann := map[string]string{v1alpha1.AnnotationApprovedLevel: string(level)}
	if d.Level != "" {
		ann[v1alpha1.AnnotationApprovedLevel] = strings.ToUpper(d.Level)
	}
	what, err := authority(obj, approval.ByDirective(level), d, fmt.Sprintf("a level %s response", level), "starts",
		ann, v1alpha1.AnnotationApprovedBy, v1alpha1.AnnotationDirective)
	if err != nil {
		return "", err
	}
	if v := approval.Start(merged(resp.Annotations, ann), level); !v.Passed {
		return "", refuse(obj, "the operator would not start it: %s", v.Message)
	}
	if err := patch(ctx, c, resp, ann, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("emergencyresponse %s/%s: level %s, %s", ns, name, level, what), nil
}

// EndResponse asks to end a response and gives the end decision.
func EndResponse(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	resp := &v1alpha1.EmergencyResponse{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, resp); err != nil {
		return "", err
	}
	obj := "emergencyresponse " + ns + "/" + name
	st := &resp.Status
	switch {
	case st.EndedTime != nil:
		return "", refuse(obj, "it already ended at %s", stamp(st.EndedTime, d.Zone))
	case st.StartedTime == nil || st.Approval == nil:
		return "", refuse(obj, "it has not started (phase %s): there is nothing to end; a response ends on the authority that started it, after it started", orNone(string(st.Phase)))
	}
	level := st.Approval.Level
	if d.Level != "" && !strings.EqualFold(d.Level, string(level)) {
		return "", refuse(obj, "it was approved for level %s, not %s: it ends on the authority of level %s", level, d.Level, level)
	}
	if v := approval.End(resp.Annotations, level); v.Passed && resp.Spec.EndRequested {
		return "", refuse(obj, "its end was already asked for and decided (%s): the operator is ending it", v.By())
	}
	ann := map[string]string{}
	what, err := authority(obj, approval.ByDirective(level), d, fmt.Sprintf("a level %s response", level), "ends",
		ann, v1alpha1.AnnotationEndApprovedBy, v1alpha1.AnnotationEndDirective)
	if err != nil {
		return "", err
	}
	if v := approval.End(merged(resp.Annotations, ann), level); !v.Passed {
		return "", refuse(obj, "the operator would not end it: %s", v.Message)
	}
	if err := patch(ctx, c, resp, ann, map[string]any{"endRequested": true}); err != nil {
		return "", err
	}
	return fmt.Sprintf("emergencyresponse %s/%s: end %s", ns, name, what), nil
}

// ApproveWarning publishes a yellow or blue warning, or approves its
// adjustment to the colour it now has.
func ApproveWarning(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	w := &v1alpha1.Warning{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, w); err != nil {
		return "", err
	}
	obj := "warning " + ns + "/" + name
	st := &w.Status
	colour := w.Spec.Level
	switch {
	case st.LiftedTime != nil || st.Phase == v1alpha1.WarningLifted:
		return "", refuse(obj, "it was lifted at %s; issue a new warning", stamp(st.LiftedTime, d.Zone))
	case d.Level != "" && !strings.EqualFold(d.Level, string(colour)):
		return "", refuse(obj, "it is a %s, not %s: the approval covers the colour the warning has (spec.level)", warning.Name(colour), d.Level)
	case !approval.NeedsApproval(colour):
		return "", refuse(obj, "a %s is not approved in the province: red and orange warnings are relayed from above and change on the ministry's directive, a risk notice is the office's own (§4.4, §4.6)", warning.Name(colour))
	case d.Directive != "":
		return "", refuse(obj, "a %s is published and adjusted on the provincial leading group's approval, not a directive: drop --directive", warning.Name(colour))
	case st.PublishedTime != nil && st.PublishedLevel == colour:
		return "", refuse(obj, "it is already published as a %s (%s): nothing to approve until its colour changes", warning.Name(colour), orNone(approval.WarningApprovedBy(w.Annotations, colour)))
	}
	ann := map[string]string{v1alpha1.AnnotationApprovedBy: d.User, v1alpha1.AnnotationApprovedLevel: string(colour)}
	what := "publication"
	v := approval.Publish(merged(w.Annotations, ann), colour, w.Spec.Source)
	if st.PublishedTime != nil {
		ann = map[string]string{v1alpha1.AnnotationApprovedByPrefix + strings.ToLower(string(colour)): d.User}
		what = "adjustment"
		v = approval.Adjust(merged(w.Annotations, ann), colour, w.Spec.Source)
	}
	if !v.Passed {
		return "", refuse(obj, "the operator would not act on it: %s", v.Message)
	}
	if err := patch(ctx, c, w, ann, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("warning %s/%s: %s as %s approved by %s", ns, name, what, colour, d.User), nil
}

// LiftWarning asks to lift a published warning and gives the lifting
// decision: the leading group's approval for yellow and blue, the ministry's
// directive for a warning that is or ever was red or orange, none for a risk
// notice.
func LiftWarning(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	w := &v1alpha1.Warning{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, w); err != nil {
		return "", err
	}
	obj := "warning " + ns + "/" + name
	st := &w.Status
	switch {
	case st.LiftedTime != nil || st.Phase == v1alpha1.WarningLifted:
		return "", refuse(obj, "it was already lifted at %s", stamp(st.LiftedTime, d.Zone))
	case st.PublishedTime == nil:
		return "", refuse(obj, "it has not been published (phase %s): there is nothing to lift", orNone(string(st.Phase)))
	}
	colour := st.PublishedLevel
	ann := map[string]string{}
	what := "on the office's word"
	switch {
	case everByDirective(w):
		if d.Directive == "" {
			return "", refuse(obj, "a warning that is or was red or orange lifts on the ministry's directive (§4.6): give its reference with --directive")
		}
		ann[v1alpha1.AnnotationLiftDirective], what = d.Directive, "directive "+d.Directive
	case approval.NeedsApproval(colour):
		if d.Directive != "" {
			return "", refuse(obj, "a %s lifts on the provincial leading group's approval, not a directive: drop --directive", warning.Name(colour))
		}
		ann[v1alpha1.AnnotationLiftApprovedBy], what = d.User, "approved by "+d.User
	}
	if v := approval.Lift(merged(w.Annotations, ann), colour); !v.Passed {
		return "", refuse(obj, "the operator would not lift it: %s", v.Message)
	}
	if err := patch(ctx, c, w, ann, map[string]any{"liftRequested": true}); err != nil {
		return "", err
	}
	return fmt.Sprintf("warning %s/%s: lift %s", ns, name, what), nil
}

// everByDirective says whether a warning is or was red or orange: then it
// lifts on the ministry's directive.
func everByDirective(w *v1alpha1.Warning) bool {
	if approval.ByDirectiveWarning(w.Status.PublishedLevel) {
		return true
	}
	for _, h := range w.Status.History {
		if approval.ByDirectiveWarning(h.Level) {
			return true
		}
	}
	return false
}

// authority fills ann with the caller's approval or directive, refusing the
// one the level does not take.
func authority(obj string, byDirective bool, d Decision, what, verb string, ann map[string]string, approvalKey, directiveKey string) (string, error) {
	if byDirective {
		if d.Directive == "" {
			return "", refuse(obj, "%s %s on the ministry's directive: give its reference with --directive", what, verb)
		}
		ann[directiveKey] = d.Directive
		return "directive " + d.Directive, nil
	}
	if d.Directive != "" {
		return "", refuse(obj, "%s %s on the provincial leading group's approval, not a directive: drop --directive", what, verb)
	}
	ann[approvalKey] = d.User
	return "approved by " + d.User, nil
}

// incidentsOf reads a response's incidents. readable is false when the
// caller may not read one of them, or one is missing.
func incidentsOf(ctx context.Context, c client.Client, resp *v1alpha1.EmergencyResponse) ([]v1alpha1.SecurityIncident, bool, error) {
	var out []v1alpha1.SecurityIncident
	for _, ref := range resp.Spec.IncidentRefs {
		inc := v1alpha1.SecurityIncident{}
		err := c.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &inc)
		switch {
		case apierrors.IsForbidden(err) || apierrors.IsNotFound(err):
			return nil, false, nil
		case err != nil:
			return nil, false, fmt.Errorf("reading incident %s/%s: %w", ref.Namespace, ref.Name, err)
		}
		out = append(out, inc)
	}
	return out, true, nil
}

func merged(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}

func decider(approvedBy, directive string) string {
	if directive != "" {
		return "directive " + directive
	}
	return "approval of " + approvedBy
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func conditionMessage(conds []metav1.Condition, typ string) string {
	if c := meta.FindStatusCondition(conds, typ); c != nil {
		return c.Message
	}
	return "not yet reconciled"
}

// patch writes annotations (and spec fields) in one merge patch.
func patch(ctx context.Context, c client.Client, obj client.Object, ann map[string]string, spec map[string]any) error {
	body := map[string]any{"metadata": map[string]any{"annotations": ann}}
	if spec != nil {
		body["spec"] = spec
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return c.Patch(ctx, obj, client.RawPatch(types.MergePatchType, data))
}
