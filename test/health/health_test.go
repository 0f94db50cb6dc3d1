// Package health checks what GitOps tools read from the operator's objects:
// kstatus (sigs.k8s.io/cli-utils, what Flux's `wait: true` and `kubectl
// apply --wait`-style tools use), Flux with the health check expressions of
// config/health/flux, and Argo CD with the Lua checks of
// config/health/argocd. Each state of each kind is reached on a real API
// server with the operator running (a few are built by hand from a real
// object, and say so), then read back and handed to each tool.
//
// HEALTH_TABLE=path writes the table of results as Markdown.
package health

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

// key names one state of one kind.
type key struct{ Kind, State string }

// The states, as the table names them.
const (
	incClassified       = "classified, full form in hand"
	incFormPending      = "quick notice, full form not yet due"
	incFormOverdue      = "quick notice, full form overdue"
	incResponseOwed     = "rose above its running response: a response at the new level is owed"
	incCoveredAgain     = "covered again by a response at the new level"
	incGenerationBehind = "spec edited, not yet reconciled (observedGeneration behind)"

	respIncidentsPending          = "incidents pending (one not yet reported)"
	respAwaitingApproval          = "awaiting approval"
	respWorkGroupsPending         = "approved, work groups being set up"
	respActive                    = "active"
	respDrillOverReal             = "drill response over a real incident"
	respLeakWithoutNotification   = "data leak without AffectedUserNotification"
	respEscalated                 = "its incident rose above the approved level"
	respSupersededAfterEscalation = "superseded, after its incident rose"
	respSupersededByHigher        = "superseded by a response the office set higher"
	respEnded                     = "ended"
	respApprovalOtherLevel        = "approval covers another level"
	respNoStatus                  = "created, no status yet"

	warnAwaitingApproval = "awaiting approval"
	warnDelivering       = "published, delivering (a receiver is down)"
	warnDelivered        = "published and delivered"
	warnNoChannel        = "published, an audience has no channel"

	wgSetUp = "set up"

	calValid    = "valid"
	calInvalid  = "invalid date (a make-up working day on a Wednesday)"
	calDeleting = "being deleted"

	chanReady         = "ready"
	chanSecretMissing = "Secret missing"

	ntfDelivered  = "delivered"
	ntfDelivering = "delivering (a receiver is down)"
)

// want is what each tool should say of a state.
type want struct {
	// kstatus is status.Compute's verdict: what Flux's wait: true and
	// every kstatus-based tool see.
	kstatus status.Status
	// flux is the verdict of Flux with config/health/flux's expressions;
	// "" for kinds Flux does not apply (the operator creates them) and
	// for an object being deleted (Flux prunes it by its own rules).
	flux status.Status
	// argo is the Argo CD health status, and argoMessage where its
	// message comes from: a condition type, or a text in quotes.
	argo, argoMessage string
	// note says where the verdict differs from what controllers/health.go
	// means by Stalled and Reconciling, or why the state matters.
	note string
}

const (
	current     = status.CurrentStatus
	inProgress  = status.InProgressStatus
	failed      = status.FailedStatus
	terminating = status.TerminatingStatus

	readyGate = "kstatus reads Ready=False as InProgress when neither Stalled nor Reconciling is True: a wait: true sync waits for the person until its timeout"
)

// table lists every state of every kind, in the order of a life, and what
// each tool says of it.
var table = []struct {
	key
	want
}{
	{key{"SecurityIncident", incClassified}, want{current, current, "Healthy", "Ready", ""}},
	{key{"SecurityIncident", incFormPending}, want{inProgress, current, "Suspended", "Ready", "meant Current (the unit owes the form; the operator has nothing to do): " + readyGate}},
	{key{"SecurityIncident", incFormOverdue}, want{failed, failed, "Degraded", "Stalled", ""}},
	{key{"SecurityIncident", incResponseOwed}, want{failed, failed, "Degraded", "Stalled", ""}},
	{key{"SecurityIncident", incCoveredAgain}, want{current, current, "Healthy", "Ready", ""}},
	{key{"SecurityIncident", incGenerationBehind}, want{inProgress, inProgress, "Progressing", `"The operator has not yet reconciled generation 2."`, ""}},

	{key{"EmergencyResponse", respNoStatus}, want{current, status.UnknownStatus, "Progressing", `"Waiting for the operator to report on it."`, "meant InProgress: kstatus sees no conditions and assumes Current until the operator's first status write; the Flux expressions cannot be evaluated yet, so Flux polls again"}},
	{key{"EmergencyResponse", respIncidentsPending}, want{inProgress, current, "Progressing", "Ready", "meant Current: " + readyGate}},
	{key{"EmergencyResponse", respAwaitingApproval}, want{inProgress, current, "Suspended", "Ready", "meant Current (a human gate is not the operator's progress): " + readyGate}},
	{key{"EmergencyResponse", respApprovalOtherLevel}, want{failed, failed, "Degraded", "Stalled", ""}},
	{key{"EmergencyResponse", respDrillOverReal}, want{failed, failed, "Degraded", "Stalled", ""}},
	{key{"EmergencyResponse", respLeakWithoutNotification}, want{failed, failed, "Degraded", "Stalled", ""}},
	{key{"EmergencyResponse", respWorkGroupsPending}, want{inProgress, inProgress, "Progressing", "Reconciling", ""}},
	{key{"EmergencyResponse", respActive}, want{current, current, "Healthy", "Ready", ""}},
	{key{"EmergencyResponse", respEscalated}, want{failed, failed, "Degraded", "Stalled", ""}},
	{key{"EmergencyResponse", respSupersededAfterEscalation}, want{current, current, "Healthy", "Ready", "the higher response covers the incident now: LevelCovered is True (Superseded)"}},
	{key{"EmergencyResponse", respSupersededByHigher}, want{current, current, "Healthy", "Ready", ""}},
	{key{"EmergencyResponse", respEnded}, want{current, current, "Healthy", "Ready", ""}},

	{key{"Warning", warnAwaitingApproval}, want{inProgress, current, "Suspended", "Ready", "meant Current (a human gate): " + readyGate}},
	{key{"Warning", warnDelivering}, want{inProgress, inProgress, "Progressing", "Reconciling", ""}},
	{key{"Warning", warnNoChannel}, want{inProgress, current, "Progressing", "Ready", "only a person can set up the channel, but sources report NoChannel from their first pass in every namespace without channels: not Stalled, so that a cluster without channels yet does not show every incident Failed"}},
	{key{"Warning", warnDelivered}, want{current, current, "Healthy", "Ready", ""}},

	{key{"WorkGroup", wgSetUp}, want{current, "", "Healthy", "Ready", ""}},

	{key{"HolidayCalendar", calValid}, want{current, current, "Healthy", "Ready", ""}},
	{key{"HolidayCalendar", calInvalid}, want{failed, failed, "Degraded", "Stalled", ""}},
	{key{"HolidayCalendar", calDeleting}, want{terminating, "", "Progressing", `"Pending deletion"`, ""}},

	{key{"NotificationChannel", chanReady}, want{current, current, "Healthy", "Ready", ""}},
	{key{"NotificationChannel", chanSecretMissing}, want{failed, failed, "Degraded", "Stalled", "only a person can create the Secret"}},

	{key{"Notification", ntfDelivering}, want{inProgress, "", "Progressing", "Reconciling", ""}},
	{key{"Notification", ntfDelivered}, want{current, "", "Healthy", "Ready", ""}},
}

// states finds a state's row.
var states = func() map[key]want {
	m := map[key]want{}
	for _, r := range table {
		m[r.key] = r.want
	}
	return m
}()

func TestHealth(t *testing.T) {
	if testing.Short() {
		t.Skip("needs an API server: run make test")
	}
	if len(states) != len(table) {
		t.Fatalf("the table names a state twice")
	}
	c := startCluster(t)
	got := driveStates(t, c)
	for k := range got {
		if _, ok := states[k]; !ok {
			t.Errorf("state %v was reached but is not in the table", k)
		}
	}
	argo := loadArgoChecks(t)
	flux := loadFluxChecks(t)
	results := map[key]result{}
	for _, k := range sortedKeys() {
		w := states[k]
		o, ok := got[k]
		if !ok {
			t.Errorf("%s %q: not reached", k.Kind, k.State)
			continue
		}
		t.Run(k.Kind+"/"+k.State, func(t *testing.T) {
			r := result{how: o.how}
			res, err := status.Compute(o.obj)
			must(t, err)
			r.kstatus = res.Status
			if res.Status != w.kstatus {
				t.Errorf("kstatus: %s (%s), want %s", res.Status, res.Message, w.kstatus)
			}
			if res.Status == failed {
				if _, _, msg, _ := condition(o.obj, "Stalled"); res.Message != msg {
					t.Errorf("kstatus message %q, want Stalled's %q", res.Message, msg)
				}
			}

			script, ok := argo[k.Kind]
			if !ok {
				t.Fatalf("no Argo CD check for %s", k.Kind)
			}
			hs := runArgoCheck(t, script, o.obj)
			r.argo = hs
			if hs.Status != w.argo {
				t.Errorf("Argo CD: %s (%s), want %s", hs.Status, hs.Message, w.argo)
			}
			if msg := expectedMessage(o.obj.Object, w.argoMessage); hs.Message != msg {
				t.Errorf("Argo CD message %q, want %q (%s)", hs.Message, msg, w.argoMessage)
			}
			if hs.Message == "" {
				t.Errorf("Argo CD gives no message")
			}

			if w.flux != "" {
				exprs, ok := flux[k.Kind]
				if !ok {
					t.Fatalf("no Flux health check expressions for %s", k.Kind)
				}
				r.flux = exprs.evaluate(t, o.obj)
				if r.flux != w.flux {
					t.Errorf("Flux with healthCheckExprs: %s, want %s", r.flux, w.flux)
				}
			}
			results[k] = r
		})
	}
	if path := os.Getenv("HEALTH_TABLE"); path != "" {
		must(t, os.WriteFile(path, []byte(markdown(results)), 0o644))
	}
}

// result is what the tools said of one state.
type result struct {
	kstatus, flux status.Status
	argo          argoHealth
	how           string
}

// expectedMessage is the message Argo CD should show: a condition's
// message, or a quoted text.
func expectedMessage(obj map[string]any, from string) string {
	if strings.HasPrefix(from, `"`) {
		return strings.Trim(from, `"`)
	}
	_, _, msg, _ := conditionOf(obj, from)
	return msg
}

// conditionOf finds a condition in an object's content.
func conditionOf(obj map[string]any, typ string) (status, reason, message string, found bool) {
	st, _ := obj["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] != typ {
			continue
		}
		s, _ := m["status"].(string)
		r, _ := m["reason"].(string)
		msg, _ := m["message"].(string)
		return s, r, msg, true
	}
	return "", "", "", false
}

// kinds in the order the table lists them.
var kinds = []string{"SecurityIncident", "EmergencyResponse", "Warning", "WorkGroup", "HolidayCalendar", "NotificationChannel", "Notification"}

func sortedKeys() []key {
	keys := make([]key, 0, len(table))
	for _, r := range table {
		keys = append(keys, r.key)
	}
	return keys
}

// markdown is the table of results, one section per kind.
func markdown(results map[key]result) string {
	var b strings.Builder
	b.WriteString("# Health of each state, as GitOps tools read it\n\n")
	b.WriteString("Written by `HEALTH_TABLE=<file> go test ./test/health` from objects the operator produced on envtest.\n")
	b.WriteString("kstatus is `sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute` (Flux `wait: true`); Flux CEL uses `config/health/flux/flux-kustomization.yaml`; Argo CD runs `config/health/argocd`.\n")
	current := ""
	for _, k := range sortedKeys() {
		r, ok := results[k]
		if !ok {
			continue
		}
		if k.Kind != current {
			current = k.Kind
			fmt.Fprintf(&b, "\n## %s\n\n| state | kstatus | Flux with healthCheckExprs | Argo CD | note |\n| --- | --- | --- | --- | --- |\n", k.Kind)
		}
		flux := string(r.flux)
		if flux == "" {
			flux = "—"
		}
		var notes []string
		if r.how != "" {
			notes = append(notes, "reached: "+r.how)
		}
		if n := states[k].note; n != "" {
			notes = append(notes, n)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s: %s | %s |\n", k.State, r.kstatus, flux, r.argo.Status, cell(r.argo.Message), cell(strings.Join(notes, "; ")))
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
