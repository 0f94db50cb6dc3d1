// Package reconcile is the one shape every controller of the operator has:
//
//	Get → Begin a Pass → the kind's Steps in order → Ready from what the
//	kind declares → health (Stalled, Reconciling) → the status written once,
//	only if it changed → the events announced → RequeueAfter the next
//	deadline.
//
// A kind's controller builds a scope around a Pass, lists its steps and
// says what its Ready summarises (Ready); Run does the rest. Steps write the
// object's status in memory with Pass.Set and Pass.Announce and decide
// events with the Pass's EventLog; nothing is sent before the status that
// records the same transition is on record.
//
// Written keeps the resourceVersions of the controllers' own writes and
// creations, so that a pass on a copy older than its object's last status
// write waits for the cache instead of writing from the stale copy, and a
// pass does not create again what the cache has not seen yet.
//
// The package knows the API group's shared condition types (Ready, Stalled,
// Reconciling) and which reasons mean that a person must act, and nothing
// else of any kind.
package reconcile
