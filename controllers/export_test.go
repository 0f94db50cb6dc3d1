package controllers

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
