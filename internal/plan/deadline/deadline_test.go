package deadline

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	ds := []v1alpha1.Deadline{
		{Name: "a", DueTime: metav1.NewTime(at("2026-03-01T10:00:00Z")), State: "Met"},
		{Name: "b", DueTime: metav1.NewTime(at("2026-03-03T10:00:00Z")), State: "Pending"},
		{Name: "c", DueTime: metav1.NewTime(at("2026-03-02T10:00:00Z")), State: "Pending"},
	}
	if got := Next(ds); got == nil || !got.Equal(at("2026-03-02T10:00:00Z")) {
		t.Errorf("Next() = %v, want 2026-03-02T10:00:00Z", got)
	}
	if got := Next(ds[:1]); got != nil {
		t.Errorf("Next() with nothing pending = %v, want nil", got)
	}
}

func TestTrack(t *testing.T) {
	due := at("2026-03-01T10:00:00Z")
	before, after := at("2026-03-01T09:00:00Z"), at("2026-03-01T11:00:00Z")
	pending := v1alpha1.Deadline{Name: "A", DueTime: metav1.NewTime(due), State: v1alpha1.DeadlinePending}
	met := v1alpha1.Deadline{Name: "A", DueTime: metav1.NewTime(due), State: v1alpha1.DeadlineMet, CompletedTime: &metav1.Time{Time: before}}
	missed := v1alpha1.Deadline{Name: "A", DueTime: metav1.NewTime(due), State: v1alpha1.DeadlineMissed}
	missedDoneLate := missed
	missedDoneLate.CompletedTime = &metav1.Time{Time: after}
	type want struct {
		Deadlines, Decided, Missed []v1alpha1.Deadline
		Next                       *time.Time
	}
	cases := map[string]struct {
		record []v1alpha1.Deadline
		owed   Due
		now    time.Time
		want   want
	}{
		"pending before it falls due": {owed: Due{Name: "A", At: due}, now: before,
			want: want{Deadlines: []v1alpha1.Deadline{pending}, Next: &due}},
		"met on time is decided now": {owed: Due{Name: "A", At: due, DoneAt: &before}, now: before,
			want: want{Deadlines: []v1alpha1.Deadline{met}, Decided: []v1alpha1.Deadline{met}}},
		"missed when it falls due undone": {owed: Due{Name: "A", At: due}, now: due,
			want: want{Deadlines: []v1alpha1.Deadline{missed}, Decided: []v1alpha1.Deadline{missed}, Missed: []v1alpha1.Deadline{missed}}},
		"already missed: not decided again, done late is noted": {record: []v1alpha1.Deadline{missed}, owed: Due{Name: "A", At: due, DoneAt: &after}, now: after,
			want: want{Deadlines: []v1alpha1.Deadline{missedDoneLate}, Missed: []v1alpha1.Deadline{missedDoneLate}}},
		"already met stays met": {record: []v1alpha1.Deadline{met}, owed: Due{Name: "A", At: due}, now: after,
			want: want{Deadlines: []v1alpha1.Deadline{met}}},
		"a decided deadline is not decided again when its due time moves": {record: []v1alpha1.Deadline{missed}, owed: Due{Name: "A", At: after.Add(time.Hour)}, now: after,
			want: want{Deadlines: []v1alpha1.Deadline{missed}, Missed: []v1alpha1.Deadline{missed}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := Track(tc.record, []Due{tc.owed}, tc.now)
			if diff := cmp.Diff(tc.want, want(out)); diff != "" {
				t.Errorf("Track() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrackRejudge(t *testing.T) {
	typoDue, realDue := at("2026-12-14T03:00:00Z"), at("2026-12-04T03:00:00Z")
	reported := at("2026-12-04T05:00:00Z")
	now := at("2026-12-04T06:00:00Z")
	metOnTypo := v1alpha1.Deadline{Name: "A", DueTime: metav1.NewTime(typoDue), State: v1alpha1.DeadlineMet, CompletedTime: &metav1.Time{Time: reported}}
	cases := map[string]struct {
		record  v1alpha1.Deadline
		due     Due
		state   v1alpha1.DeadlineState
		dueTime time.Time
		decided bool
	}{
		"met against a typo, due corrected earlier than the report: missed": {
			record: metOnTypo, due: Due{Name: "A", At: realDue, DoneAt: &reported, Rejudge: true},
			state: v1alpha1.DeadlineMissed, dueTime: realDue, decided: true,
		},
		"due corrected earlier, still after the report: stays met": {
			record: metOnTypo, due: Due{Name: "A", At: at("2026-12-04T06:00:00Z"), DoneAt: &reported, Rejudge: true},
			state: v1alpha1.DeadlineMet, dueTime: typoDue,
		},
		"without Rejudge a decided deadline keeps its state": {
			record: metOnTypo, due: Due{Name: "A", At: realDue, DoneAt: &reported},
			state: v1alpha1.DeadlineMet, dueTime: typoDue,
		},
		"a missed deadline never turns met, whatever the due": {
			record: v1alpha1.Deadline{Name: "A", DueTime: metav1.NewTime(realDue), State: v1alpha1.DeadlineMissed, CompletedTime: &metav1.Time{Time: reported}},
			due:    Due{Name: "A", At: typoDue, DoneAt: &reported, Rejudge: true},
			state:  v1alpha1.DeadlineMissed, dueTime: realDue,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out := Track([]v1alpha1.Deadline{tc.record}, []Due{tc.due}, now)
			got := out.Deadlines[0]
			if got.State != tc.state || !got.DueTime.Time.Equal(tc.dueTime) {
				t.Errorf("got %s due %s, want %s due %s", got.State, got.DueTime.UTC(), tc.state, tc.dueTime)
			}
			if (len(out.Decided) > 0) != tc.decided {
				t.Errorf("decided at this look: %v, want %v", out.Decided, tc.decided)
			}
		})
	}
}

func TestWithdraw(t *testing.T) {
	due := metav1.NewTime(at("2026-03-01T10:00:00Z"))
	record := []v1alpha1.Deadline{
		{Name: "A", DueTime: due, State: v1alpha1.DeadlineMissed},
		{Name: "B", DueTime: due, State: v1alpha1.DeadlinePending},
		{Name: "C", DueTime: due, State: v1alpha1.DeadlineMet},
	}
	out := Withdraw(record)
	var states []v1alpha1.DeadlineState
	for _, d := range out.Deadlines {
		states = append(states, d.State)
	}
	if diff := cmp.Diff([]v1alpha1.DeadlineState{v1alpha1.DeadlineMissed, v1alpha1.DeadlineWithdrawn, v1alpha1.DeadlineMet}, states); diff != "" {
		t.Errorf("Withdraw() states (-want +got):\n%s", diff)
	}
	if out.Next != nil || len(out.Decided) != 0 || len(out.Missed) != 1 {
		t.Errorf("Withdraw() next %v, decided %v, missed %v: want nothing tracked, the missed one kept", out.Next, out.Decided, out.Missed)
	}
	// A withdrawn deadline is decided: tracking it again changes nothing.
	again := Track(out.Deadlines, []Due{{Name: "B", At: at("2026-03-01T10:00:00Z")}}, at("2026-03-02T10:00:00Z"))
	if again.Deadlines[0].State != v1alpha1.DeadlineWithdrawn || len(again.Decided) != 0 {
		t.Errorf("a withdrawn deadline tracked again: %+v", again.Deadlines[0])
	}
}
