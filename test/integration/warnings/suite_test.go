package warnings

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/test/integration/harness"
)

// TestWarnings runs, against a real API server (test/integration/harness),
// the Warning controller: publication, approval, adjustment and lift, and
// delivery to its channels.
func TestWarnings(t *testing.T) {
	harness.RunSuite(t, "Warnings Suite")
}

// The suite's cluster, as harness.Start started it.
var (
	ctx       context.Context
	k8s       client.Client
	fakeClock *clocktesting.FakeClock
	cfg       *rest.Config
)

var _ = BeforeSuite(func() {
	c := harness.Start(harness.Options{})
	ctx, k8s, fakeClock, cfg = c.Ctx, c.Client, c.Clock, c.Config
})

// columns is one warning's row as `kubectl get warn` prints it: the API
// server's table, column name to cell.
func columns(g Gomega, w *v1alpha1.Warning) map[string]string {
	hc, err := rest.HTTPClientFor(cfg)
	g.Expect(err).NotTo(HaveOccurred())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		strings.TrimSuffix(cfg.Host, "/")+"/apis/emergency.netsec.io/v1alpha1/namespaces/"+w.Namespace+"/warnings/"+w.Name, nil)
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	resp, err := hc.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	table := &metav1.Table{}
	g.Expect(json.Unmarshal(body, table)).To(Succeed(), string(body))
	g.Expect(table.Rows).To(HaveLen(1))
	out := map[string]string{}
	for i, c := range table.ColumnDefinitions {
		out[c.Name] = fmt.Sprint(table.Rows[0].Cells[i])
	}
	return out
}

var _ = AfterSuite(harness.Stop)
