// Package board is the duty board of `kubectl incident board`: a web page
// on loopback that shows, live, what needs someone now (internal/duty), an
// object's timeline, its annex form and the decisions the user may take,
// and takes a unit's quick notice.
//
// It holds no credentials of its own: every read, watch and write is the
// user's, through the client it is given, so the API server decides what
// the page shows and refuses what the user may not do; the page shows the
// refusal as it is. It listens on 127.0.0.1 only. The page is guarded as a
// local notebook server is: the address printed on the terminal carries a
// one-time token; the first request with it gets a session cookie
// (HttpOnly, SameSite=Strict) and every later request needs that cookie.
// Requests naming another host (DNS rebinding) or sent from another origin
// are refused, every POST carries an anti-forgery token bound to the
// session, and the pages run under a strict Content-Security-Policy with no
// inline script. Every value from the cluster goes through html/template.
package board

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

//go:embed templates/*.html static/*
var files embed.FS

// Entry is one line of an object's timeline.
type Entry struct {
	Time time.Time
	What string
}

// History is an object's timeline and what RBAC kept out of it.
type History struct {
	Entries []Entry
	Hidden  []string
}

// Action takes one decision on an object as the user: approve, end, lift,
// confirm. It returns the line the plugin prints, or the refusal (the
// plugin's own, or the API server's) as it is.
type Action func(ctx context.Context, ns, name, directive string) (string, error)

// The actions the board offers, by the kinds they apply to.
const (
	ActApproveResponse = "approve-response"
	ActEndResponse     = "end-response"
	ActApproveWarning  = "approve-warning"
	ActLiftWarning     = "lift-warning"
	ActConfirmReport   = "confirm-report"
)

// Options are what the board acts with.
type Options struct {
	// Client is the user's own client; the board has no other.
	Client client.WithWatch
	// Namespace is the one namespace shown, or "" for every namespace the
	// user may list.
	Namespace string
	// Zone is where times are shown, with their offset.
	Zone *time.Location
	// User is the user's name, as the API server knows them.
	User string
	// Lang is the page's first language: "zh" (default) or "en".
	Lang string
	// Timeline reads an object's timeline (the plugin's timeline code).
	Timeline func(ctx context.Context, kind, ns, name, lang string) (History, error)
	// Actions are the plugin's decisions, by the Act* names.
	Actions map[string]Action
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Server is the board.
type Server struct {
	opts   Options
	token  string
	cookie string
	key    []byte // signs the anti-forgery tokens

	mu       sync.Mutex
	used     bool
	sessions map[string]*session

	hub *hub
	mux *http.ServeMux
}

type session struct {
	lang string
}

// New makes a board with a fresh one-time token.
func New(o Options) (*Server, error) {
	if o.Client == nil {
		return nil, errors.New("board: no client")
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Lang != "en" {
		o.Lang = "zh"
	}
	token, key := random(24), []byte(random(32))
	sum := sha256.Sum256([]byte(token))
	s := &Server{opts: o, token: token, key: key, sessions: map[string]*session{},
		cookie: "incident_board_" + hex.EncodeToString(sum[:4]), hub: newHub()}
	s.routes()
	return s, nil
}

func random(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on the platforms Go supports
	}
	return hex.EncodeToString(b)
}

// Token is the one-time token the printed address carries.
func (s *Server) Token() string { return s.token }

// Listen opens a listener on 127.0.0.1, on port (0: a random free port).
// The board never listens on anything but loopback.
func Listen(port int) (net.Listener, error) {
	return net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
}

// URL is the address to open, with the one-time token.
func (s *Server) URL(ln net.Listener) string {
	return fmt.Sprintf("http://%s/?token=%s", ln.Addr(), s.token)
}

// Serve serves the board on ln, and watches the cluster for it, until ctx
// ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	go s.watch(ctx)
	// Requests live in ctx: when it ends, the open event streams end too.
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Watch starts the cluster watch that makes the pages live, until ctx
// ends; Serve starts it itself. For tests that serve Handler alone.
func (s *Server) Watch(ctx context.Context) { go s.watch(ctx) }

// ServeHTTP guards every request: the headers of every answer, the host,
// the origin, the session, then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin") // not no-referrer: a form POST would then say Origin: null
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")

	if !loopbackHost(r.Host) {
		http.Error(w, "refused: the board answers to 127.0.0.1 or localhost only, not "+strconv.Quote(r.Host), http.StatusForbidden)
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != "http://"+r.Host {
		http.Error(w, "refused: a request from another origin ("+strconv.Quote(origin)+")", http.StatusForbidden)
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		http.Error(w, "refused: a request from another site", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodPost && r.Header.Get("Origin") == "" && r.Header.Get("Sec-Fetch-Site") != "same-origin" {
		http.Error(w, "refused: a change must come from the board's own page (no Origin header)", http.StatusForbidden)
		return
	}

	if tok := r.URL.Query().Get("token"); tok != "" {
		s.login(w, r, tok)
		return
	}
	sess, id := s.session(r)
	if sess == nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintln(w, "Not signed in: open the address `kubectl incident board` printed, with its token, in this browser.\n未登录：请在本浏览器中打开 kubectl incident board 打印的地址（含 token）。")
		return
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20) // a quick notice is a few kB
		if err := r.ParseForm(); err != nil {
			http.Error(w, "refused: an unreadable form", http.StatusBadRequest)
			return
		}
		if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(s.csrf(id))) {
			http.Error(w, "refused: the form's anti-forgery token is missing or not this session's; reload the page", http.StatusForbidden)
			return
		}
	}
	s.mux.ServeHTTP(w, r.WithContext(withSession(r.Context(), id, sess)))
}

// pageCSP allows the board's own script, styles and requests, nothing
// inline, no frames.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// formCSP is the printed form's: its own inline styles, and nothing else
// (it has no script).
const formCSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return host == "127.0.0.1" || host == "localhost"
}

// login trades the one-time token for a session cookie, once, and sends the
// browser on without the token in its address.
func (s *Server) login(w http.ResponseWriter, r *http.Request, tok string) {
	s.mu.Lock()
	ok := !s.used && subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) == 1
	if ok {
		s.used = true
	}
	var id string
	if ok {
		id = random(32)
		s.sessions[id] = &session{lang: s.opts.Lang}
	}
	s.mu.Unlock()
	if !ok {
		http.Error(w, "refused: this token is wrong or was already used; start kubectl incident board again for a new address", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	q := r.URL.Query()
	q.Del("token")
	to := r.URL.Path
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) session(r *http.Request) (*session, string) {
	c, err := r.Cookie(s.cookie)
	if err != nil {
		return nil, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[c.Value], c.Value
}

// csrf is the session's anti-forgery token: it cannot be made without the
// board's key, and it is worthless in another session.
func (s *Server) csrf(id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("csrf\x00" + id))
	return hex.EncodeToString(m.Sum(nil))
}

type ctxKey struct{}

type sessionRef struct {
	id   string
	sess *session
}

func withSession(ctx context.Context, id string, sess *session) context.Context {
	return context.WithValue(ctx, ctxKey{}, sessionRef{id, sess})
}

func sessionOf(r *http.Request) sessionRef {
	ref, _ := r.Context().Value(ctxKey{}).(sessionRef)
	return ref
}

func staticFS() http.Handler {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	return http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
}
