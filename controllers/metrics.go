package controllers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/duty"
	"github.com/netsec-io/incident-operator/internal/plan/routing"
	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// The operator's own metrics, served beside controller-runtime's on the
// manager's metrics endpoint.
var (
	deadlineOutcomes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incident_operator_deadlines_total",
		Help: "Deadlines decided, by deadline name and outcome (Met, Missed).",
	}, []string{"deadline", "outcome"})

	classificationSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "incident_operator_report_to_classification_seconds",
		Help:    "Time from an incident's report (creation) to its first classification.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	})

	approvalSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "incident_operator_request_to_approval_seconds",
		Help:    "Time from a request (response or warning created) to the approval, directive or relay that started it.",
		Buckets: prometheus.ExponentialBuckets(1, 4, 10),
	}, []string{"kind"})

	workGroupsReadySeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "incident_operator_approval_to_workgroups_ready_seconds",
		Help:    "Time from a response's start to all its work groups being ready.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	})

	deliveryOutcomes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incident_operator_notification_deliveries_total",
		Help: "Notification delivery attempts, by namespace, channel and outcome (Delivered, Failed).",
	}, []string{"namespace", "channel", "outcome"})
)

// incidentCollector counts incidents by level and drill from the cache when
// scraped, so the figure is never stale and costs no writes.
type incidentCollector struct {
	reader client.Reader
	desc   *prometheus.Desc
}

func (c *incidentCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *incidentCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	list := &v1alpha1.SecurityIncidentList{}
	if err := c.reader.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	type key struct {
		level string
		drill bool
	}
	counts := map[key]float64{}
	for _, l := range []string{"I", "II", "III", "IV", string(v1alpha1.BelowThreshold)} {
		counts[key{l, false}], counts[key{l, true}] = 0, 0
	}
	for _, inc := range list.Items {
		if inc.Status.Level != "" {
			counts[key{string(inc.Status.Level), inc.Spec.Drill}]++
		}
	}
	for k, n := range counts {
		drill := "false"
		if k.drill {
			drill = "true"
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, k.level, drill)
	}
}

// undeliverableCollector counts, when scraped, the reports that cannot go
// out as things stand (their Delivered says NoChannel or DeliveryFailing),
// under each audience they have not reached: the figure an alert watches
// so that no report stays silently undelivered.
type undeliverableCollector struct {
	reader client.Reader
	desc   *prometheus.Desc
}

func (c *undeliverableCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *undeliverableCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	list := &v1alpha1.NotificationList{}
	if err := c.reader.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	counts := map[v1alpha1.Audience]float64{}
	for _, a := range []v1alpha1.Audience{v1alpha1.AudienceOffice, v1alpha1.AudienceLeadingGroup, v1alpha1.AudienceMinistryOffice,
		v1alpha1.AudienceEmergencyManagement, v1alpha1.AudienceUnits, v1alpha1.AudiencePublic} {
		counts[a] = 0
	}
	for i := range list.Items {
		n := &list.Items[i]
		d := meta.FindStatusCondition(n.Status.Conditions, v1alpha1.NotificationDeliveredCondition)
		if d == nil || d.Status == metav1.ConditionTrue || !routing.Undeliverable(d.Reason) {
			continue
		}
		for _, a := range routing.Unserved(&n.Spec, n.Status.Deliveries) {
			counts[a]++
		}
	}
	for a, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, string(a))
	}
}

// needsCollector counts, when scraped, what needs someone now (the items of
// internal/duty, read from the cache with the operator's own rights):
// deadlines overdue, decisions pending by whose decision, reports
// undelivered or unconfirmed, deadlines to come.
type needsCollector struct {
	reader client.Reader
	clock  clock.PassiveClock
	desc   *prometheus.Desc
}

func (c *needsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *needsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := duty.Gather(ctx, c.reader, "", c.clock.Now(), client.UnsafeDisableDeepCopy)
	if err == nil && len(d.Hidden) > 0 {
		err = fmt.Errorf("the operator's role hides %s", strings.Join(d.Hidden, "; "))
	}
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	type key struct{ ns, state, whose string }
	counts := map[key]float64{}
	for _, it := range d.Items {
		counts[key{it.Namespace, strings.ToLower(it.State.String()), string(it.Whose)}]++
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, k.ns, k.state, k.whose)
	}
}

// unitCollector shows, when scraped, each unit's yearly record as its status
// keeps it (the figures of a telecom operator's yearly assessment, §6.2,
// §7.2) and the duties it has not acknowledged, read from the cache.
type unitCollector struct {
	reader         client.Reader
	record, duties *prometheus.Desc
}

func (c *unitCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.record
	ch <- c.duties
}

func (c *unitCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	list := &v1alpha1.ReportingUnitList{}
	if err := c.reader.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ch <- prometheus.NewInvalidMetric(c.record, err)
		ch <- prometheus.NewInvalidMetric(c.duties, err)
		return
	}
	for i := range list.Items {
		u := &list.Items[i]
		if u.Name != u.Namespace {
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.duties, prometheus.GaugeValue, float64(u.Status.Unacknowledged), u.Namespace)
		for _, r := range u.Status.Records {
			year := strconv.Itoa(int(r.Year))
			for _, m := range recordMeasures(&r) {
				ch <- prometheus.MustNewConstMetric(c.record, prometheus.GaugeValue, float64(m.value), u.Namespace, u.Spec.Name, year, m.name)
			}
		}
	}
}

// recordMeasure is one count of a unit's yearly record, named as the
// metric's measure label.
type recordMeasure struct {
	name  string
	value int32
}

// recordMeasures are the counts of a year's record.
func recordMeasures(r *v1alpha1.YearRecord) []recordMeasure {
	return []recordMeasure{
		{"incidents", r.Incidents},
		{"reported_late", r.ReportedLate},
		{"deadlines_missed", r.DeadlinesMissed},
		{"corrections", r.Corrections},
		{"drills", int32(len(r.Drills))},
		{"progress_reports", r.ProgressReports},
		{"hazard_reports", r.HazardReports},
		{"summary_reports_owed", r.SummaryReportsOwed},
		{"summary_reports_on_time", r.SummaryReportsOnTime},
		{"summary_reports_missed", r.SummaryReportsMissed},
	}
}

// RegisterMetrics adds the operator's metrics to controller-runtime's
// registry; the gauges read from r, the cache, when scraped, at the time
// clk tells.
func RegisterMetrics(r client.Reader, clk clock.PassiveClock) error {
	collectors := []prometheus.Collector{
		deadlineOutcomes, classificationSeconds, approvalSeconds, workGroupsReadySeconds, deliveryOutcomes,
		&incidentCollector{reader: r, desc: prometheus.NewDesc("incident_operator_incidents",
			"Classified incidents by level and drill.", []string{"level", "drill"}, nil)},
		&undeliverableCollector{reader: r, desc: prometheus.NewDesc("incident_operator_reports_undeliverable",
			"Reports that cannot go out now (no consented Ready channel, or every attempt failing), by audience not reached.", []string{"audience"}, nil)},
		&unitCollector{reader: r,
			record: prometheus.NewDesc("incident_operator_unit_record",
				"A reporting unit's yearly record as its ReportingUnit status keeps it, by local year and measure.", []string{"namespace", "unit", "year", "measure"}, nil),
			duties: prometheus.NewDesc("incident_operator_unit_duties_unacknowledged",
				"Red or orange warnings and III/IV responses in force over a unit that it has not acknowledged.", []string{"namespace"}, nil)},
		&needsCollector{reader: r, clock: clk, desc: prometheus.NewDesc("incident_operator_needs_someone",
			"What needs someone now, as the duty board and kubectl incident inbox show it: by namespace, state (overdue, decision, undelivered, unconfirmed, due) and whose it is (office, leading group, ministry, ministry leading group, reporting unit, recipients, drill pipeline, operator).",
			[]string{"namespace", "state", "whose"}, nil)},
	}
	for _, c := range collectors {
		if err := metrics.Registry.Register(c); err != nil {
			if !errors.As(err, new(prometheus.AlreadyRegisteredError)) {
				return err
			}
		}
	}
	return nil
}

// countDecided counts a deadline that this reconcile decided, once its
// status is written.
func countDecided(l *reconcile.EventLog, d v1alpha1.Deadline) {
	name, state := d.Name, string(d.State)
	l.Then(func() { deadlineOutcomes.WithLabelValues(name, state).Inc() })
}
