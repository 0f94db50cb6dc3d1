// Package localcluster starts a throwaway control plane (etcd and
// kube-apiserver, built by hack/envtest-binaries.sh) for running the operator
// on a machine without a cluster, installs the operator's CRDs, and writes an
// administrator's kubeconfig for kubectl.
package localcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Options says where the pieces are.
type Options struct {
	// CRDDir holds the CRD manifests to install.
	CRDDir string
	// ManifestDirs hold manifests applied after the CRDs: the admission
	// policies.
	ManifestDirs []string
	// KubeconfigPath is where the administrator's kubeconfig is written.
	KubeconfigPath string
}

// Cluster is a running local control plane.
type Cluster struct {
	env *envtest.Environment
	// Config is the operator's connection, as a cluster administrator.
	Config *rest.Config
	// KubeconfigPath is the kubeconfig written for kubectl.
	KubeconfigPath string
}

// Start starts the control plane from the binaries in $KUBEBUILDER_ASSETS.
func Start(opts Options) (*Cluster, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, fmt.Errorf("no cluster given and KUBEBUILDER_ASSETS is not set: run `make run`, which builds the local control plane, or pass --kubeconfig")
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{opts.CRDDir},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the local control plane: %w", err)
	}
	c := &Cluster{env: env, Config: cfg, KubeconfigPath: opts.KubeconfigPath}
	cl, err := client.New(cfg, client.Options{})
	if err != nil {
		return nil, c.stopWith(err)
	}
	if err := ApplyManifests(context.Background(), cl, opts.ManifestDirs...); err != nil {
		return nil, c.stopWith(err)
	}
	if err := WaitForSchemas(context.Background(), cl, time.Minute); err != nil {
		return nil, c.stopWith(err)
	}
	admin, err := env.AddUser(envtest.User{Name: "local-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, c.stopWith(fmt.Errorf("creating the local administrator: %w", err))
	}
	kubeconfig, err := admin.KubeConfig()
	if err != nil {
		return nil, c.stopWith(fmt.Errorf("writing the local kubeconfig: %w", err))
	}
	if err := os.MkdirAll(filepath.Dir(opts.KubeconfigPath), 0o700); err != nil {
		return nil, c.stopWith(err)
	}
	if err := os.WriteFile(opts.KubeconfigPath, kubeconfig, 0o600); err != nil {
		return nil, c.stopWith(fmt.Errorf("writing the local kubeconfig: %w", err))
	}
	return c, nil
}

// AddUser returns a kubeconfig path for another user of the local cluster,
// for trying out who may do what.
func (c *Cluster) AddUser(name string, groups ...string) (string, error) {
	u, err := c.env.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		return "", err
	}
	data, err := u.KubeConfig()
	if err != nil {
		return "", err
	}
	path := filepath.Join(filepath.Dir(c.KubeconfigPath), "kubeconfig-"+name)
	return path, os.WriteFile(path, data, 0o600)
}

// Stop stops the control plane and removes its data.
func (c *Cluster) Stop() error { return c.env.Stop() }

func (c *Cluster) stopWith(err error) error {
	_ = c.env.Stop()
	return err
}
