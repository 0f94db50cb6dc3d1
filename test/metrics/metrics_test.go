// Package metrics checks that the operator's metrics endpoint answers only
// callers the API server authenticates and authorises.
package metrics

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/controllers"
	"github.com/netsec-io/incident-operator/internal/localcluster"
	"github.com/netsec-io/incident-operator/manager"
	"github.com/netsec-io/incident-operator/test/testenv"
)

func TestMetricsEndpointNeedsAnAuthorisedToken(t *testing.T) {
	testenv.Assets(t, "needs an API server")
	root := filepath.Join("..", "..")
	env := &envtest.Environment{CRDDirectoryPaths: []string{filepath.Join(root, "config", "crd", "bases")}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })

	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := localcluster.ApplyFile(ctx, c, filepath.Join(root, "config", "rbac", "metrics_auth_role.yaml")); err != nil {
		t.Fatal(err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{Scheme: scheme, Metrics: manager.MetricsServerOptions(addr), HealthProbeBindAddress: "0"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	if err := controllers.Setup(ctx, mgr, controllers.Config{Clock: clock.RealClock{}, HolidayCalendar: "default",
		Plan: controllers.PlanConfig{TimeZone: loc, ReportGrace: time.Hour}}); err != nil {
		t.Fatal(err)
	}
	go func() { _ = mgr.Start(ctx) }()

	token := func(sa string, read bool) string {
		t.Helper()
		if err := c.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: "default"}}); err != nil {
			t.Fatal(err)
		}
		if read {
			if err := c.Create(ctx, &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: sa + "-metrics"},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "metrics-reader"},
				Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: "default"}},
			}); err != nil {
				t.Fatal(err)
			}
		}
		tr := &authenticationv1.TokenRequest{}
		if err := c.SubResource("token").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: "default"}}, tr); err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	prometheus, stranger := token("prometheus", true), token("stranger", false)

	https := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		// The manager serves a self-signed certificate when given none.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // test against loopback
	}}
	get := func(bearer string) (int, string, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("https://%s/metrics", addr), nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := https.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer func() { _ = resp.Body.Close() }()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), nil
	}

	deadline := time.Now().Add(30 * time.Second)
	var code int
	var body string
	for {
		code, body, err = get(prometheus)
		if err == nil && code == http.StatusOK || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code != http.StatusOK {
		t.Fatalf("with the metrics reader's token: %d %v", code, err)
	}
	for _, name := range []string{"incident_operator_incidents", "incident_operator_report_to_classification_seconds", "controller_runtime_"} {
		if !strings.Contains(body, name) {
			t.Errorf("the metrics lack %s", name)
		}
	}
	if code, _, err := get(""); err != nil || code != http.StatusUnauthorized {
		t.Errorf("without a token: %d %v, want 401", code, err)
	}
	if code, _, err := get(stranger); err != nil || code != http.StatusForbidden {
		t.Errorf("with a token not allowed to read metrics: %d %v, want 403", code, err)
	}
	if code, _, err := get("not-a-token"); err != nil || code != http.StatusUnauthorized {
		t.Errorf("with a token the API server does not know: %d %v, want 401", code, err)
	}
	// A decision is remembered briefly; asking again gives the same answers.
	if code, _, err := get(stranger); err != nil || code != http.StatusForbidden {
		t.Errorf("with a token not allowed to read metrics, again: %d %v, want 403", code, err)
	}
	if code, _, err := get(prometheus); err != nil || code != http.StatusOK {
		t.Errorf("with the metrics reader's token, again: %d %v, want 200", code, err)
	}
}
