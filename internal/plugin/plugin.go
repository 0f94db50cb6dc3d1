// Package plugin is the kubectl incident plugin's work: it finds who the
// caller is and writes their decision as the annotation the API server
// checks. It never decides who may approve: a refusal from the API server is
// returned as it is.
package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/approval"
)

// WhoAmI asks the API server who the caller is (SelfSubjectReview, as
// `kubectl auth whoami` does).
func WhoAmI(ctx context.Context, cfg *rest.Config) (string, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return "", err
	}
	r, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1CreateOptions)
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
}

// ApproveResponse starts a response: approved-by for III and IV, the
// directive for I and II, with the level in force.
func ApproveResponse(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	resp := &v1alpha1.EmergencyResponse{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, resp); err != nil {
		return "", err
	}
	level := resp.Status.Level
	if level == "" {
		return "", fmt.Errorf("emergencyresponse %s/%s has no level yet: %s", ns, name, conditionMessage(resp.Status.Conditions, v1alpha1.ResponseApprovedCondition))
	}
	ann := map[string]any{v1alpha1.AnnotationApprovedLevel: string(level)}
	what := ""
	if approval.ByDirective(level) {
		if d.Directive == "" {
			return "", fmt.Errorf("a level %s response starts on the ministry's directive: give its reference with --directive", level)
		}
		ann[v1alpha1.AnnotationDirective], what = d.Directive, "directive "+d.Directive
	} else {
		ann[v1alpha1.AnnotationApprovedBy], what = d.User, "approved by "+d.User
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
	if resp.Status.Approval == nil {
		return "", fmt.Errorf("emergencyresponse %s/%s has not started", ns, name)
	}
	ann := map[string]any{}
	what := ""
	if approval.ByDirective(resp.Status.Approval.Level) {
		if d.Directive == "" {
			return "", fmt.Errorf("a level %s response ends on the ministry's directive: give its reference with --directive", resp.Status.Approval.Level)
		}
		ann[v1alpha1.AnnotationEndDirective], what = d.Directive, "directive "+d.Directive
	} else {
		ann[v1alpha1.AnnotationEndApprovedBy], what = d.User, "approved by "+d.User
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
	level := w.Spec.Level
	if !approval.NeedsApproval(level) {
		return "", fmt.Errorf("a %s is not approved in the province: red and orange warnings are relayed, risk notices issued by the office", strings.ToLower(string(level)))
	}
	ann := map[string]any{v1alpha1.AnnotationApprovedBy: d.User, v1alpha1.AnnotationApprovedLevel: string(level)}
	what := "publication"
	if w.Status.PublishedTime != nil {
		ann = map[string]any{v1alpha1.AnnotationApprovedByPrefix + strings.ToLower(string(level)): d.User}
		what = "adjustment"
	}
	if err := patch(ctx, c, w, ann, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("warning %s/%s: %s as %s approved by %s", ns, name, what, level, d.User), nil
}

// LiftWarning asks to lift a warning and gives the lifting decision.
func LiftWarning(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	w := &v1alpha1.Warning{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, w); err != nil {
		return "", err
	}
	ann := map[string]any{}
	what := "on the office's word"
	switch w.Spec.Level {
	case v1alpha1.WarningYellow, v1alpha1.WarningBlue:
		ann[v1alpha1.AnnotationLiftApprovedBy], what = d.User, "approved by "+d.User
	case v1alpha1.WarningRed, v1alpha1.WarningOrange:
		if d.Directive == "" {
			return "", fmt.Errorf("a %s warning lifts on the ministry's directive: give its reference with --directive", strings.ToLower(string(w.Spec.Level)))
		}
		ann[v1alpha1.AnnotationLiftDirective], what = d.Directive, "directive "+d.Directive
	}
	if err := patch(ctx, c, w, ann, map[string]any{"liftRequested": true}); err != nil {
		return "", err
	}
	return fmt.Sprintf("warning %s/%s: lift %s", ns, name, what), nil
}

// patch writes annotations (and spec fields) in one merge patch.
func patch(ctx context.Context, c client.Client, obj client.Object, ann, spec map[string]any) error {
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
