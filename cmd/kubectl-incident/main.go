// Command kubectl-incident is a kubectl plugin for the people of the plan:
// approvers, the ministry and duty officers.
//
//	kubectl incident approve response zunyi-outage-response
//	kubectl incident approve warning provincial-yellow-cms
//	kubectl incident end zunyi-outage-response
//	kubectl incident lift national-red-ransomware --directive MIIT-2026-LIFT-3
package main

import (
	"context"
	"fmt"
	"os"
	"time"
	_ "time/tzdata"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/form"
	"github.com/netsec-io/incident-operator/internal/plugin"
)

type options struct {
	kubeconfig, context, namespace, directive, output, timeZone string
}

func main() {
	if err := newRoot().Execute(); err != nil {
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	o := &options{}
	root := &cobra.Command{
		Use:           "kubectl-incident",
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl incident"},
		Short:         "Approve, end and lift the plan's responses and warnings",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	root.PersistentFlags().StringVar(&o.kubeconfig, "kubeconfig", "", "Path to the kubeconfig file")
	root.PersistentFlags().StringVar(&o.context, "context", "", "The kubeconfig context to use")
	root.PersistentFlags().StringVarP(&o.namespace, "namespace", "n", "", "The namespace of the object")

	connect := func() (client.Client, *rest.Config, string, error) {
		loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
			&clientcmd.ClientConfigLoadingRules{ExplicitPath: o.kubeconfig, Precedence: clientcmd.NewDefaultClientConfigLoadingRules().Precedence},
			&clientcmd.ConfigOverrides{CurrentContext: o.context})
		cfg, err := loader.ClientConfig()
		if err != nil {
			return nil, nil, "", err
		}
		ns := o.namespace
		if ns == "" {
			if ns, _, err = loader.Namespace(); err != nil {
				return nil, nil, "", err
			}
		}
		scheme := runtime.NewScheme()
		_ = clientgoscheme.AddToScheme(scheme)
		_ = v1alpha1.AddToScheme(scheme)
		c, err := client.New(cfg, client.Options{Scheme: scheme})
		return c, cfg, ns, err
	}

	run := func(f func(context.Context, client.Client, string, string, plugin.Decision) (string, error)) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			name := args[len(args)-1]
			c, cfg, ns, err := connect()
			if err != nil {
				return err
			}
			user, err := plugin.WhoAmI(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			out, err := f(cmd.Context(), c, ns, name, plugin.Decision{User: user, Directive: o.directive})
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), out)
			return nil
		}
	}

	approve := &cobra.Command{
		Use:   "approve (response|warning) NAME",
		Short: "Approve a response's start, or a yellow or blue warning's publication or adjustment",
		Long: `Writes your approval as the annotation the API server checks: your own user name
(found with a SelfSubjectReview, as 'kubectl auth whoami' does) and the level it covers.
A level I or II response takes the ministry directive's reference instead (--directive).
The API server refuses it unless you are entitled and did not create the object.`,
		Example: `  kubectl incident approve response zunyi-outage-response
  kubectl incident approve response platform-leak-response --directive MIIT-NSEO-2026-017
  kubectl incident approve warning provincial-yellow-cms`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch args[0] {
			case "response", "responses", "er", "emergencyresponse":
				return run(plugin.ApproveResponse)(cmd, args)
			case "warning", "warnings", "warn":
				return run(plugin.ApproveWarning)(cmd, args)
			}
			return fmt.Errorf("approve takes response or warning, not %q", args[0])
		},
	}
	end := &cobra.Command{
		Use:     "end NAME",
		Short:   "Ask to end a response, with your end approval (III, IV) or the ministry's directive (I, II)",
		Example: "  kubectl incident end zunyi-outage-response\n  kubectl incident end platform-leak-response --directive MIIT-NSEO-2026-031",
		Args:    cobra.ExactArgs(1),
		RunE:    run(plugin.EndResponse),
	}
	lift := &cobra.Command{
		Use:     "lift NAME",
		Short:   "Ask to lift a warning, with your approval (yellow, blue) or the ministry's directive (red, orange)",
		Example: "  kubectl incident lift provincial-yellow-cms\n  kubectl incident lift national-red-ransomware --directive MIIT-2026-LIFT-3",
		Args:    cobra.ExactArgs(1),
		RunE:    run(plugin.LiftWarning),
	}
	for _, c := range []*cobra.Command{approve, end, lift} {
		c.Flags().StringVar(&o.directive, "directive", "", "The ministry directive's reference (levels I and II; red and orange warnings)")
		root.AddCommand(c)
	}

	formCmd := &cobra.Command{
		Use:     "form NAME",
		Short:   "Render a SecurityIncident as the plan's annex report form (贵州省公共互联网网络安全事件报送表)",
		Example: "  kubectl incident form member-database-leak\n  kubectl incident form member-database-leak -o html > form.html",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, _, ns, err := connect()
			if err != nil {
				return err
			}
			inc := &v1alpha1.SecurityIncident{}
			if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: ns, Name: args[0]}, inc); err != nil {
				return err
			}
			switch o.output {
			case "markdown", "md", "":
				fmt.Fprint(cmd.OutOrStdout(), form.Markdown(inc))
			case "html":
				page, err := form.HTML(inc)
				if err != nil {
					return err
				}
				fmt.Fprint(cmd.OutOrStdout(), page)
			default:
				return fmt.Errorf("--output is markdown or html, not %q", o.output)
			}
			return nil
		},
	}
	formCmd.Flags().StringVarP(&o.output, "output", "o", "markdown", "markdown or html")
	timelineCmd := &cobra.Command{
		Use:     "timeline NAME",
		Short:   "Print an incident's or a response's history in time order: level changes, approvals, work groups, deadlines, events",
		Example: "  kubectl incident timeline member-database-leak\n  kubectl incident timeline -n emergency-office zunyi-outage-response",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, _, ns, err := connect()
			if err != nil {
				return err
			}
			loc, err := time.LoadLocation(o.timeZone)
			if err != nil {
				return err
			}
			entries, err := plugin.Timeline(cmd.Context(), c, ns, args[0])
			if err != nil {
				return err
			}
			plugin.PrintTimeline(cmd.OutOrStdout(), entries, loc)
			return nil
		},
	}
	timelineCmd.Flags().StringVar(&o.timeZone, "time-zone", "Asia/Shanghai", "The time zone to print in")
	root.AddCommand(formCmd, timelineCmd)
	return root
}
