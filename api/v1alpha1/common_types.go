package v1alpha1

// Level is one of the plan's four levels (§3). One of: I (especially
// major, 特别重大), II (major, 重大), III (large, 较大), IV (general, 一般).
// +kubebuilder:validation:Enum=I;II;III;IV
type Level string

// The plan's levels, from the most to the least severe.
const (
	LevelI   Level = "I"
	LevelII  Level = "II"
	LevelIII Level = "III"
	LevelIV  Level = "IV"
)

// DeadlineState says whether a deadline is still open, was kept, or passed.
// One of: Pending (still open), Met (kept), Missed (its time passed),
// Withdrawn (its incident was withdrawn while it was open).
// +kubebuilder:validation:Enum=Pending;Met;Missed;Withdrawn
type DeadlineState string

// Deadline states.
const (
	DeadlinePending DeadlineState = "Pending"
	DeadlineMet     DeadlineState = "Met"
	DeadlineMissed  DeadlineState = "Missed"
	// DeadlineWithdrawn: the deadline was still pending when its incident
	// was withdrawn; it is no longer tracked.
	DeadlineWithdrawn DeadlineState = "Withdrawn"
)

// ConditionReady is the summary condition of every kind in this group, so
// that `kubectl wait --for=condition=Ready` and GitOps health checks work.
const ConditionReady = "Ready"

// InputNotYetKnownReason: a condition that Ready summarises has not been
// set yet, so Ready cannot say more.
const InputNotYetKnownReason = "NotYetKnown"

// Health conditions of every kind, in the sense of kstatus
// (sigs.k8s.io/cli-utils): Stalled=True (kstatus Failed) when only a person
// can clear what holds the object back, Reconciling=True (InProgress) while
// the operator itself is still bringing it to Ready.
const (
	// ConditionStalled is True when only a person can clear what is wrong;
	// its reason and message are those of the condition that says what.
	ConditionStalled = "Stalled"
	// ConditionReconciling is True while the operator is still at work.
	ConditionReconciling = "Reconciling"
	// HealthyReason: nothing waits for a person (Stalled=False).
	HealthyReason = "NothingWaitsForAPerson"
	// SettledReason: the operator has nothing left to do (Reconciling=False).
	SettledReason = "Settled"
)

// Limits shared by every kind's status. The markers on the fields carry the
// same numbers; api/v1alpha1/limits_test.go checks the generated CRDs agree.
const (
	// MaxConditionMessage is the length of a condition's message
	// (metav1.Condition).
	MaxConditionMessage = 32768
	// MaxEventNote is the length of an event's note (events.k8s.io/v1).
	MaxEventNote = 1024
)
