package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/localcluster"
)

// managerUser is who the manager runs as with -identity=serviceaccount: the
// service account that config/default deploys, bound to manager-role only,
// so that the API server's priority and fairness treat it as in a cluster.
const managerUser = "system:serviceaccount:incident-operator-system:incident-operator-controller-manager"

// approverUser approves the responses; the administrator creates them, so
// the four-eyes rule of config/admission/approvals.yaml holds.
const approverUser = "approver"

// cluster is the bench's own control plane, in its own directory.
type cluster struct {
	env    *envtest.Environment
	scheme *runtime.Scheme
	// admin creates and watches everything, without client-side limits.
	admin    client.WithWatch
	adminCfg *rest.Config
	// approver writes the approvals.
	approver client.Client
	// writer creates the objects and writes the floor's statuses: admin, or
	// an ordinary user (-writers-as=reporter).
	writer client.Client
	// managerKubeconfig is the kubeconfig the manager process is given.
	managerKubeconfig string
}

type clusterOptions struct {
	dir, assets, crdDir, admissionDir, approvalRoles, managerRole, identity, writerIdentity string
}

// unthrottled returns cfg without client-side rate limiting: the bench's
// writers must not be the bottleneck they measure.
func unthrottled(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.QPS, c.Burst, c.RateLimiter = -1, 0, nil
	return c
}

func startCluster(ctx context.Context, o clusterOptions) (*cluster, error) {
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{o.crdDir},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: o.assets,
	}
	env.ControlPlane.Etcd = &envtest.Etcd{DataDir: filepath.Join(o.dir, "etcd")}
	env.ControlPlane.APIServer = &envtest.APIServer{CertDir: filepath.Join(o.dir, "apiserver")}
	for _, d := range []string{env.ControlPlane.Etcd.DataDir, env.ControlPlane.APIServer.CertDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	c := &cluster{env: env}
	if err := c.setUp(ctx, cfg, o); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return c, nil
}

// benchScheme knows Kubernetes' own kinds and the operator's.
func benchScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	return s, v1alpha1.AddToScheme(s)
}

func (c *cluster) setUp(ctx context.Context, cfg *rest.Config, o clusterOptions) error {
	var err error
	if c.scheme, err = benchScheme(); err != nil {
		return err
	}
	c.adminCfg = unthrottled(cfg)
	if c.admin, err = client.NewWithWatch(c.adminCfg, client.Options{Scheme: c.scheme}); err != nil {
		return err
	}
	if err := localcluster.ApplyManifests(ctx, c.admin, o.admissionDir); err != nil {
		return err
	}
	if err := localcluster.WaitForSchemas(ctx, c.adminCfg, c.admin, time.Minute); err != nil {
		return err
	}
	for _, f := range []string{o.approvalRoles, o.managerRole} {
		if err := localcluster.ApplyFile(ctx, c.admin, f); err != nil {
			return err
		}
	}

	// The approver holds the roles the project's demo approver has.
	approver, err := c.env.AddUser(envtest.User{Name: approverUser}, c.adminCfg)
	if err != nil {
		return err
	}
	for _, role := range localcluster.DemoUsers["approver"] {
		if err := c.bind(ctx, approverUser, role); err != nil {
			return err
		}
	}
	if c.approver, err = client.New(unthrottled(approver.Config()), client.Options{Scheme: c.scheme}); err != nil {
		return err
	}

	c.writer = c.admin
	if o.writerIdentity == "reporter" {
		if c.writer, err = c.reporter(ctx); err != nil {
			return err
		}
	}

	user := envtest.User{Name: "bench-manager-admin", Groups: []string{"system:masters"}}
	if o.identity == "serviceaccount" {
		user = envtest.User{Name: managerUser, Groups: []string{"system:serviceaccounts", "system:serviceaccounts:incident-operator-system"}}
		if err := c.bind(ctx, managerUser, "manager-role"); err != nil {
			return err
		}
	}
	mu, err := c.env.AddUser(user, nil)
	if err != nil {
		return err
	}
	kc, err := mu.KubeConfig()
	if err != nil {
		return err
	}
	c.managerKubeconfig = filepath.Join(o.dir, "kubeconfig-manager")
	return os.WriteFile(c.managerKubeconfig, kc, 0o600)
}

func (c *cluster) bind(ctx context.Context, user, role string) error {
	crb := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "bench:" + role + ":" + user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	if err := c.admin.Create(ctx, crb); err != nil {
		return fmt.Errorf("binding %s to %s: %w", user, role, err)
	}
	return nil
}

// reporterUser is an ordinary user: the API server's priority and fairness
// queue its requests, where an administrator's are exempt.
const reporterUser = "bench-reporter"

// reporter returns a client of reporterUser, allowed what the bench writes.
func (c *cluster) reporter(ctx context.Context) (client.Client, error) {
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "bench-reporter"},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"securityincidents", "emergencyresponses", "workgroups"}, Verbs: []string{"create"}},
			{APIGroups: []string{v1alpha1.GroupVersion.Group}, Resources: []string{"securityincidents/status", "workgroups/status"}, Verbs: []string{"patch"}},
		},
	}
	if err := c.admin.Create(ctx, role); err != nil {
		return nil, err
	}
	if err := c.bind(ctx, reporterUser, role.Name); err != nil {
		return nil, err
	}
	u, err := c.env.AddUser(envtest.User{Name: reporterUser}, c.adminCfg)
	if err != nil {
		return nil, err
	}
	return client.New(unthrottled(u.Config()), client.Options{Scheme: c.scheme})
}

func (c *cluster) stop() error { return c.env.Stop() }
