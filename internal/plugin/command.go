package plugin

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/board"
	"github.com/netsec-io/incident-operator/internal/duty"
	"github.com/netsec-io/incident-operator/internal/form"
	"github.com/netsec-io/incident-operator/internal/text"
)

// options are the command line: kubectl's own connection flags and the
// plugin's.
type options struct {
	flags                              *genericclioptions.ConfigFlags
	streams                            genericiooptions.IOStreams
	directive, level, output, zoneName string
	dryRun, allNamespaces              bool
	lang                               string
	textLang                           string
	port                               int
	// units' own: the year of the records, and table or csv.
	year        int
	unitsOutput string
}

const rootLong = `kubectl incident is the kubectl plugin for the people of the emergency plan:
the provincial leading group and the ministry decide (approve, end, lift),
duty officers read (form, timeline).

Decisions are written as the annotations the API server checks: it refuses
anyone not entitled, and anyone who wrote what they would approve. Before
writing, the plugin asks the operator's own rules whether it would act on the
decision, and refuses with the reason if not: a drill approval over a real
incident, a level other than the response's, a colour the province does not
approve, a response that already started, an end without a start.

Times are shown in --time-zone (default Asia/Shanghai), each with its UTC
offset; the output names the zone it uses.

The connection flags are kubectl's own (--kubeconfig, --context, -n/--namespace,
--as, --as-group, --server, --token, ...), listed below.`

const rootExample = `  # Start a level III or IV response, as a member of the provincial leading group
  kubectl incident approve response zunyi-outage-response -n emergency-office

  # Start a level I or II response on the ministry's directive
  kubectl incident approve response platform-leak-response --directive MIIT-NSEO-2026-017

  # Publish a yellow warning, as another user
  kubectl incident approve warning provincial-yellow-cms --as leading-group

  # End a response; lift a warning
  kubectl incident end zunyi-outage-response
  kubectl incident lift national-red-ransomware --directive MIIT-2026-LIFT-3

  # The annex report form, ready to print
  kubectl incident form member-database-leak -o html > form.html

  # The history of an incident, a response or a warning, in UTC
  kubectl incident timeline warning/provincial-yellow-cms --time-zone UTC

  # What needs someone now, in every namespace you may read, most urgent first
  kubectl incident inbox -A

  # Confirm, as a recipient, that a report arrived
  kubectl incident confirm zunyi-outage-reported-1a2b3c4d -n unit-telecom-a

  # The duty board in your browser, live, acting as you
  kubectl incident board -A

  # Every registered unit and its record of last year, for the yearly assessment
  kubectl incident units -A --year 2025 -o csv > units-2025.csv`

// NewCommand builds the kubectl incident command with kubectl's standard
// connection flags (genericclioptions.ConfigFlags).
func NewCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &options{flags: genericclioptions.NewConfigFlags(true), streams: streams}
	root := &cobra.Command{
		Use:               "kubectl-incident",
		Annotations:       map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl incident"},
		Short:             "Approve, end and lift the plan's responses and warnings; confirm reports; the inbox, the duty board, the annex form, timelines and the units' records",
		Long:              rootLong,
		Example:           rootExample,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	o.flags.AddFlags(root.PersistentFlags())
	root.PersistentFlags().StringVar(&o.zoneName, "time-zone", DefaultZone, "The time zone to show times in (an IANA name such as Asia/Shanghai, or UTC as kubectl shows them)")

	approve := &cobra.Command{
		Use:   "approve (response|warning) NAME",
		Short: "Approve a response's start, or a yellow or blue warning's publication or adjustment",
		Long: `Writes your approval as the annotation the API server checks: your own user name
(found with a SelfSubjectReview, as 'kubectl auth whoami' does) and the level it
covers. A level I or II response takes the ministry directive's reference instead
(--directive). The API server refuses it unless you are entitled and did not write
the object.

Nothing is written when the operator would not act on it: a response that already
started or ended, or whose level the operator has not settled; a drill response
over a real incident; a --level other than the response's (status.level); a red or
orange warning or a risk notice (not approved in the province); a warning already
published at its colour, or lifted.`,
		Example: `  kubectl incident approve response zunyi-outage-response
  kubectl incident approve response zunyi-outage-response --level III   # refused unless it is at III
  kubectl incident approve response platform-leak-response --directive MIIT-NSEO-2026-017
  kubectl incident approve warning provincial-yellow-cms
  kubectl incident approve warning/provincial-yellow-cms --level Yellow`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, name, err := kindAndName(args)
			if err != nil {
				return err
			}
			switch kind {
			case KindResponse:
				return o.decide(cmd, "approving response", name, ApproveResponse)
			case KindWarning:
				return o.decide(cmd, "approving warning", name, ApproveWarning)
			}
			return fmt.Errorf("approve takes a response or a warning, not %q", args[0])
		},
	}
	approve.Flags().StringVar(&o.level, "level", "", "The level (I–IV) or colour (Yellow, Blue) you approve; refused unless it is the object's own")
	end := &cobra.Command{
		Use:   "end NAME",
		Short: "End a response, with your end approval (III, IV) or the ministry's directive (I, II)",
		Long: `Sets spec.endRequested and writes your end approval (level III, IV) or the
ministry's directive (--directive, level I, II): a response ends on the authority
that started it. Refused, with nothing written, for a response that has not
started or has already ended.`,
		Example: "  kubectl incident end zunyi-outage-response\n  kubectl incident end platform-leak-response --directive MIIT-NSEO-2026-031",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.decide(cmd, "ending response", trimKind(args[0]), EndResponse)
		},
	}
	lift := &cobra.Command{
		Use:   "lift NAME",
		Short: "Lift a warning, with your approval (yellow, blue) or the ministry's directive (red, orange)",
		Long: `Sets spec.liftRequested and writes the lifting decision: your approval for a
yellow or blue warning, the ministry's directive (--directive) for one that is or
ever was red or orange; a risk notice lifts on the office's word. Refused, with
nothing written, for a warning not yet published or already lifted.`,
		Example: "  kubectl incident lift provincial-yellow-cms\n  kubectl incident lift national-red-ransomware --directive MIIT-2026-LIFT-3",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.decide(cmd, "lifting warning", trimKind(args[0]), LiftWarning)
		},
	}
	assess := &cobra.Command{
		Use:   "assess NAME --level (I|II|III|IV)",
		Short: "Assess, for the office, the level of an incident's other harm (§3)",
		Long: `Harm that no criterion of §3 measures (event type Other) has the level the office
assesses it to have. Writes that assessment as the annotations the API server
checks: emergency.netsec.io/assessed-level and emergency.netsec.io/assessed-by
with your own user name. The API server refuses it unless you hold the verb
assess on harms (the office's role) and did not file the incident yourself. A
later assessment replaces an earlier one; the incident's level history keeps both.`,
		Example: "  kubectl incident assess guiyang-portal-defacement --level III -n unit-security-a",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.decide(cmd, "assessing incident", trimKind(args[0]), AssessIncident)
		},
	}
	assess.Flags().StringVar(&o.level, "level", "", "The level (I–IV) you assess the incident's other harm to have")
	assess.Flags().BoolVar(&o.dryRun, "dry-run", false, "Have the API server check the assessment (its admission policies included) without writing it")
	for _, c := range []*cobra.Command{approve, end, lift} {
		c.Flags().StringVar(&o.directive, "directive", "", "The ministry directive's reference (levels I and II; red and orange warnings)")
		c.Flags().BoolVar(&o.dryRun, "dry-run", false, "Have the API server check the decision (its admission policies included) without writing it")
	}

	formCmd := &cobra.Command{
		Use:   "form NAME",
		Short: "Print a SecurityIncident as the plan's annex report form (贵州省公共互联网网络安全事件报送表)",
		Long: `Prints the incident as the annex form of the plan, in Chinese, every box ticked
from its spec; times are Beijing time, as on the paper form. -o html lays it out
as the annex table on one A4 page, ready to print (it needs a CJK font: on Debian,
apt-get install fonts-noto-cjk).`,
		Example: "  kubectl incident form member-database-leak\n  kubectl incident form member-database-leak -o html > form.html",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch o.output {
			case "markdown", "md", "html":
			default:
				return fmt.Errorf("--output is markdown or html, not %q", o.output)
			}
			c, _, ns, err := o.connect()
			if err != nil {
				return err
			}
			inc := &v1alpha1.SecurityIncident{}
			if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: ns, Name: trimKind(args[0])}, inc); err != nil {
				return err
			}
			if o.output == "html" {
				page, err := form.HTML(inc)
				if err != nil {
					return err
				}
				fmt.Fprint(cmd.OutOrStdout(), page)
				return nil
			}
			fmt.Fprint(cmd.OutOrStdout(), form.Markdown(inc))
			return nil
		},
	}
	formCmd.Flags().StringVarP(&o.output, "output", "o", "markdown", "markdown or html")

	timelineCmd := &cobra.Command{
		Use:   "timeline [KIND] NAME",
		Short: "Print the history of an incident, a response or a warning in time order",
		Long: `Prints, in time order, with the events about the object:
  securityincident (sinc): the report, level changes, its response, deadlines;
  emergencyresponse (er): the request, approval, start, work groups and progress
    reports, the units' acknowledgements, progress and summary reports, the end
    and the summary-report deadlines;
  warning (warn): issue, publication, adjustments, lifting, the units'
    acknowledgements, and each delivery.
Without a kind the name is looked up as an incident, a response, then a warning.
The first line names the time zone (--time-zone, default Asia/Shanghai). What
your role may not read (events, work groups, reports) is named on a line
"# not shown: ..." after it, instead of being left out in silence.`,
		Example: `  kubectl incident timeline member-database-leak
  kubectl incident timeline -n emergency-office response zunyi-outage-response
  kubectl incident timeline warn/provincial-yellow-cms --time-zone UTC`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, name, err := kindAndName(args)
			if err != nil {
				return err
			}
			zone, c, _, ns, err := o.session()
			if err != nil {
				return err
			}
			lang, err := textLangOf(o.textLang)
			if err != nil {
				return err
			}
			h, err := ReadHistoryIn(cmd.Context(), c, kind, ns, name, zone, lang)
			if err != nil {
				return err
			}
			PrintHistory(cmd.OutOrStdout(), h, zone, lang)
			return nil
		},
	}
	timelineCmd.Flags().StringVar(&o.textLang, "lang", "", "The timeline's language: zh or en (default: zh when LC_ALL, LC_MESSAGES or LANG starts with zh, else en)")
	confirm := &cobra.Command{
		Use:   "confirm NAME",
		Short: "Confirm, as a recipient, that a report (Notification) arrived (电话确认)",
		Long: `Writes your confirmation of receipt as the annotation the API server checks:
emergency.netsec.io/confirmed-by with your own user name. The API server refuses
it unless you speak for one of the report's audiences (the verb confirm on
audiences/<audience>, the role emergency-report-recipient). A confirmation is
recorded once. kubectl incident inbox lists the reports that wait for one.`,
		Example: "  kubectl incident confirm zunyi-outage-reported-1a2b3c4d -n unit-telecom-a\n" +
			"  kubectl incident confirm notification/zunyi-outage-reported-1a2b3c4d --dry-run",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.decide(cmd, "confirming receipt of notification", trimKind(args[0]), ConfirmReport)
		},
	}
	confirm.Flags().BoolVar(&o.dryRun, "dry-run", false, "Have the API server check the confirmation (its admission policies included) without writing it")

	inbox := &cobra.Command{
		Use:   "inbox",
		Short: "List what needs someone now, most urgent first",
		Long: `Lists, read with your own credentials, most urgent first:
  OVERDUE      a deadline that passed while what it asks for is still owed;
  DECISION     a response or a warning waiting for a decision, and whose it is
               (the leading group for III/IV and yellow/blue, the ministry for
               I/II and red/orange, the drill pipeline for drills); a report
               to the public waiting for the office's consent;
  UNDELIVERED  a report that has not reached all its audiences, and why;
  UNCONFIRMED  a report delivered whose receipt nobody has confirmed;
  DUE          the next deadline of each open incident and response.
Drills say (drill). Times are in --time-zone with their offset. What your role
may not list is named on a line "# not shown: ..." at the top, never left out
in silence.`,
		Example: "  kubectl incident inbox\n  kubectl incident inbox -A --time-zone UTC",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			zone, c, _, ns, err := o.session()
			if err != nil {
				return err
			}
			if o.allNamespaces {
				ns = ""
			}
			now := time.Now()
			d, err := duty.Gather(cmd.Context(), c, ns, now)
			if err != nil {
				return err
			}
			lang, err := textLangOf(o.textLang)
			if err != nil {
				return err
			}
			PrintInbox(cmd.OutOrStdout(), d, zone, now, lang)
			return nil
		},
	}
	inbox.Flags().BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "Every namespace you may list, instead of the current one")
	inbox.Flags().StringVar(&o.textLang, "lang", "", "The inbox's language: zh or en (default: zh when LC_ALL, LC_MESSAGES or LANG starts with zh, else en)")

	boardCmd := &cobra.Command{
		Use:   "board",
		Short: "Serve the duty board in your browser: live, on 127.0.0.1 only, acting as you",
		Long: `Serves the duty board on 127.0.0.1 (a random port unless --port) and prints its
address with a one-time token: open it in your browser on this machine. The
board holds no credentials of its own: it reads, watches and writes with yours
(this kubeconfig, context and --as), so it shows what your role may read and the
API server refuses, on the page, what you may not do.

Panels, live (a change shows within a second): open incidents by level with
their next deadline counting down; responses and warnings waiting for a decision
and whose it is; warnings in force by colour with their measures; reports not
delivered or not confirmed. Drills are marked. An object's page shows its
timeline, its annex form ready to print, and the decisions you may take
(approve, end, lift, confirm receipt), taken by the same code as the commands
of this plugin. A unit's reporter files a quick notice on the page.

The token works once: the browser that uses it gets a session cookie, and every
other request is refused. Ctrl-C stops the board.`,
		Example: "  kubectl incident board -A\n  kubectl incident board -n unit-telecom-a --lang en --port 8765",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.serveBoard(cmd)
		},
	}
	boardCmd.Flags().BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "Every namespace you may list, instead of the current one")
	boardCmd.Flags().StringVar(&o.lang, "lang", "zh", "The page's first language: zh or en (a button on the page switches)")
	boardCmd.Flags().IntVar(&o.port, "port", 0, "The port on 127.0.0.1 (0: a free port)")

	units := &cobra.Command{
		Use:   "units",
		Short: "List the registered reporting units: plan, drill, duty, and their record of a year",
		Long: `Lists, read with your own credentials, one line per ReportingUnit: its namespace,
name and type; where it stands now: its filed plan (PlanFiled, and the version
the office accepted), its drill this year (DrillHeldThisYear), its 24-hour duty
(DutyReachable, and how many red/orange warnings and III/IV responses it has not
acknowledged); and its record of --year (default: this year in Asia/Shanghai,
the zone the operator counts years in): incidents reported, reported late,
deadlines missed, corrections, progress and hazard reports, summary reports
owed, on time and missed, and drills held with their scores (deadlines met of
all, e.g. "2 (4/4, 3/4)").

-o csv writes the same figures, one column each, with a header row, for the
yearly assessment's spreadsheet.`,
		Example: "  kubectl incident units -A\n  kubectl incident units -n unit-telecom\n  kubectl incident units -A --year 2025 -o csv > units-2025.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.unitsOutput != "table" && o.unitsOutput != "csv" {
				return fmt.Errorf("--output is table or csv, not %q", o.unitsOutput)
			}
			year := o.year
			if year == 0 {
				year = CurrentYear(time.Now())
			}
			if year < 2000 || year > 2200 {
				return fmt.Errorf("--year %d: a unit's records are kept for the years 2000 to 2200", year)
			}
			c, _, ns, err := o.connect()
			if err != nil {
				return err
			}
			where := "in namespace " + ns
			if o.allNamespaces {
				ns, where = "", "in any namespace you may list"
			}
			rows, err := ReadUnits(cmd.Context(), c, ns, year)
			if err != nil {
				return err
			}
			if o.unitsOutput == "csv" {
				return WriteUnitsCSV(cmd.OutOrStdout(), rows, year)
			}
			PrintUnits(cmd.OutOrStdout(), rows, year, where)
			return nil
		},
	}
	units.Flags().BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "Every namespace you may list, instead of the current one")
	units.Flags().IntVar(&o.year, "year", 0, "The year of the records (default: this year in Asia/Shanghai)")
	units.Flags().StringVarP(&o.unitsOutput, "output", "o", "table", "table or csv")

	root.AddCommand(approve, end, lift, assess, confirm, formCmd, timelineCmd, inbox, boardCmd, units)
	return root
}

// serveBoard serves the duty board as the caller until the context ends or
// the user interrupts it.
func (o *options) serveBoard(cmd *cobra.Command) error {
	if o.lang != "zh" && o.lang != "en" {
		return fmt.Errorf("--lang is zh or en, not %q", o.lang)
	}
	zone, _, cfg, ns, err := o.session()
	if err != nil {
		return err
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: newScheme()})
	if err != nil {
		return err
	}
	user, err := WhoAmI(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	if o.allNamespaces {
		ns = ""
	}
	srv, err := board.New(board.Options{Client: c, Namespace: ns, Zone: zone, User: user, Lang: o.lang,
		Timeline: func(ctx context.Context, kind, ns, name, lang string) (board.History, error) {
			h, err := ReadHistoryIn(ctx, c, Kind(kind), ns, name, zone, lang)
			out := board.History{Hidden: h.Hidden}
			for _, e := range h.Entries {
				out.Entries = append(out.Entries, board.Entry{Time: e.Time, What: e.What})
			}
			return out, err
		},
		Actions: BoardActions(c, user, zone)})
	if err != nil {
		return err
	}
	ln, err := board.Listen(o.port)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Duty board for %s at %s\n", text.Inline(user), srv.URL(ln))
	fmt.Fprintln(cmd.OutOrStdout(), "Open it in a browser on this machine; the token works once. Ctrl-C stops the board.")
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	return srv.Serve(ctx, ln)
}

// BoardActions are the plugin's decisions as the board takes them: the same
// functions as approve, end, lift and confirm, as user, with c.
func BoardActions(c client.Client, user string, zone *time.Location) map[string]board.Action {
	as := func(f func(context.Context, client.Client, string, string, Decision) (string, error)) board.Action {
		return func(ctx context.Context, ns, name, directive string) (string, error) {
			return f(ctx, c, ns, name, Decision{User: user, Directive: directive, Zone: zone})
		}
	}
	return map[string]board.Action{
		board.ActApproveResponse: as(ApproveResponse),
		board.ActEndResponse:     as(EndResponse),
		board.ActApproveWarning:  as(ApproveWarning),
		board.ActLiftWarning:     as(LiftWarning),
		board.ActConfirmReport:   as(ConfirmReport),
	}
}

func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))
	return scheme
}

// kindAndName reads "NAME", "KIND NAME" or "KIND/NAME".
func kindAndName(args []string) (Kind, string, error) {
	if len(args) == 2 {
		k, err := ParseKind(args[0])
		return k, args[1], err
	}
	if kind, name, ok := strings.Cut(args[0], "/"); ok {
		k, err := ParseKind(kind)
		return k, name, err
	}
	return KindAny, args[0], nil
}

// trimKind drops a "kind/" prefix, as kubectl accepts it.
func trimKind(arg string) string {
	if _, name, ok := strings.Cut(arg, "/"); ok {
		return name
	}
	return arg
}

// session is what a command that shows times and reads the cluster starts
// with: the time zone, and the connection.
func (o *options) session() (*time.Location, client.Client, *rest.Config, string, error) {
	zone, err := LoadZone(o.zoneName)
	if err != nil {
		return nil, nil, nil, "", err
	}
	c, cfg, ns, err := o.connect()
	return zone, c, cfg, ns, err
}

func (o *options) connect() (client.Client, *rest.Config, string, error) {
	cfg, err := o.flags.ToRESTConfig()
	if err != nil {
		return nil, nil, "", err
	}
	ns, _, err := o.flags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, nil, "", err
	}
	c, err := client.New(cfg, client.Options{Scheme: newScheme()})
	return c, cfg, ns, err
}

// decide runs a decision as the caller: it says who the caller is and what
// they are about to decide before anything is written, and with --dry-run
// has the API server check the write, admission policies and all, without
// keeping it.
func (o *options) decide(cmd *cobra.Command, what, name string, f func(context.Context, client.Client, string, string, Decision) (string, error)) error {
	zone, c, cfg, ns, err := o.session()
	if err != nil {
		return err
	}
	user, err := WhoAmI(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	dry := ""
	if o.dryRun {
		c, dry = client.NewDryRunClient(c), " (dry run: nothing will be written)"
	}
	// The user name comes from the identity provider, the name and a
	// directive from the command line: shown as text, one line each.
	fmt.Fprintf(cmd.ErrOrStderr(), "as %s: %s %s/%s%s\n", text.Inline(user), what, text.Inline(ns), text.Inline(name), dry)
	out, err := f(cmd.Context(), c, ns, name, Decision{User: user, Directive: o.directive, Level: o.level, Zone: zone})
	if err != nil {
		return err
	}
	if o.dryRun {
		out += " (dry run: the API server accepted it; nothing was written)"
	}
	fmt.Fprintln(cmd.OutOrStdout(), text.Inline(out))
	return nil
}

// textLangOf is the inbox's and the timeline's language: the flag's, else
// the locale's (the first of LC_ALL, LC_MESSAGES and LANG that is set), zh
// or en.
func textLangOf(flag string) (string, error) {
	switch flag {
	case "zh", "en":
		return flag, nil
	case "":
	default:
		return "", fmt.Errorf("--lang is zh or en, not %q", flag)
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(l, "zh") {
				return "zh", nil
			}
			return "en", nil
		}
	}
	return "en", nil
}
