package readme

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/netsec-io/incident-operator/internal/text"
	"github.com/netsec-io/incident-operator/test/testenv"
)

// readCommands are commands that only look: their output is compared again
// until it matches (up to retryFor), as the operator works in the background.
var readCommands = regexp.MustCompile(`^kubectl (incident (--\S+ \S+ )*(timeline|form|units)|get|describe)\b`)

const (
	retryFor   = 20 * time.Second
	commandFor = 60 * time.Second
)

// TestREADME runs the blocks of README.md and then of each docs page (Pages,
// in order) as one user's session, from another directory, against the
// operator on its local control plane, with the environment that the
// operator's start printed.
func TestREADME(t *testing.T) {
	assets := testenv.Assets(t, "starts a local control plane and the operator")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := readPages(root)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	work, home := filepath.Join(tmp, "work"), filepath.Join(tmp, "home")
	for _, d := range []string{work, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	// What `make run` builds: the plugin and the receiver, into bin/ (on the
	// PATH it prints); the local manager itself is this test's own copy.
	manager := filepath.Join(tmp, "local")
	builds := [][]string{{tmp + "/", "./cmd/local"}, {filepath.Join(root, "bin") + "/", "./cmd/kubectl-incident", "./cmd/incident-receiver"}}
	errs := make([]error, len(builds))
	var wg sync.WaitGroup
	for i, b := range builds {
		wg.Go(func() {
			cmd := exec.Command("go", append([]string{"build", "-o"}, b...)...)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go build %v: %w\n%s", b[1:], err, out)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("built in %s", time.Since(start).Round(time.Millisecond))

	// The operator, as `make run` starts it, from the repository, with no
	// cluster given; its kubeconfigs in a directory of this test's own.
	start = time.Now()
	var printed syncBuffer
	logPath := filepath.Join(tmp, "manager.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = logFile.Close() }()
	mgr := exec.Command(manager, "--local-dir", filepath.Join(tmp, "bin", "local"), "--metrics-bind-address", "0", "--health-probe-bind-address", "0")
	mgr.Dir = root
	mgr.Env = append(baseEnv(home), "KUBEBUILDER_ASSETS="+assets)
	mgr.Stdout, mgr.Stderr = &printed, logFile
	stopMgr := startProcess(t, mgr, "the local manager", false)
	defer stopMgr()
	waitFor(t, 90*time.Second, "the operator to start (log "+logPath+")", func() bool {
		b, _ := os.ReadFile(logPath)
		return strings.Contains(printed.String(), "incident-receiver\n") && bytes.Contains(b, []byte("Starting workers"))
	})
	t.Logf("control plane and operator up in %s", time.Since(start).Round(time.Millisecond))
	var exports []string
	for _, l := range strings.Split(printed.String(), "\n") {
		if e, ok := strings.CutPrefix(strings.TrimSpace(l), "export "); ok {
			exports = append(exports, "export "+e)
		}
	}
	if len(exports) == 0 {
		t.Fatalf("the manager printed no export lines:\n%s", printed.String())
	}
	session := &session{t: t, work: work, env: baseEnv(home), prelude: strings.Join(exports, "\n") + "\n"}
	defer session.stopBackground()

	for _, p := range pages {
		pageStart := time.Now()
		for _, b := range p.blocks {
			start := time.Now()
			what := fmt.Sprintf("%s:%d (%s)", p.name, b.Line, describe(b))
			treat, err := treatment(b)
			switch {
			case err != nil:
				t.Errorf("%s: %v", what, err)
			case treat == notRun:
				t.Logf("%s: %s", what, b.Marker)
				continue
			case treat == printedByRun:
				if !Match(pathsMasked(strings.Split(b.Text, "\n")), pathsMasked(printedText(printed.String(), len(strings.Split(b.Text, "\n"))))) {
					t.Errorf("%s: not what the local manager printed:\n%s\nit printed:\n%s", what, b.Text, printed.String())
				}
			case treat == inBackground:
				session.background(what, b.Text)
			case treat == printedByReceiver:
				session.receiverPrinted(what, b.Text)
			case treat == parsesAsYAML:
				var v any
				if err := yaml.Unmarshal([]byte(b.Text), &v); err != nil {
					t.Errorf("%s: not YAML: %v", what, err)
				}
			case treat == script:
				if out, err := session.run(b.Text); err != nil {
					t.Errorf("%s: %v\n%s", what, err, out)
				}
			case treat == transcript:
				session.transcript(what, Transcript(b.Text))
			}
			t.Logf("%s: %s", what, time.Since(start).Round(time.Millisecond))
		}
		t.Logf("%s: %d blocks in %s", p.name, len(p.blocks), time.Since(pageStart).Round(time.Millisecond))
	}
}

func describe(b Block) string {
	first, _, _ := strings.Cut(b.Text, "\n")
	return fmt.Sprintf("```%s %s", b.Lang, text.TruncateWith(first, 60, "…"))
}

// baseEnv is a clean environment: the system's PATH for bash and coreutils,
// a home of the test's own, nothing of the caller's cluster.
func baseEnv(home string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C.UTF-8"}
}

// printedText is the local manager's printout from its first line, n lines.
func printedText(printed string, n int) []string {
	lines := strings.Split(printed, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "No cluster was given") {
			return lines[i:min(i+n, len(lines))]
		}
	}
	return lines
}

var absPath = regexp.MustCompile(`/\S*/(bin|config)/`)

// pathsMasked shows absolute paths as the pages do: /…/bin/, /…/config/.
func pathsMasked(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = absPath.ReplaceAllString(l, "/…/$1/")
	}
	return out
}

type session struct {
	t       *testing.T
	work    string
	env     []string
	prelude string
	bg      []func()
	bgOut   *syncBuffer
}

// run runs a script with the printed exports, as a user's shell would, from
// a directory that is not the repository.
func (s *session) run(script string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandFor)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", s.prelude+script)
	cmd.Dir, cmd.Env = s.work, s.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s *session) transcript(what string, steps []Step) {
	for _, st := range steps {
		deadline := time.Now().Add(retryFor)
		for {
			out, err := s.run(st.Command)
			// A command shown with no output must succeed; one shown with
			// output is judged by it (an error is shown as such).
			lines := withoutLogLines(strings.Split(strings.TrimRight(out, "\n"), "\n"))
			switch {
			case err != nil && len(trim(st.Output)) == 0:
				s.t.Errorf("%s: $ %s: %v\n%s", what, st.Command, err, out)
			case !Match(st.Output, lines):
				if readCommands.MatchString(st.Command) && time.Now().Before(deadline) {
					time.Sleep(250 * time.Millisecond)
					continue
				}
				s.t.Errorf("%s: $ %s\nthe page shows:\n%s\nit printed:\n%s", what, st.Command, strings.Join(st.Output, "\n"), out)
			}
			break
		}
	}
}

// klogLine is a line client-go logs on stderr (klog's header: severity,
// date, time, thread, file:line), such as the warning kubectl wait may print
// when its watch is closed as it exits. It is no output a page shows.
var klogLine = regexp.MustCompile(`^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ \S+:\d+\] `)

// withoutLogLines is a command's output without client-go's log lines.
func withoutLogLines(lines []string) []string {
	out := lines[:0:0]
	for _, l := range lines {
		if !klogLine.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// background starts a block that runs until stopped (the receiver), and
// waits for its first line.
func (s *session) background(what, script string) {
	out := &syncBuffer{}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", s.prelude+script)
	cmd.Dir, cmd.Env = s.work, s.env
	cmd.Stdout, cmd.Stderr = out, out
	s.bg = append(s.bg, startProcess(s.t, cmd, what, true))
	s.bgOut = out
	waitFor(s.t, 30*time.Second, what+" to print", func() bool { return strings.Contains(out.String(), "\n") })
}

// receiverPrinted checks that every line a page shows the receiver
// print is one it printed (in any order: messages arrive as they are sent).
func (s *session) receiverPrinted(what, text string) {
	if s.bgOut == nil {
		s.t.Errorf("%s: no receiver was started", what)
		return
	}
	deadline := time.Now().Add(retryFor)
	for _, want := range trim(strings.Split(text, "\n")) {
		if strings.TrimSpace(want) == Ellipsis {
			continue
		}
		for {
			found := false
			for _, l := range strings.Split(s.bgOut.String(), "\n") {
				if Match([]string{want}, []string{l}) {
					found = true
					break
				}
			}
			if found {
				break
			}
			if time.Now().After(deadline) {
				s.t.Errorf("%s: the receiver did not print\n%s\nit printed:\n%s", what, want, s.bgOut.String())
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

func (s *session) stopBackground() {
	for _, stop := range s.bg {
		stop()
	}
}

// startProcess starts cmd in a process group of its own and returns what
// stops it: SIGINT to it (to its whole group with group: a shell and the
// command it runs), then, if it has not exited within 30 s, SIGKILL to its
// group (the processes it started).
func startProcess(t *testing.T, cmd *exec.Cmd, what string, group bool) func() {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", what, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	var once sync.Once
	return func() {
		once.Do(func() {
			pid := cmd.Process.Pid
			if group {
				pid = -pid
			}
			_ = syscall.Kill(pid, syscall.SIGINT)
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Logf("%s did not stop on SIGINT within 30 s: killing its process group", what)
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		})
	}
}

func waitFor(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for a process writing and a test reading.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
