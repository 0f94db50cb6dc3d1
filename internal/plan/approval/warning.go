package approval

import (
	"fmt"
	"strings"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/warning"
)

// NeedsApproval says whether publishing or adjusting to a colour waits for
// the leading group: yellow and blue do; red and orange are relayed from
// above at once; a risk notice is the office's own.
func NeedsApproval(l v1alpha1.WarningLevel) bool {
	return l == v1alpha1.WarningYellow || l == v1alpha1.WarningBlue
}

// ByDirectiveWarning says whether a colour is the ministry's to decide:
// red and orange are published, changed and lifted on its word.
func ByDirectiveWarning(l v1alpha1.WarningLevel) bool {
	return l == v1alpha1.WarningRed || l == v1alpha1.WarningOrange
}

// WarningApprovedBy returns who approved the warning at colour l, if anyone:
// the publication approval when it was for l, else the adjustment approval
// for l.
func WarningApprovedBy(ann map[string]string, l v1alpha1.WarningLevel) string {
	if by := ann[v1alpha1.AnnotationApprovedBy]; by != "" && ann[v1alpha1.AnnotationApprovedLevel] == string(l) {
		return by
	}
	return ann[v1alpha1.AnnotationApprovedByPrefix+strings.ToLower(string(l))]
}

// Publish decides whether a warning from source may be published at colour
// l (§4.4).
func Publish(ann map[string]string, l v1alpha1.WarningLevel, source v1alpha1.WarningSource) Verdict {
	return colour(ann, l, source, "publication",
		v1alpha1.AnnotationApprovedBy+" with "+v1alpha1.AnnotationApprovedLevel+"="+string(l))
}

// Adjust decides whether a published warning may change to colour l
// (§4.6): on the ministry's directive for that colour
// (emergency.netsec.io/directive.<colour>, which the API server requires
// for any change of a red or orange warning), else on the authority of a
// publication at that colour.
func Adjust(ann map[string]string, l v1alpha1.WarningLevel, source v1alpha1.WarningSource) Verdict {
	if d := ann[AnnotationDirectivePrefix+strings.ToLower(string(l))]; d != "" {
		return Verdict{Passed: true, Reason: v1alpha1.WarningDirectedReason, Directive: d,
			Message: fmt.Sprintf("Changed to %s on directive %s.", warning.Name(l), d)}
	}
	if ByDirectiveWarning(l) {
		key := AnnotationDirectivePrefix + strings.ToLower(string(l))
		return Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason,
			Message: fmt.Sprintf("A change to %s waits for the ministry's directive (annotation %s).", warning.Name(l), key)}
	}
	return colour(ann, l, source, "adjustment", v1alpha1.AnnotationApprovedByPrefix+strings.ToLower(string(l)))
}

// AnnotationDirectivePrefix + lower-case colour is the ministry's directive
// changing a warning to that colour.
const AnnotationDirectivePrefix = v1alpha1.AnnotationDirective + "."

func colour(ann map[string]string, l v1alpha1.WarningLevel, source v1alpha1.WarningSource, what, key string) Verdict {
	switch {
	case ByDirectiveWarning(l):
		return Verdict{Passed: true, Reason: v1alpha1.WarningRelayedReason,
			Message: fmt.Sprintf("A %s from the %s office is relayed at once.", warning.Name(l), strings.ToLower(string(source)))}
	case !NeedsApproval(l):
		return Verdict{Passed: true, Reason: v1alpha1.WarningIssuedByOfficeReason, Message: "The office issues a risk notice on its own."}
	}
	by := WarningApprovedBy(ann, l)
	if by == "" {
		return Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason,
			Message: fmt.Sprintf("The %s of a %s waits for the leading group's approval (annotation %s).", what, warning.Name(l), key)}
	}
	return Verdict{Passed: true, Reason: v1alpha1.WarningApprovedReason, ApprovedBy: by,
		Message: fmt.Sprintf("Approved by %s for %s.", by, warning.Name(l))}
}

// Lift decides whether a warning published at colour l may be lifted
// (§4.6): yellow and blue on the leading group's approval, red and orange on
// the ministry's directive, a risk notice at once. The ministry's lift
// directive lifts any warning: the API server asks for it (and refuses the
// leading group's approval) when the warning was ever red or orange.
func Lift(ann map[string]string, l v1alpha1.WarningLevel) Verdict {
	if d := ann[v1alpha1.AnnotationLiftDirective]; d != "" {
		return Verdict{Passed: true, Reason: v1alpha1.WarningApprovedReason, Directive: d,
			Message: fmt.Sprintf("Lifted on directive %s.", d)}
	}
	switch {
	case NeedsApproval(l):
		if by := ann[v1alpha1.AnnotationLiftApprovedBy]; by != "" {
			return Verdict{Passed: true, Reason: v1alpha1.WarningApprovedReason, ApprovedBy: by,
				Message: fmt.Sprintf("Lifting approved by %s.", by)}
		}
		return Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason,
			Message: fmt.Sprintf("Lifting a %s needs the leading group's approval (annotation %s).", warning.Name(l), v1alpha1.AnnotationLiftApprovedBy)}
	case ByDirectiveWarning(l):
		return Verdict{Reason: v1alpha1.WarningAwaitingApprovalReason,
			Message: fmt.Sprintf("Lifting a %s needs the ministry's directive (annotation %s).", warning.Name(l), v1alpha1.AnnotationLiftDirective)}
	}
	return Verdict{Passed: true, Reason: v1alpha1.WarningIssuedByOfficeReason, Message: "The office lifts a risk notice on its own."}
}
