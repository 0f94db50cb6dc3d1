package controllers

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// What the envtest specs of this directory (package controllers_test, in
// notification_controller_test.go) reach of the package's internals; the
// package exports neither.
var (
	// EnsureNotifications is ensureNotifications: it writes down a
	// source's reports, as a reporting kind's reconcile does.
	EnsureNotifications = ensureNotifications
)

// ChannelRecheckNotReady is channelRecheckNotReady: how long a channel that
// is not Ready waits for its next check, on the operator's clock.
const ChannelRecheckNotReady = channelRecheckNotReady

// CachedIncidents is cachedIn for incidents.
func CachedIncidents(ctx context.Context, c cache.Cache, r client.Reader, ns string) ([]*v1alpha1.SecurityIncident, error) {
	return cachedIn[*v1alpha1.SecurityIncident](ctx, c, r, &v1alpha1.SecurityIncidentList{}, ns)
}
