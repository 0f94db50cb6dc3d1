package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// manager is the operator running as its own process.
type manager struct {
	cmd       *exec.Cmd
	logPath   string
	pprofAddr string // empty when the binary has no pprof flag
	done      chan struct{}
}

// buildManager builds ./cmd of src into dir.
func buildManager(ctx context.Context, src, dir string) (string, error) {
	bin := filepath.Join(dir, "manager")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd")
	cmd.Dir = src
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the manager in %s: %w", src, err)
	}
	return bin, nil
}

// hasFlag says whether the binary's usage mentions -name.
func hasFlag(bin, name string) bool {
	out, _ := exec.Command(bin, "-h").CombinedOutput()
	return strings.Contains(string(out), "-"+name)
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startManager runs bin against kubeconfig, from dir, and waits until the
// controllers named have started their workers.
func startManager(ctx context.Context, bin, kubeconfig, dir string, extra, controllers []string) (*manager, error) {
	args := []string{"--metrics-bind-address", "0", "--health-probe-bind-address", "0"}
	m := &manager{logPath: filepath.Join(dir, "manager.log"), done: make(chan struct{})}
	if hasFlag(bin, "pprof-bind-address") {
		addr, err := freePort()
		if err != nil {
			return nil, err
		}
		m.pprofAddr = addr
		args = append(args, "--pprof-bind-address", addr)
	}
	args = append(args, extra...)
	logf, err := os.Create(m.logPath)
	if err != nil {
		return nil, err
	}
	m.cmd = exec.Command(bin, args...)
	m.cmd.Dir = dir
	m.cmd.Stdout, m.cmd.Stderr = logf, logf
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBECONFIG=") && !strings.HasPrefix(kv, "KUBEBUILDER_ASSETS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "KUBECONFIG="+kubeconfig)
	m.cmd.Env = env
	// The manager goes down with the bench, even if the bench is killed.
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := m.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { _ = m.cmd.Wait(); logf.Close(); close(m.done) }()

	deadline := time.Now().Add(2 * time.Minute)
	for {
		if started, err := workersStarted(m.logPath, controllers); err != nil {
			return m, err
		} else if started {
			return m, nil
		}
		select {
		case <-m.done:
			return m, fmt.Errorf("the manager exited before starting: see %s:\n%s", m.logPath, tail(m.logPath, 20))
		case <-ctx.Done():
			return m, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return m, fmt.Errorf("the manager did not start its workers within 2 minutes: see %s:\n%s", m.logPath, tail(m.logPath, 20))
		}
	}
}

func workersStarted(logPath string, controllers []string) (bool, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return false, err
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, "Starting workers") {
			continue
		}
		for _, c := range controllers {
			if strings.Contains(line, `"`+c+`"`) || strings.Contains(line, "controller="+c) {
				seen[c] = true
			}
		}
	}
	return len(seen) == len(controllers), nil
}

func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// stop interrupts the manager and waits for it; it is killed after 20 s.
func (m *manager) stop() {
	if m == nil || m.cmd == nil || m.cmd.Process == nil {
		return
	}
	select {
	case <-m.done:
		return
	default:
	}
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case <-m.done:
	case <-time.After(20 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}

func (m *manager) pid() int { return m.cmd.Process.Pid }

// mem is a process's resident memory, in bytes: VmRSS, its peak VmHWM, and
// VmRSS split into anonymous memory (the heap, stacks) and file pages (the
// binary's text and data); and, when the process could be asked, the Go
// runtime's figures just after a full collection (runtimeStats), of which
// HeapAlloc is its live heap: what it holds whatever its collector's pace
// and however much freed memory the runtime has yet to give back.
type mem struct {
	rss, hwm, anon, file int64
	rt                   map[string]int64
}

// live is the process's live heap, 0 when unknown.
func (m mem) live() int64 { return m.rt["HeapAlloc"] }

// memory reads /proc/<pid>/status.
func memory(pid int) (mem, error) {
	var m mem
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.rss = v * 1024
		case "VmHWM:":
			m.hwm = v * 1024
		case "RssAnon:":
			m.anon = v * 1024
		case "RssFile:":
			m.file = v * 1024
		}
	}
	if m.rss == 0 {
		return m, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
	}
	return m, nil
}

// cpuSeconds is the user and system time pid has used so far.
func cpuSeconds(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}

// children finds the processes this one started, by command name: the
// control plane's etcd and kube-apiserver, and the manager.
func children() map[string]int {
	out := map[string]int{}
	for pid, name := range childProcs() {
		out[name] = pid
	}
	return out
}

// childProcs lists the processes this one started, by pid, with their
// command names.
func childProcs() map[int]string {
	out := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(data)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		f := strings.Fields(s[closing+2:])
		if len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == self {
			out[pid] = s[open+1 : closing]
		}
	}
	return out
}

// fetch saves an HTTP GET of url to path.
// runtimeStats are the Go runtime's own figures of a process's memory
// (runtime.MemStats), as the bench prints them: HeapAlloc (live, just after
// a collection), HeapInuse (the spans holding objects), HeapIdle and
// HeapReleased (free spans, and those of them returned to the system),
// StackInuse, GCSys (the collector's own), Sys (all the runtime took from
// the system).
var runtimeStats = []string{"HeapAlloc", "HeapInuse", "HeapIdle", "HeapReleased", "StackInuse", "GCSys", "Sys"}

// liveHeap asks a manager's pprof endpoint to collect garbage and reads the
// runtime's figures just after it, from the heap profile's text form.
func liveHeap(ctx context.Context, m *manager) (map[string]int64, error) {
	if m.pprofAddr == "" {
		return nil, errors.New("the manager has no --pprof-bind-address")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.pprofAddr+"/debug/pprof/heap?gc=1&debug=1", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	return memStats(resp.Body)
}

// memStats reads the runtime's figures ("# HeapAlloc = <bytes>" and the
// like) from a heap profile in its text form.
func memStats(r io.Reader) (map[string]int64, error) {
	out := map[string]int64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		name, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "# "), " = ")
		if name == "Stack" { // "# Stack = <in use> / <taken from the system>"
			inUse, _, _ := strings.Cut(v, " /")
			name, v = "StackInuse", inUse
		}
		if !ok || !slices.Contains(runtimeStats, name) {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			out[name] = n
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if _, ok := out["HeapAlloc"]; !ok {
		return nil, errors.New("no HeapAlloc in the heap profile")
	}
	return out, nil
}

func fetch(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func execOutput(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	return string(out), err
}
