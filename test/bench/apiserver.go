package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// What the API server itself counted in a phase, from its /metrics: every
// write it took, whoever made it (the watch of the tracker sees the
// objects' changes, not the events' patches, nor the requests that changed
// nothing), and how long priority and fairness kept requests waiting, by
// priority level (the bench's administrator is exempt; the operator's
// service account is not).

// apiCounters are the counters of one scrape, by series.
type apiCounters map[string]float64

// scrapeAPIServer reads the API server's request counters and the
// flow-control waits.
func scrapeAPIServer(ctx context.Context, cfg *rest.Config) (apiCounters, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	data, err := cs.RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the API server's metrics: %w", err)
	}
	out := apiCounters{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var key string
		switch {
		case strings.HasPrefix(line, "apiserver_request_total{"):
			l := labels(line)
			switch l["verb"] {
			case "POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION", "CREATE", "UPDATE":
			default:
				continue
			}
			res := l["resource"]
			if l["subresource"] != "" {
				res += "/" + l["subresource"]
			}
			key = "write " + res + " " + l["verb"]
			if code := l["code"]; !strings.HasPrefix(code, "2") {
				key += " " + code // refused: a conflict (409), a name taken (409 on POST)
			}
		case strings.HasPrefix(line, "apiserver_flowcontrol_request_wait_duration_seconds_sum{"):
			key = "waitsum " + labels(line)["priority_level"]
		case strings.HasPrefix(line, "apiserver_flowcontrol_request_wait_duration_seconds_count{"):
			key = "waitcount " + labels(line)["priority_level"]
		default:
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			continue
		}
		out[key] += v
	}
	return out, sc.Err()
}

// labels parses the labels of one exposition line.
func labels(line string) map[string]string {
	out := map[string]string{}
	open, end := strings.IndexByte(line, '{'), strings.LastIndexByte(line, '}')
	if open < 0 || end < open {
		return out
	}
	for _, kv := range strings.Split(line[open+1:end], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			out[k] = strings.Trim(v, `"`)
		}
	}
	return out
}

// since is what was counted between two scrapes.
func (a apiCounters) since(before apiCounters) apiCounters {
	out := apiCounters{}
	for k, v := range a {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// describeWrites lists the writes by resource and verb, per unit (an
// incident, an approved response), largest first.
func (a apiCounters) describeWrites(per int) string {
	type w struct {
		what string
		n    float64
	}
	var ws []w
	total := 0.0
	for k, v := range a {
		if what, ok := strings.CutPrefix(k, "write "); ok {
			ws = append(ws, w{what, v})
			total += v
		}
	}
	if len(ws) == 0 {
		return "-"
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].n > ws[j].n || ws[i].n == ws[j].n && ws[i].what < ws[j].what })
	parts := make([]string, 0, len(ws))
	for _, x := range ws {
		parts = append(parts, fmt.Sprintf("%.2f %s", x.n/float64(per), x.what))
	}
	return fmt.Sprintf("%.2f: %s", total/float64(per), strings.Join(parts, ", "))
}

// describeWaits is the mean wait in priority and fairness by priority
// level, for the levels that served requests.
func (a apiCounters) describeWaits() string {
	var parts []string
	for k, n := range a {
		level, ok := strings.CutPrefix(k, "waitcount ")
		if !ok || n == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.0f ms over %.0f", level, 1000*a["waitsum "+level]/n, n))
	}
	if len(parts) == 0 {
		return "-"
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// fetchAPIServer saves one of the API server's pprof profiles, taken over
// seconds, to path.
func fetchAPIServer(ctx context.Context, cfg *rest.Config, profile string, seconds int, path string) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	data, err := cs.RESTClient().Get().AbsPath(profile).Param("seconds", strconv.Itoa(seconds)).
		Timeout(time.Duration(seconds+30) * time.Second).DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("reading the API server's %s: %w", profile, err)
	}
	return os.WriteFile(path, data, 0o644)
}
