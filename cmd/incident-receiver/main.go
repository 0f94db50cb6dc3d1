// Command incident-receiver is a loopback receiver for the reports the
// operator sends (internal/receiver): it prints one line per message and
// answers as a receiver that accepted it. On a local cluster (an API server
// on a loopback address, as `make run` starts) it also points every
// NotificationChannel at itself, writing the Secret the channel names (key
// address), and keeps doing so for channels created later. A Secret it did
// not write is left alone; on any other cluster it writes nothing: there,
// each channel's address comes from the Secret its owner created.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/receiver"
)

// managedBy labels the Secrets the receiver wrote, so that it updates only
// those.
const managedBy = "incident-receiver"

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "Address to listen on (port 0: any free port).")
	zone := flag.String("time-zone", "Asia/Shanghai", "Time zone of the printed arrival times.")
	kubeconfig := flag.String("kubeconfig", "", "The kubeconfig of the cluster whose channels to point here (default $KUBECONFIG).")
	kubeContext := flag.String("context", "", "The kubeconfig context to use.")
	point := flag.Bool("point-channels", true, "On a local cluster, write each channel's Secret with this receiver's address.")
	flag.Parse()
	if err := run(*listen, *zone, *kubeconfig, *kubeContext, *point); err != nil {
		fmt.Fprintln(os.Stderr, "incident-receiver:", err)
		os.Exit(1)
	}
}

func run(listen, zone, kubeconfig, kubeContext string, point bool) error {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return err
	}
	if host, _, err := net.SplitHostPort(listen); err != nil || !loopback(host) {
		return fmt.Errorf("--listen %q: listen on a loopback address (127.0.0.1:PORT): this receiver accepts anything", listen)
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	base := "http://" + l.Addr().String()
	fmt.Printf("incident-receiver: listening on %s; one line per message: time, path, type, id, drill or real, English heading\n", base)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Handler: receiver.Handler(os.Stdout, time.Now, loc), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if point {
		c, server, err := clusterClient(kubeconfig, kubeContext)
		switch {
		case err != nil:
			fmt.Printf("incident-receiver: no cluster to point channels at (%v); only listening\n", err)
		case !loopbackURL(server):
			fmt.Printf("incident-receiver: %s is not a local cluster: channels are left to their own Secrets; only listening\n", server)
		default:
			fmt.Printf("incident-receiver: pointing the channels of %s at %s\n", server, base)
			go pointChannels(ctx, c, base)
		}
	}
	if err := srv.Serve(l); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}

func clusterClient(kubeconfig, kubeContext string) (client.WithWatch, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: kubeContext}).ClientConfig()
	if err != nil {
		return nil, "", err
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, "", err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return nil, "", err
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	return c, cfg.Host, err
}

// pointChannels writes the Secret of each channel that has none, or whose
// Secret the receiver wrote with another address: those there at the start,
// then each one as it is created or changed (a watch, so that the Secret is
// there before the reports that follow the channel in a kustomization).
func pointChannels(ctx context.Context, c client.WithWatch, base string) {
	told := map[string]string{}
	say := func(key, msg string) {
		if told[key] != msg {
			told[key] = msg
			fmt.Println("incident-receiver: " + msg)
		}
	}
	point := func(ch *v1alpha1.NotificationChannel) {
		key := ch.Namespace + "/" + ch.Name
		address := base + "/" + strings.ToLower(string(ch.Spec.Type)) + "/" + key
		if msg, err := pointChannel(ctx, c, ch, address); err != nil {
			say(key, fmt.Sprintf("channel %s: %v", key, err))
		} else if msg != "" {
			say(key, fmt.Sprintf("channel %s (%s, %s): %s", key, ch.Spec.Type, ch.Spec.Audience, msg))
		}
	}
	for ctx.Err() == nil {
		var list v1alpha1.NotificationChannelList
		if err := c.List(ctx, &list); err != nil {
			say("", fmt.Sprintf("listing channels: %v", err))
			sleep(ctx, time.Second)
			continue
		}
		for i := range list.Items {
			point(&list.Items[i])
		}
		w, err := c.Watch(ctx, &v1alpha1.NotificationChannelList{}, &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})
		if err != nil {
			say("", fmt.Sprintf("watching channels: %v", err))
			sleep(ctx, time.Second)
			continue
		}
		for ev := range w.ResultChan() {
			if ch, ok := ev.Object.(*v1alpha1.NotificationChannel); ok && (ev.Type == watch.Added || ev.Type == watch.Modified) {
				point(ch)
			}
		}
		w.Stop()
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func pointChannel(ctx context.Context, c client.Client, ch *v1alpha1.NotificationChannel, address string) (string, error) {
	s := &corev1.Secret{}
	err := c.Get(ctx, client.ObjectKey{Namespace: ch.Namespace, Name: ch.Spec.SecretRef.Name}, s)
	switch {
	case apierrors.IsNotFound(err):
		s = &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: ch.Namespace, Name: ch.Spec.SecretRef.Name,
				Labels: map[string]string{"app.kubernetes.io/managed-by": managedBy}},
			StringData: map[string]string{"address": address},
		}
		if err := c.Create(ctx, s); err != nil {
			return "", err
		}
		return "Secret " + s.Name + " written, address " + address, nil
	case err != nil:
		return "", err
	case s.Labels["app.kubernetes.io/managed-by"] != managedBy:
		return "its Secret " + s.Name + " was not written by this receiver: left as it is", nil
	case string(s.Data["address"]) == address:
		return "Secret " + s.Name + " written, address " + address, nil
	}
	if s.Data == nil {
		s.Data = map[string][]byte{}
	}
	s.Data["address"] = []byte(address)
	if err := c.Update(ctx, s); err != nil {
		return "", err
	}
	return "Secret " + s.Name + " written, address " + address, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackURL(server string) bool {
	u, err := url.Parse(server)
	return err == nil && loopback(u.Hostname())
}
