package localcluster

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kubeconfig writes a kubeconfig as envtest does: one cluster, user and
// context, all named envtest.
func kubeconfig(t *testing.T, path, cert string) {
	t.Helper()
	c := clientcmdapi.NewConfig()
	c.Clusters["envtest"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:6443", CertificateAuthorityData: []byte("CA")}
	c.AuthInfos["envtest"] = &clientcmdapi.AuthInfo{ClientCertificateData: []byte(cert), ClientKeyData: []byte(cert + "-key")}
	c.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "envtest"}
	c.CurrentContext = "envtest"
	if err := clientcmd.WriteToFile(*c, path); err != nil {
		t.Fatal(err)
	}
}

func TestWriteContexts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kubeconfig")
	kubeconfig(t, path, "admin")
	kubeconfig(t, filepath.Join(dir, "kubeconfig-approver"), "approver")
	kubeconfig(t, filepath.Join(dir, "kubeconfig-ministry"), "ministry")
	if err := WriteContexts(path, []string{"approver", "ministry"}); err != nil {
		t.Fatal(err)
	}
	got, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.CurrentContext != AdminContext {
		t.Errorf("current context %q, want %q", got.CurrentContext, AdminContext)
	}
	certs := map[string]string{}
	for name, ctx := range got.Contexts {
		if ctx.Cluster != "local" || got.Clusters[ctx.Cluster].Server != "https://127.0.0.1:6443" {
			t.Errorf("context %s: cluster %q", name, ctx.Cluster)
		}
		certs[name] = string(got.AuthInfos[ctx.AuthInfo].ClientCertificateData)
	}
	want := map[string]string{AdminContext: "admin", "approver": "approver", "ministry": "ministry"}
	if d := cmp.Diff(want, certs); d != "" {
		t.Errorf("contexts and their users' certificates (-want +got):\n%s", d)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "kubeconfig-approver")); len(b) == 0 {
		t.Error("the user's own kubeconfig is gone")
	}
	if err := WriteContexts(path, []string{"nobody"}); err == nil {
		t.Error("a user without a kubeconfig: no error")
	}
}
