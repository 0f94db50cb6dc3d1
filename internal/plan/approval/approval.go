// Package approval decides, from the decisions the API server admitted as
// annotations (config/admission checks who may write them), whether a
// response may start or end (§5.3, §5.6) and whether a warning may be
// published, adjusted or lifted (§4.4, §4.6). Every decision gives the same
// Verdict. It is pure: annotations and levels in, a verdict out.
package approval

import (
	"fmt"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// Verdict is the outcome of a gate.
type Verdict struct {
	// Passed is true when the gate is open.
	Passed bool
	// Reason is a CamelCase condition reason; Message a sentence to act on.
	Reason, Message string
	// ApprovedBy and Directive are the decision that opened the gate; both
	// are empty for a gate that needs no decision.
	ApprovedBy, Directive string
}

// By names who opened the gate: the approver or the directive.
func (v Verdict) By() string { return v.ApprovedBy + v.Directive }

// ByDirective says whether a level's response starts and ends on the
// ministry's directive (I, II) rather than the leading group's approval.
func ByDirective(l v1alpha1.Level) bool { return l == v1alpha1.LevelI || l == v1alpha1.LevelII }

// Start decides whether a response at level may start (§5.3): III and IV on
// the provincial leading group's approval, I and II on the ministry's
// directive, in each case covering this very level.
func Start(ann map[string]string, level v1alpha1.Level) Verdict {
	return decide(ann, level, v1alpha1.AnnotationApprovedBy, v1alpha1.AnnotationDirective, "start")
}

// End decides whether a started response may end (§5.6), on the same
// authority that started it.
func End(ann map[string]string, level v1alpha1.Level) Verdict {
	return decide(ann, level, v1alpha1.AnnotationEndApprovedBy, v1alpha1.AnnotationEndDirective, "end")
}

func decide(ann map[string]string, level v1alpha1.Level, approvalKey, directiveKey, what string) Verdict {
	covered := v1alpha1.Level(ann[v1alpha1.AnnotationApprovedLevel])
	key, authority := approvalKey, "the provincial leading group's approval"
	if ByDirective(level) {
		key, authority = directiveKey, "the ministry's directive"
	}
	value, given := ann[key]
	if !given || value == "" {
		return Verdict{
			Reason:  v1alpha1.ResponseAwaitingApprovalReason,
			Message: fmt.Sprintf("A level %s response %ss on %s (annotation %s).", level, what, authority, key),
		}
	}
	if covered != level {
		return Verdict{
			Reason: v1alpha1.ResponseApprovalLevelMismatch,
			Message: fmt.Sprintf("The decision (%s=%s) covers level %q, but the response is at level %s: it does not %s. Open a response at level %s for its own decision.",
				key, value, covered, level, what, level),
		}
	}
	v := Verdict{Passed: true}
	if ByDirective(level) {
		v.Reason, v.Directive = v1alpha1.ResponseDirectedReason, value
		v.Message = fmt.Sprintf("Directive %s covers this level %s response.", value, level)
	} else {
		v.Reason, v.ApprovedBy = v1alpha1.ResponseApprovedReason, value
		v.Message = fmt.Sprintf("Approved by %s for level %s.", value, level)
	}
	return v
}
