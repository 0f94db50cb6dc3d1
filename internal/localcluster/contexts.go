package localcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// AdminContext is the current context of the kubeconfig WriteContexts
// writes: the local cluster's administrator.
const AdminContext = "local-admin"

// DemoUserNames are the names of DemoUsers, sorted.
func DemoUserNames() []string {
	names := make([]string, 0, len(DemoUsers))
	for n := range DemoUsers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// WriteContexts rewrites the administrator's kubeconfig at path so that it
// also holds a context for each of users, named after the user, with the
// credentials of the kubeconfig-<user> file beside it. The administrator's
// context, AdminContext, stays the current one, so that `kubectl --context
// approver …` acts as approver from any directory with one KUBECONFIG. The
// kubeconfig-<user> files are left as they are.
func WriteContexts(path string, users []string) error {
	admin, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return fmt.Errorf("reading the local kubeconfig: %w", err)
	}
	cur, ok := admin.Contexts[admin.CurrentContext]
	if !ok {
		return fmt.Errorf("the local kubeconfig %s has no current context", path)
	}
	out := clientcmdapi.NewConfig()
	const cluster = "local"
	out.Clusters[cluster] = admin.Clusters[cur.Cluster]
	add := func(name string, cfg *clientcmdapi.Config) error {
		ctx, ok := cfg.Contexts[cfg.CurrentContext]
		if !ok || cfg.AuthInfos[ctx.AuthInfo] == nil {
			return fmt.Errorf("the kubeconfig of %s has no current user", name)
		}
		out.AuthInfos[name] = cfg.AuthInfos[ctx.AuthInfo]
		c := clientcmdapi.NewContext()
		c.Cluster, c.AuthInfo = cluster, name
		out.Contexts[name] = c
		return nil
	}
	if err := add(AdminContext, admin); err != nil {
		return err
	}
	for _, u := range users {
		cfg, err := clientcmd.LoadFromFile(filepath.Join(filepath.Dir(path), "kubeconfig-"+u))
		if err != nil {
			return fmt.Errorf("reading the kubeconfig of %s: %w", u, err)
		}
		if err := add(u, cfg); err != nil {
			return err
		}
	}
	out.CurrentContext = AdminContext
	data, err := clientcmd.Write(*out)
	if err != nil {
		return fmt.Errorf("writing the local kubeconfig: %w", err)
	}
	return os.WriteFile(path, data, 0o600)
}
