package board

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/netsec-io/incident-operator/api/v1alpha1"
	"github.com/netsec-io/incident-operator/internal/duty"
	"github.com/netsec-io/incident-operator/internal/form"
)

// timeLayout is how the pages print a time: with its offset, as the
// plugin does.
const timeLayout = "2006-01-02 15:04:05 -07:00"

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"t": word,
	"stamp": func(zone *time.Location, t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(zone).Format(timeLayout)
	},
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"lower":   strings.ToLower,
	"str":     func(v any) string { return fmt.Sprint(v) },
	"drillOf": func(lang string, drill bool) drillView { return drillView{lang, drill} },
	"left":    left,
	"field": func(d noticeData, name, label, typ string) fieldView {
		return fieldView{Lang: d.Lang, Name: name, Label: label, Type: typ, Value: d.Form.Get(name), Errors: d.Errors[name]}
	},
	"choices": func(d noticeData, name, label, options string) fieldView {
		return fieldView{Lang: d.Lang, Name: name, Label: label, Value: d.Form.Get(name), Errors: d.Errors[name], Options: d.Options[options]}
	},
	"errorsOf": func(d noticeData, name string) fieldView { return fieldView{Name: name, Errors: d.Errors[name]} },
	"has":      func(f url.Values, key, value string) bool { return slices.Contains(f[key], value) },
}).ParseFS(files, "templates/*.html"))

type drillView struct {
	Lang  string
	Drill bool
}

// fieldView is one input of the quick notice, with the messages about it.
type fieldView struct {
	Lang, Name, Label, Type, Value string
	Errors, Options                []string
}

// left is the time until a deadline, or since it passed ("-1h05m"), as the
// page shows it before its script counts it down.
func left(now, due time.Time) string {
	d := due.Sub(now).Round(time.Second)
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// Page is what every page's layout needs.
type Page struct {
	Lang, User, Namespace, CSRF, Zone string
	Loc                               *time.Location
	Now                               time.Time
	Path                              string
	// Live: the page fetches its live part again on each change.
	Live bool
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /static/", staticFS())
	m.HandleFunc("GET /{$}", s.boardPage)
	m.HandleFunc("GET /events", s.events)
	m.HandleFunc("GET /object/{kind}/{ns}/{name}", s.objectPage)
	m.HandleFunc("GET /form/{ns}/{name}", s.formPage)
	m.HandleFunc("POST /act", s.act)
	m.HandleFunc("GET /notice", s.noticePage)
	m.HandleFunc("POST /notice", s.fileNotice)
	m.HandleFunc("POST /lang", s.switchLang)
	s.mux = m
}

func (s *Server) base(r *http.Request) Page {
	ref := sessionOf(r)
	now := s.opts.Now()
	s.mu.Lock()
	lang := ref.sess.lang
	s.mu.Unlock()
	return Page{Lang: lang, User: s.opts.User, Namespace: s.opts.Namespace, CSRF: s.csrf(ref.id),
		Zone: s.opts.Zone.String() + " (UTC" + now.In(s.opts.Zone).Format("-07:00") + ")", Loc: s.opts.Zone, Now: now, Path: r.URL.Path}
}

// render writes a template; with ?fragment=1 only its live part, which a
// page's script swaps in when the cluster changed.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if r.URL.Query().Get("fragment") == "1" {
		name += ".live"
	}
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "the page could not be drawn: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// boardData is the board: the duties grouped into its panels.
type boardData struct {
	Page
	Hidden    []string
	Error     string
	Levels    []levelGroup
	Responses []duty.Item
	Decisions []duty.Item
	Reports   []duty.Item
	Warnings  []duty.InForce
	Units     []duty.Owing
}

type levelGroup struct {
	Level     string
	Incidents []duty.Open
}

func (s *Server) boardPage(w http.ResponseWriter, r *http.Request) {
	d := boardData{Page: s.base(r)}
	d.Live = true
	duties, err := duty.Gather(r.Context(), s.opts.Client, s.opts.Namespace, d.Now)
	if err != nil {
		d.Error = err.Error()
	}
	d.Hidden, d.Warnings, d.Units = duties.Hidden, duties.Warnings, duties.Units
	byLevel := map[string][]duty.Open{}
	for _, inc := range duties.Incidents {
		byLevel[inc.Level] = append(byLevel[inc.Level], inc)
	}
	for _, it := range duties.Items {
		switch {
		case it.Kind == duty.Incident:
		case it.Kind == duty.Response && (it.State == duty.Overdue || it.State == duty.Due):
			d.Responses = append(d.Responses, it)
		case it.State == duty.Decision:
			d.Decisions = append(d.Decisions, it)
		case it.State == duty.Undelivered || it.State == duty.Unconfirmed:
			d.Reports = append(d.Reports, it)
		}
	}
	for _, l := range []string{"I", "II", "III", "IV", "", string(v1alpha1.BelowThreshold)} {
		if incs := byLevel[l]; len(incs) > 0 {
			d.Levels = append(d.Levels, levelGroup{Level: l, Incidents: incs})
		}
	}
	s.render(w, r, http.StatusOK, "board", d)
}

// objectData is an object's page.
type objectData struct {
	Page
	Kind, Ns, Name string
	Found          bool
	ReadError      string
	Incident       *v1alpha1.SecurityIncident
	Response       *v1alpha1.EmergencyResponse
	Warning        *v1alpha1.Warning
	Report         *v1alpha1.Notification
	Drill          bool
	Actions        []string
	History        History
	HistoryError   string
	// Result is the answer to the action just taken.
	Result   string
	Refused  bool
	Directed bool
}

var kindActions = map[string][]string{
	string(duty.Incident): nil,
	string(duty.Response): {ActApproveResponse, ActEndResponse},
	string(duty.Warning):  {ActApproveWarning, ActLiftWarning},
	string(duty.Report):   {ActConfirmReport},
}

func (s *Server) object(ctx context.Context, d *objectData) {
	d.Path = "/object/" + url.PathEscape(d.Kind) + "/" + url.PathEscape(d.Ns) + "/" + url.PathEscape(d.Name)
	key := client.ObjectKey{Namespace: d.Ns, Name: d.Name}
	var obj client.Object
	switch d.Kind {
	case string(duty.Incident):
		d.Incident = &v1alpha1.SecurityIncident{}
		obj = d.Incident
	case string(duty.Response):
		d.Response = &v1alpha1.EmergencyResponse{}
		obj = d.Response
	case string(duty.Warning):
		d.Warning = &v1alpha1.Warning{}
		obj = d.Warning
	case string(duty.Report):
		d.Report = &v1alpha1.Notification{}
		obj = d.Report
	default:
		d.ReadError = "no such kind: " + d.Kind
		return
	}
	if err := s.opts.Client.Get(ctx, key, obj); err != nil {
		d.ReadError = err.Error()
		return
	}
	d.Found = true
	switch {
	case d.Incident != nil:
		d.Drill = d.Incident.Spec.Drill
	case d.Response != nil:
		d.Drill = d.Response.Spec.Drill
	case d.Warning != nil:
		d.Drill = d.Warning.Spec.Drill
	case d.Report != nil:
		d.Drill = d.Report.Spec.Drill
	}
	for _, a := range kindActions[d.Kind] {
		if s.opts.Actions[a] != nil {
			d.Actions = append(d.Actions, a)
		}
	}
	if s.opts.Timeline != nil && d.Kind != string(duty.Report) {
		h, err := s.opts.Timeline(ctx, d.Kind, d.Ns, d.Name, d.Lang)
		if err != nil {
			d.HistoryError = err.Error()
		}
		d.History = h
	}
}

func (s *Server) objectPage(w http.ResponseWriter, r *http.Request) {
	d := objectData{Page: s.base(r), Kind: r.PathValue("kind"), Ns: r.PathValue("ns"), Name: r.PathValue("name")}
	d.Live = true
	s.object(r.Context(), &d)
	status := http.StatusOK
	if !d.Found {
		status = http.StatusNotFound
	}
	s.render(w, r, status, "object", d)
}

// formPage is the annex form, as `kubectl incident form -o html` prints
// it, on a page of its own: the form keeps its own inline styles, which the
// board's policy would refuse, and has no script.
func (s *Server) formPage(w http.ResponseWriter, r *http.Request) {
	inc := &v1alpha1.SecurityIncident{}
	if err := s.opts.Client.Get(r.Context(), client.ObjectKey{Namespace: r.PathValue("ns"), Name: r.PathValue("name")}, inc); err != nil {
		http.Error(w, err.Error(), httpStatus(err))
		return
	}
	html, err := form.HTML(inc)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Security-Policy", formCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(html))
}

// act takes a decision through the plugin's own function and shows the
// object with its answer: the line the plugin prints, or the refusal as it
// is.
func (s *Server) act(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	d := objectData{Page: s.base(r), Kind: f.Get("kind"), Ns: f.Get("ns"), Name: f.Get("name")}
	d.Live = true
	name := f.Get("action")
	allowed := false
	for _, a := range kindActions[d.Kind] {
		allowed = allowed || a == name
	}
	act := s.opts.Actions[name]
	status := http.StatusOK
	if !allowed || act == nil {
		d.Result, d.Refused, status = "no such action "+name+" on a "+d.Kind, true, http.StatusBadRequest
	} else if out, err := act(r.Context(), d.Ns, d.Name, strings.TrimSpace(f.Get("directive"))); err != nil {
		d.Result, d.Refused, status = err.Error(), true, httpStatus(err)
	} else {
		d.Result = out
	}
	s.object(r.Context(), &d)
	s.render(w, r, status, "object", d)
}

func httpStatus(err error) int {
	var st apierrors.APIStatus
	if errors.As(err, &st) && st.Status().Code != 0 {
		return int(st.Status().Code)
	}
	return http.StatusConflict // the plugin's own refusal: nothing written
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	ref := sessionOf(r)
	s.mu.Lock()
	if ref.sess.lang == "en" {
		ref.sess.lang = "zh"
	} else {
		ref.sess.lang = "en"
	}
	s.mu.Unlock()
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
