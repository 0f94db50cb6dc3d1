package board

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
)

// The board's guard and pages against a fake API server: who gets in, what
// a forged or foreign request gets, the headers every answer carries, and
// that what the cluster holds is shown as text. test/board drives the same
// pages in a browser against a real API server.

func newBoard(t *testing.T, funcs *interceptor.Funcs, objs ...client.Object) (*Server, *httptest.Server) {
	t.Helper()
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	b := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...)
	if funcs != nil {
		b = b.WithInterceptorFuncs(*funcs)
	}
	srv, err := New(Options{
		Client: b.Build(), Zone: time.FixedZone("CST", 8*3600), User: "leading-group", Lang: "en",
		Actions: map[string]Action{
			ActApproveResponse: func(_ context.Context, ns, name, _ string) (string, error) {
				return "", apierrors.NewForbidden(schema.GroupResource{Group: "emergency.netsec.io", Resource: "emergencyresponses"}, name,
					errors.New("rule entitled: other-officer may not approve <level IV>"))
			},
			ActEndResponse: func(_ context.Context, ns, name, _ string) (string, error) {
				return "emergencyresponse " + ns + "/" + name + ": end approved by leading-group", nil
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// noRedirect is a client that shows redirects instead of following them.
func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login trades the token for the session cookie.
func login(t *testing.T, srv *Server, ts *httptest.Server) *http.Cookie {
	t.Helper()
	resp, err := noRedirect().Get(ts.URL + "/?token=" + srv.Token())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, c := range resp.Cookies() {
		if c.Name == srv.cookie {
			return c
		}
	}
	t.Fatal("login set no session cookie")
	return nil
}

func get(t *testing.T, ts *httptest.Server, path string, cookie *http.Cookie, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	return do(t, req, cookie, header...)
}

func post(t *testing.T, ts *httptest.Server, path string, form url.Values, cookie *http.Cookie, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", ts.URL)
	return do(t, req, cookie, header...)
}

func do(t *testing.T, req *http.Request, cookie *http.Cookie, header ...string) (*http.Response, string) {
	t.Helper()
	if cookie != nil {
		req.AddCookie(cookie)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page carries no anti-forgery token")
	}
	return m[1]
}

func TestTheTokenWorksOnceAndTheCookieAfterIt(t *testing.T) {
	srv, ts := newBoard(t, nil)

	resp, body := get(t, ts, "/", nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Not signed in") {
		t.Errorf("without token or cookie: %d %q, want 401 saying to open the printed address", resp.StatusCode, body)
	}
	resp, _ = get(t, ts, "/static/board.js", nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the script without a cookie: %d, want 401", resp.StatusCode)
	}
	resp, _ = get(t, ts, "/?token=0123", nil)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a wrong token: %d, want 403", resp.StatusCode)
	}

	cookie := login(t, srv, ts)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" {
		t.Errorf("the session cookie is %+v, want HttpOnly, SameSite=Strict, Path=/", cookie)
	}
	resp, body = get(t, ts, "/?token="+srv.Token(), nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "already used") {
		t.Errorf("the token a second time: %d %q, want 403", resp.StatusCode, body)
	}
	resp, body = get(t, ts, "/", cookie)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Open incidents by level") {
		t.Errorf("with the cookie: %d, want the board", resp.StatusCode)
	}
	forged := *cookie
	forged.Value = strings.Repeat("0", len(cookie.Value))
	if resp, _ = get(t, ts, "/", &forged); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a made-up session: %d, want 401", resp.StatusCode)
	}
}

func TestForeignRequestsAreRefused(t *testing.T) {
	srv, ts := newBoard(t, nil)
	cookie := login(t, srv, ts)
	_, page := get(t, ts, "/", cookie)
	csrf := csrfOf(t, page)
	form := url.Values{"csrf": {csrf}, "back": {"/"}}

	cases := map[string]struct {
		resp *http.Response
		want int
	}{}
	add := func(name string, resp *http.Response, want int) {
		cases[name] = struct {
			resp *http.Response
			want int
		}{resp, want}
	}
	r, _ := get(t, ts, "/", cookie, "Host", "evil.example:80")
	add("another host name (DNS rebinding)", r, http.StatusForbidden)
	r, _ = get(t, ts, "/", cookie, "Origin", "http://evil.example")
	add("a read from another origin", r, http.StatusForbidden)
	r, _ = get(t, ts, "/", cookie, "Sec-Fetch-Site", "cross-site")
	add("a read from another site", r, http.StatusForbidden)
	r, _ = post(t, ts, "/lang", form, cookie, "Origin", "http://evil.example")
	add("a change from another origin, with the token", r, http.StatusForbidden)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/lang", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, _ = do(t, req, cookie)
	add("a change without an Origin", r, http.StatusForbidden)
	r, _ = post(t, ts, "/lang", url.Values{"back": {"/"}}, cookie)
	add("a change without the anti-forgery token", r, http.StatusForbidden)
	r, _ = post(t, ts, "/lang", url.Values{"csrf": {srv.csrf("another-session")}, "back": {"/"}}, cookie)
	add("a change with another session's anti-forgery token", r, http.StatusForbidden)
	r, _ = post(t, ts, "/lang", form, nil)
	add("a change without the cookie", r, http.StatusUnauthorized)
	r, _ = post(t, ts, "/lang", form, cookie)
	add("the page's own change", r, http.StatusSeeOther)
	r, _ = get(t, ts, "/", cookie, "Host", "localhost:1")
	add("localhost", r, http.StatusOK)

	for name, c := range cases {
		if c.resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", name, c.resp.StatusCode, c.want)
		}
	}
}

func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	inc := incident("leak", "unit-a", "x")
	srv, ts := newBoard(t, nil, inc)
	cookie := login(t, srv, ts)
	for _, path := range []string{"/", "/notice", "/object/securityincident/unit-a/leak", "/static/board.js", "/nowhere"} {
		resp, _ := get(t, ts, path, cookie)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q allows inline script or eval", path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Frame-Options %q, X-Content-Type-Options %q", path, h.Get("X-Frame-Options"), h.Get("X-Content-Type-Options"))
		}
	}
	resp, body := get(t, ts, "/form/unit-a/leak", cookie)
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "报送表") {
		t.Errorf("the form: %d", resp.StatusCode)
	}
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script") {
		t.Errorf("the form's policy %q: want no script at all and no frames", csp)
	}
	_, page := get(t, ts, "/", cookie)
	if strings.Contains(page, "<script>") || regexp.MustCompile(`<script(?:[^>]*)>[^<]`).MatchString(page) || strings.Contains(page, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(page) {
		t.Error("the board has inline script or an inline event handler")
	}
}

func incident(name, ns, description string) *v1alpha1.SecurityIncident {
	return &v1alpha1.SecurityIncident{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, CreationTimestamp: metav1.Now()},
		Spec: v1alpha1.SecurityIncidentSpec{Description: description, EventTypes: []v1alpha1.EventType{v1alpha1.EventDataLeak},
			Reporter:     v1alpha1.Reporter{UnitName: "Unit <b>A</b>", UnitType: v1alpha1.UnitOther},
			OccurredAt:   metav1.NewTime(time.Now().Add(-time.Hour)),
			DiscoveredAt: metav1.NewTime(time.Now().Add(-time.Hour))},
		Status: v1alpha1.SecurityIncidentStatus{Level: "III", Deadlines: []v1alpha1.Deadline{
			{Name: v1alpha1.DeadlineInitialReport, State: v1alpha1.DeadlineMissed, DueTime: metav1.NewTime(time.Now().Add(-10 * time.Minute))}}},
	}
}

func TestWhatTheClusterHoldsIsShownAsText(t *testing.T) {
	markup := `<script>alert("board")</script><img src=x onerror=alert(1)>`
	inc := incident("leak", "unit-a", markup)
	srv, ts := newBoard(t, nil, inc)
	cookie := login(t, srv, ts)
	for _, path := range []string{"/", "/object/securityincident/unit-a/leak", "/object/securityincident/unit-a/leak?fragment=1"} {
		_, body := get(t, ts, path, cookie)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "<b>A</b>") {
			t.Errorf("%s: markup from the cluster went out as markup", path)
		}
	}
	_, body := get(t, ts, "/object/securityincident/unit-a/leak", cookie)
	if !strings.Contains(body, "&lt;script&gt;alert(&#34;board&#34;)&lt;/script&gt;") {
		t.Error("the description is not on the page as text")
	}
	_, body = get(t, ts, "/", cookie)
	if !strings.Contains(body, "unit-a/leak") || !strings.Contains(body, "overdue") || !strings.Contains(body, "Unit &lt;b&gt;A&lt;/b&gt;") {
		t.Errorf("the board does not list the overdue incident:\n%s", body)
	}
}

func TestActionsShowTheirAnswerAsItIs(t *testing.T) {
	resp := &v1alpha1.EmergencyResponse{ObjectMeta: metav1.ObjectMeta{Name: "resp", Namespace: "office"},
		Status: v1alpha1.EmergencyResponseStatus{Phase: v1alpha1.ResponseAwaitingApproval, Level: "IV"}}
	srv, ts := newBoard(t, nil, resp)
	cookie := login(t, srv, ts)
	_, page := get(t, ts, "/object/emergencyresponse/office/resp", cookie)
	csrf := csrfOf(t, page)
	if !strings.Contains(page, `id="do-approve-response"`) || !strings.Contains(page, `id="do-end-response"`) {
		t.Fatal("the response's page offers no approve or end")
	}
	form := url.Values{"csrf": {csrf}, "kind": {"emergencyresponse"}, "ns": {"office"}, "name": {"resp"}}

	form.Set("action", ActApproveResponse)
	r, body := post(t, ts, "/act", form, cookie)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(body, "rule entitled: other-officer may not approve &lt;level IV&gt;") {
		t.Errorf("a refusal: %d, want 403 and the API server's words as text:\n%s", r.StatusCode, body)
	}
	form.Set("action", ActEndResponse)
	r, body = post(t, ts, "/act", form, cookie)
	if r.StatusCode != http.StatusOK || !strings.Contains(body, "emergencyresponse office/resp: end approved by leading-group") {
		t.Errorf("a decision written: %d, want its line:\n%s", r.StatusCode, body)
	}
	form.Set("action", ActLiftWarning)
	if r, _ = post(t, ts, "/act", form, cookie); r.StatusCode != http.StatusBadRequest {
		t.Errorf("lifting a response: %d, want 400", r.StatusCode)
	}
}

func TestTheQuickNoticeShowsEachRefusalBesideItsField(t *testing.T) {
	var created *v1alpha1.SecurityIncident
	funcs := &interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
		inc := obj.(*v1alpha1.SecurityIncident)
		if inc.Spec.Reporter.Contact.Phone == "call me" {
			return apierrors.NewInvalid(schema.GroupKind{Group: "emergency.netsec.io", Kind: "SecurityIncident"}, inc.Name, field.ErrorList{
				field.Invalid(field.NewPath("spec", "reporter", "contact", "phone"), "call me", "must be a telephone number"),
				field.Required(field.NewPath("spec", "impact", "dataLeak"), "eventTypes includes DataLeak, so impact.dataLeak is required"),
				field.Forbidden(field.NewPath("spec", "somethingElse"), "<not a field of the form>"),
			})
		}
		created = inc.DeepCopy()
		return c.Create(ctx, obj, opts...)
	}}
	srv, ts := newBoard(t, funcs)
	cookie := login(t, srv, ts)
	_, page := get(t, ts, "/notice", cookie)
	form := url.Values{"csrf": {csrfOf(t, page)}, fNamespace: {"unit-a"}, fName: {"outage"}, fUnitName: {"Unit A"},
		fUnitType: {"BasicTelecom"}, fContactName: {"Wang Fang"}, fPhone: {"call me"}, fDescription: {"down"},
		fOccurredAt: {"2026-12-04T14:15"}, fDiscoveredAt: {"2026-12-04T14:20"}, fEventTypes: {"InternetOutage", "DataLeak"}, fOutage: {"City"}}

	r, body := post(t, ts, "/notice", form, cookie)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a refused notice: %d, want 422", r.StatusCode)
	}
	beside := func(fieldName, msg string) {
		t.Helper()
		re := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(fieldName) + `"[^>]*aria-invalid="true"[^>]*>.*?<p class="field-error" id="err-` + regexp.QuoteMeta(fieldName) + `"[^>]*>[^<]*` + regexp.QuoteMeta(msg))
		if !re.MatchString(body) {
			t.Errorf("%q is not beside %s", msg, fieldName)
		}
	}
	beside(fPhone, "must be a telephone number")
	beside(fRecords, "impact.dataLeak is required")
	if !regexp.MustCompile(`id="general-errors"(?s:.*)spec.somethingElse: [^<]*&lt;not a field of the form&gt;`).MatchString(body) {
		t.Error("a cause that names no field of the form is not shown above it")
	}
	if !strings.Contains(body, `value="Wang Fang"`) || !strings.Contains(body, `value="DataLeak" checked`) {
		t.Error("the refused notice lost what was typed")
	}

	form.Set(fOccurredAt, "yesterday")
	_, body = post(t, ts, "/notice", form, cookie)
	beside(fOccurredAt, "write a date and time")

	form.Set(fOccurredAt, "2026-12-04T14:15")
	form.Set(fPhone, "+86 851 8888 0000")
	form.Set(fRecords, "150,000")
	r, _ = post(t, ts, "/notice", form, cookie)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/object/securityincident/unit-a/outage" {
		t.Fatalf("a valid notice: %d to %q, want 303 to its page", r.StatusCode, r.Header.Get("Location"))
	}
	if created.Spec.ReportChannel != v1alpha1.ReportQuickNotice || created.Spec.Impact.DataLeak.Records != 150000 ||
		created.Spec.Impact.InternetOutage.Scope != v1alpha1.ScopeCity || created.Spec.Drill {
		t.Errorf("the notice filed is %+v", created.Spec)
	}
	if got := created.Spec.OccurredAt.Time; !got.Equal(time.Date(2026, 12, 4, 6, 15, 0, 0, time.UTC)) {
		t.Errorf("occurredAt %s: want 14:15 in the board's zone (+08:00)", got)
	}
}

func TestAChangeReachesTheOpenPages(t *testing.T) {
	srv, ts := newBoard(t, nil)
	cookie := login(t, srv, ts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv.Watch(ctx)

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/events", nil)
	req.AddCookie(cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("the stream is %q", ct)
	}
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: change") {
				got <- sc.Text()
				return
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // the watch is open
	if err := srv.opts.Client.Create(ctx, incident("new", "unit-b", "d")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no change reached the page within 5 s of a new incident")
	}
	_, body := get(t, ts, "/?fragment=1", cookie)
	if !strings.Contains(body, "unit-b/new") || strings.Contains(body, "<html") {
		t.Errorf("the board's live part does not show the new incident, or is a whole page:\n%s", body)
	}
}
