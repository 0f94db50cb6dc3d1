// Command manager runs the incident-operator against the cluster of
// --kubeconfig, $KUBECONFIG or the pod it runs in. To run it on a local
// control plane of its own, use cmd/local (`make run`).
package main

import (
	_ "time/tzdata" // the plan's time zone must load in a distroless image

	"github.com/netsec-io/incident-operator/manager"
)

func main() {
	manager.Main(manager.GivenCluster)
}
