package manager

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authnclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
	authzclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// MetricsServerOptions serves the metrics over HTTPS on addr, to callers
// that the API server authenticates (TokenReview) and authorises
// (SubjectAccessReview: `get` on the non-resource URL /metrics).
func MetricsServerOptions(addr string) metricsserver.Options {
	return metricsserver.Options{
		BindAddress:    addr,
		SecureServing:  true,
		FilterProvider: metricsAuth,
	}
}

// How long a decision on a token is kept: an allowed scraper is asked about
// again after a minute, a refused one after ten seconds (so that a binding
// just added soon takes effect). At most maxDecisions are kept.
const (
	allowTTL     = time.Minute
	denyTTL      = 10 * time.Second
	reviewTime   = 10 * time.Second
	maxDecisions = 64
)

// metricsAuth asks the API server who the bearer token belongs to
// (TokenReview) and whether they may `get` the path (SubjectAccessReview),
// with client-go's typed clients only: the delegating authenticator and
// authoriser of k8s.io/apiserver would add a third to the manager's binary
// and to its resident memory.
func metricsAuth(cfg *rest.Config, hc *http.Client) (metricsserver.Filter, error) {
	authn, err := authnclient.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, err
	}
	authz, err := authzclient.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, err
	}
	a := &reviewer{tokens: authn.TokenReviews(), access: authz.SubjectAccessReviews(), now: time.Now,
		decisions: map[decisionKey]decision{}}
	return func(log logr.Logger, next http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			code, err := a.decide(req)
			switch {
			case err != nil:
				log.Error(err, "Reviewing a metrics request failed")
				http.Error(w, "the API server could not review the request", http.StatusInternalServerError)
			case code == http.StatusUnauthorized:
				http.Error(w, "Unauthorized", code)
			case code == http.StatusForbidden:
				http.Error(w, "Forbidden", code)
			default:
				next.ServeHTTP(w, req)
			}
		}), nil
	}, nil
}

type decisionKey struct {
	token      [sha256.Size]byte
	verb, path string
}

type decision struct {
	code    int
	expires time.Time
}

// reviewer decides on requests and remembers its decisions briefly, so that
// a scrape every few seconds does not cost two API requests each.
type reviewer struct {
	tokens    authnclient.TokenReviewInterface
	access    authzclient.SubjectAccessReviewInterface
	now       func() time.Time
	mu        sync.Mutex
	decisions map[decisionKey]decision
}

// decide returns 401 for a request without a token or with a token the API
// server does not know, 403 when the token's user may not use the method on
// the path, 200 when they may.
func (a *reviewer) decide(req *http.Request) (int, error) {
	token, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if token = strings.TrimSpace(token); !ok || token == "" {
		return http.StatusUnauthorized, nil
	}
	key := decisionKey{token: sha256.Sum256([]byte(token)), verb: strings.ToLower(req.Method), path: req.URL.Path}
	now := a.now()
	a.mu.Lock()
	d, found := a.decisions[key]
	a.mu.Unlock()
	if found && now.Before(d.expires) {
		return d.code, nil
	}
	ctx, cancel := context.WithTimeout(req.Context(), reviewTime)
	defer cancel()
	code, err := a.review(ctx, token, key)
	if err != nil {
		return 0, err
	}
	ttl := denyTTL
	if code == http.StatusOK {
		ttl = allowTTL
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.decisions) >= maxDecisions {
		for k, d := range a.decisions {
			if !now.Before(d.expires) {
				delete(a.decisions, k)
			}
		}
		if len(a.decisions) >= maxDecisions {
			clear(a.decisions)
		}
	}
	a.decisions[key] = decision{code: code, expires: now.Add(ttl)}
	return code, nil
}

func (a *reviewer) review(ctx context.Context, token string, key decisionKey) (int, error) {
	tr, err := a.tokens.Create(ctx, &authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
	if err != nil {
		return 0, err
	}
	if !tr.Status.Authenticated {
		return http.StatusUnauthorized, nil
	}
	u := tr.Status.User
	extra := make(map[string]authorizationv1.ExtraValue, len(u.Extra))
	for k, v := range u.Extra {
		extra[k] = authorizationv1.ExtraValue(v)
	}
	sar, err := a.access.Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User: u.Username, UID: u.UID, Groups: u.Groups, Extra: extra,
		NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: key.path, Verb: key.verb},
	}}, metav1.CreateOptions{})
	if err != nil {
		return 0, err
	}
	if !sar.Status.Allowed || sar.Status.Denied {
		return http.StatusForbidden, nil
	}
	return http.StatusOK, nil
}
