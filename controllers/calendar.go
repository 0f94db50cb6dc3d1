package controllers

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plan/workday"
)

// buildCalendar turns a HolidayCalendar into working-day arithmetic and the
// years it covers; see workday.FromSpec.
func buildCalendar(hc *v1alpha1.HolidayCalendar) (*workday.Calendar, []int, error) {
	return workday.FromSpec(hc.Spec)
}

// loadCalendar reads the named HolidayCalendar. When it is missing or
// unreadable, weekends alone are skipped, in the plan's time zone, and the
// second result says why.
func loadCalendar(ctx context.Context, c client.Reader, name string, fallback *time.Location) (*workday.Calendar, string, error) {
	hc := &v1alpha1.HolidayCalendar{}
	if err := c.Get(ctx, client.ObjectKey{Name: name}, hc); err != nil {
		if apierrors.IsNotFound(err) {
			return workday.Weekends(fallback), fmt.Sprintf("HolidayCalendar %q does not exist", name), nil
		}
		return nil, "", err
	}
	cal, _, err := buildCalendar(hc)
	if err != nil {
		return workday.Weekends(fallback), fmt.Sprintf("HolidayCalendar %q cannot be read: %v", name, err), nil
	}
	return cal, "", nil
}
