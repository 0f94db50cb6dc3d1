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

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/plugin"
)

type options struct {
	kubeconfig, context, namespace, directive string
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

	run := func(f func(context.Context, client.Client, string, string, plugin.Decision) (string, error)) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			name := args[len(args)-1]
			loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
				&clientcmd.ClientConfigLoadingRules{ExplicitPath: o.kubeconfig, Precedence: clientcmd.NewDefaultClientConfigLoadingRules().Precedence},
				&clientcmd.ConfigOverrides{CurrentContext: o.context})
			cfg, err := loader.ClientConfig()
			if err != nil {
				return err
			}
			ns := o.namespace
			if ns == "" {
				if ns, _, err = loader.Namespace(); err != nil {
					return err
				}
			}
			scheme := runtime.NewScheme()
			_ = clientgoscheme.AddToScheme(scheme)
			_ = v1alpha1.AddToScheme(scheme)
			c, err := client.New(cfg, client.Options{Scheme: scheme})
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
	return root
}
