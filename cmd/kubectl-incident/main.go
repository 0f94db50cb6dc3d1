// Command kubectl-incident is the kubectl plugin for the people of the plan:
// approvers, the ministry, duty officers and recipients. On the PATH, kubectl runs it as
// `kubectl incident`; `kubectl incident --help` lists its commands.
//
//	kubectl incident approve response zunyi-outage-response
//	kubectl incident approve warning provincial-yellow-cms
//	kubectl incident end zunyi-outage-response
//	kubectl incident lift national-red-ransomware --directive MIIT-2026-LIFT-3
//	kubectl incident form member-database-leak -o html > form.html
//	kubectl incident timeline warning/provincial-yellow-cms
//	kubectl incident inbox -A
//	kubectl incident confirm zunyi-outage-reported-1a2b3c4d -n unit-telecom-a
//	kubectl incident board -A
package main

import (
	"os"
	_ "time/tzdata" // --time-zone names resolve on machines without a zone database

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/netsec-io/incident-operator/internal/plugin"
)

func main() {
	if err := plugin.NewCommand(genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}).Execute(); err != nil {
		os.Exit(1)
	}
}
