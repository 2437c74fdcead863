package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// pageNames are the templates that render a whole page inside layout.html.
var pageNames = []string{"login", "overview", "proposals", "survey", "participation", "fleet", "revoke", "audit", "arco", "receipt", "error", "review", "reviewcounts",
	"moderation", "moderation_item"}

func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"pct": func(part, whole int64) float64 {
			if whole <= 0 {
				return 0
			}
			return min(100, float64(part)*100/float64(whole))
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/authoring_parts.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard templates: %w", err)
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("dashboard templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

// view is what layout.html gets; Data is the page's own.
type view struct {
	L        lang
	Title    string // message id
	Page     string
	Path     string       // for the language switch link: the page, with its query when it was a GET
	Operator string       // "" before sign-in
	Role     central.Role // the operator's role; "" before sign-in
	CSRF     string
	Flash    string // a message shown once at the top
	Now      string
	Data     any
}

// Can reports whether the signed-in operator has permission p, so pages
// offer only what the server would allow.
func (v view) Can(p string) bool { return v.Role.Can(central.Permission(p)) }

// LangURL is the link that switches language and comes back here.
func (v view) LangURL() string {
	return "/lang?" + url.Values{"to": {string(v.L.Other())}, "back": {v.Path}}.Encode()
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	h.renderFlash(w, r, status, page, title, "", data)
}

func (h *Handler) renderFlash(w http.ResponseWriter, r *http.Request, status int, page, title, flash string, data any) {
	l := langOf(r)
	v := view{L: l, Title: title, Page: page, Path: backPath(r), Flash: flash, Data: data,
		Now: h.cfg.Now().In(h.cfg.Location).Format("2006-01-02 15:04")}
	if s := sessionOf(r); s != nil {
		v.Operator, v.Role, v.CSRF = s.Operator, s.Role, s.CSRFToken
	} else {
		v.CSRF = h.formToken(w, r)
	}
	var buf bytes.Buffer
	if err := h.pages[page].Execute(&buf, v); err != nil {
		h.log.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(l))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorView struct {
	Message string
	Back    string
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, id string) {
	h.renderErrorArgs(w, r, status, id)
}

func (h *Handler) renderErrorArgs(w http.ResponseWriter, r *http.Request, status int, id string, args ...any) {
	// A refused form signed out (sign-in, receipt check) goes back to the
	// form, which a GET of the same path shows; anything else goes home,
	// never to the path that failed, which for a missing page is the
	// missing page itself.
	back := "/"
	if sessionOf(r) == nil && r.Method == http.MethodPost {
		back = r.URL.Path
	}
	h.render(w, r, status, "error", "error.title", errorView{Message: langOf(r).T(id, args...), Back: back})
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("dashboard request failed", "path", r.URL.Path, "err", err)
	h.renderError(w, r, http.StatusInternalServerError, "error.internal")
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound, "error.notfound")
}

// local formats t in the campaign's time zone.
func (h *Handler) local(t time.Time) string {
	return t.In(h.cfg.Location).Format("2006-01-02 15:04")
}
