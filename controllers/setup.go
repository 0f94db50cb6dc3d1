package controllers

import (
	"context"
	"fmt"

	"net/http"

	authenticationv1 "k8s.io/api/authentication/v1"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/netsec-io/incident-operator/internal/reconcile"
)

// Config is what the controllers are started with.
type Config struct {
	// Clock tells the time; tests pass a fake one.
	Clock clock.PassiveClock
	// Plan holds the plan's settings.
	Plan PlanConfig
	// HolidayCalendar names the HolidayCalendar to count working days in.
	HolidayCalendar string
	// Client, when set, is used by the controllers instead of the
	// manager's (tests wrap it to inject faults).
	Client client.Client
	// Controller options for every controller (tests set a queue on the
	// fake clock).
	Controller controller.Options
	// OfficeNamespace is the emergency office's namespace: its channels
	// reach their audiences for the reports of every namespace, so that an
	// incident a unit files in its own namespace reaches the office. Empty:
	// each namespace's reports go through its own channels only.
	OfficeNamespace string
	// ReportGrouping groups the reports of a storm; zero sends every
	// report alone.
	ReportGrouping ReportGrouping
	// Storm says when incidents arrive as a storm, and how long their
	// reports wait for it to calm (storm.go); a zero Hold holds none.
	Storm StormConfig
	// StormClock times the storm's arrivals; nil is the real clock.
	StormClock clock.WithDelayedExecution
	// Quiet is told of every pass of every controller; nil is told nothing.
	Quiet *reconcile.Quiet
}

// The operator writes real records (a real response's work groups, a real
// event's Notifications), which the API server allows only to holders of
// write on records/real (config/admission/lanes.yaml).
// +kubebuilder:rbac:groups=emergency.netsec.io,resources=records,resourceNames=real,verbs=write

// Setup registers every controller and index with the manager.
func Setup(ctx context.Context, mgr ctrl.Manager, cfg Config) error {
	if err := SetupIndexes(ctx, mgr); err != nil {
		return fmt.Errorf("setting up indexes: %w", err)
	}
	if err := RegisterMetrics(mgr.GetClient(), cfg.Clock); err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	recorder := mgr.GetEventRecorder("incident-operator")
	c := cfg.Client
	if c == nil {
		c = mgr.GetClient()
	}
	type setup interface {
		SetupWithManager(ctrl.Manager, controller.Options) error
	}
	self, err := whoAmI(ctx, mgr)
	if err != nil {
		return err
	}
	k := reconcile.Kit{Client: c, Recorder: recorder, Clock: cfg.Clock, Written: reconcile.NewWritten(nil), Quiet: cfg.Quiet}
	// The links' connections: made by the Uplink controller, and used by
	// the notification controller for the province's reports to the
	// ministry, which cross as themselves.
	links := newUppers(mgr.GetScheme())
	for name, r := range map[string]setup{
		"SecurityIncident":    &SecurityIncidentReconciler{Kit: k, Plan: cfg.Plan, APIReader: mgr.GetAPIReader(), OfficeNamespace: cfg.OfficeNamespace, storm: newStorm(cfg.Storm, cfg.StormClock)},
		"EmergencyResponse":   &EmergencyResponseReconciler{Kit: k, Plan: cfg.Plan, HolidayCalendar: cfg.HolidayCalendar, APIReader: mgr.GetAPIReader(), OfficeNamespace: cfg.OfficeNamespace},
		"WorkGroup":           &WorkGroupReconciler{Kit: k},
		"HolidayCalendar":     &HolidayCalendarReconciler{Kit: k},
		"Warning":             &WarningReconciler{Kit: k, OfficeNamespace: cfg.OfficeNamespace},
		"Notification":        &NotificationReconciler{Kit: k, APIReader: mgr.GetAPIReader(), Cache: mgr.GetCache(), HTTP: &http.Client{}, Mapper: mgr.GetRESTMapper(), OfficeNamespace: cfg.OfficeNamespace, Self: self, Grouping: cfg.ReportGrouping, links: links},
		"NotificationChannel": &NotificationChannelReconciler{Kit: k, APIReader: mgr.GetAPIReader()},
		"ReportingUnit":       &ReportingUnitReconciler{Kit: k, Plan: cfg.Plan, Cache: mgr.GetCache()},
		"UnitReport":          &UnitReportReconciler{Kit: k, Cache: mgr.GetCache()},
		"SupportDispatch":     &SupportDispatchReconciler{Kit: k},
		"Uplink":              &UplinkReconciler{Kit: k, APIReader: mgr.GetAPIReader(), OfficeNamespace: cfg.OfficeNamespace, uppers: links},
	} {
		if err := r.SetupWithManager(mgr, cfg.Controller); err != nil {
			return fmt.Errorf("setting up the %s controller: %w", name, err)
		}
	}
	return nil
}

// whoAmI is the operator's own user name, as the API server knows it (a
// SelfSubjectReview, which every authenticated user may make): the
// notification controller sends only the notifications it created.
func whoAmI(ctx context.Context, mgr ctrl.Manager) (string, error) {
	c, err := client.New(mgr.GetConfig(), client.Options{Scheme: mgr.GetScheme()})
	if err != nil {
		return "", err
	}
	review := &authenticationv1.SelfSubjectReview{}
	if err := c.Create(ctx, review); err != nil {
		return "", fmt.Errorf("asking the API server who the operator is: %w", err)
	}
	return review.Status.UserInfo.Username, nil
}
