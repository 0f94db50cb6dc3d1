package plugin

import (
	"context"
	"fmt"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// AssessIncident writes the office's assessment of an incident's other
// harm (§3): d.Level, in d.User's name. The API server checks who may
// (config/admission/assessments.yaml); nothing is written for an incident
// that reports no such harm, or that already stands at that assessment.
func AssessIncident(ctx context.Context, c client.Client, ns, name string, d Decision) (string, error) {
	inc := &v1alpha1.SecurityIncident{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, inc); err != nil {
		return "", err
	}
	obj := "incident " + ns + "/" + name
	l := v1alpha1.Level(d.Level)
	if !slices.Contains([]v1alpha1.Level{v1alpha1.LevelI, v1alpha1.LevelII, v1alpha1.LevelIII, v1alpha1.LevelIV}, l) {
		return "", refuse(obj, "--level must be I, II, III or IV, the level you assess its other harm to have, not %q", d.Level)
	}
	if d.Directive != "" {
		return "", refuse(obj, "an assessment takes no --directive")
	}
	if !slices.Contains(inc.Spec.EventTypes, v1alpha1.EventOther) || inc.Spec.Impact.Other == nil {
		return "", refuse(obj, "it reports no harm of the event type Other; its level follows from the criteria of §3 alone")
	}
	prev, by := inc.Annotations[v1alpha1.AnnotationAssessedLevel], inc.Annotations[v1alpha1.AnnotationAssessedBy]
	if prev == d.Level && by == d.User {
		return "", refuse(obj, "you already assessed it at level %s", prev)
	}
	if err := patch(ctx, c, inc, map[string]string{v1alpha1.AnnotationAssessedLevel: d.Level, v1alpha1.AnnotationAssessedBy: d.User}, nil); err != nil {
		return "", err
	}
	out := fmt.Sprintf("incident %s/%s: other harm assessed at level %s by %s", ns, name, l, d.User)
	if prev != "" {
		out += fmt.Sprintf(" (was level %s, by %s)", prev, by)
	}
	return out, nil
}
