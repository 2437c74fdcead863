package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
)

// Cookie names. The form cookie carries the anti-forgery token of pages
// shown before sign-in (login, receipt check).
const (
	sessionCookie = "voces_session"
	formCookie    = "voces_form"
	langCookie    = "voces_lang"
	csrfField     = "csrf"
)

// session is the signed-in operator of a request.
type session struct {
	central.Session
	tokenHash []byte
}

type sessionKey struct{}

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(sessionKey{}).(*session)
	return s
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is the form a session token is stored in, so a copy of the
// database holds no working session.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte("voces/session/v1\x00" + token))
	return h[:]
}

// secure reports whether cookies for r get the Secure attribute: always,
// except for plain HTTP to a loopback address (a demo on the operator's own
// machine), where a Secure cookie would never come back.
func (h *Handler) secure(r *http.Request) bool {
	if h.cfg.SecureCookies == CookiesSecure || r.TLS != nil {
		return true
	}
	host := r.Host
	if hst, _, err := net.SplitHostPort(r.Host); err == nil {
		host = hst
	}
	if host == "localhost" {
		return false
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err != nil || !a.IsLoopback()
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		Secure:   h.secure(r),
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
}

// withSession lets only signed-in operators through; others go to the
// login page. A POST must also carry the session's anti-forgery token.
func (h *Handler) withSession(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := h.lookupSession(r)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if s == nil {
			if r.Method != http.MethodGet {
				h.renderError(w, r, http.StatusForbidden, "error.signedout")
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			// Dashboard forms carry a token and an id or two; nothing
			// bigger has a reason to arrive.
			r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		}
		if r.Method == http.MethodPost && !validToken(r.PostFormValue(csrfField), s.CSRFToken) {
			h.log.Warn("form without valid anti-forgery token", "path", r.URL.Path)
			h.renderError(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	}
}

func (h *Handler) lookupSession(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	th := hashToken(c.Value)
	s, err := h.cfg.Store.GetSession(r.Context(), th, h.cfg.Now())
	if errors.Is(err, central.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
	return &session{Session: s, tokenHash: th}, nil
}

func validToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// formToken returns the anti-forgery token for a form on a page shown
// before sign-in, setting its cookie if the browser has none. The form
// must send back the value the cookie holds (double submit); SameSite=Strict
// keeps another site's page from sending the cookie at all.
func (h *Handler) formToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(formCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	t := randomToken()
	h.setCookie(w, r, formCookie, t, 24*time.Hour)
	return t
}

func (h *Handler) checkFormToken(r *http.Request) bool {
	c, err := r.Cookie(formCookie)
	return err == nil && validToken(r.PostFormValue(csrfField), c.Value)
}

// clientIP is the address rate limits count against. Central is expected to
// face devices directly or through a proxy that does not rewrite the
// peer address; X-Forwarded-For is not trusted, or anyone could pick
// their own limit bucket.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (h *Handler) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, key string) {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	h.renderErrorArgs(w, r, http.StatusTooManyRequests, key, secs)
}

func (h *Handler) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if s, err := h.lookupSession(r); err == nil && s != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", "login.title", loginView{})
}

type loginView struct {
	Name  string
	Error string
}

func (h *Handler) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if !h.checkFormToken(r) {
		h.renderError(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	now := h.cfg.Now()
	// Both limits count every attempt: a guesser spreading over many
	// accounts meets the address limit, one spreading over many addresses
	// meets the account limit.
	okIP, waitIP := h.logins.allow("ip:"+clientIP(r), now)
	okName, waitName := h.logins.allow("name:"+strings.ToLower(name), now)
	if !okIP || !okName {
		h.log.Warn("login rate limited")
		h.tooMany(w, r, max(waitIP, waitName), "login.limited")
		return
	}
	op, err := h.cfg.Store.GetOperator(r.Context(), name)
	switch {
	case errors.Is(err, central.ErrNotFound):
		CheckPassword(dummyHash(), password)
		h.loginFailed(w, r, name)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	match, err := CheckPassword(op.PasswordHash, password)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !match || !op.DisabledAt.IsZero() {
		h.loginFailed(w, r, name)
		return
	}
	token := randomToken()
	s := central.Session{
		TokenHash: hashToken(token),
		Operator:  op.Name,
		CSRFToken: randomToken(),
		CreatedAt: now,
		ExpiresAt: now.Add(SessionTTL),
	}
	if err := h.cfg.Store.CreateSession(r.Context(), s); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setCookie(w, r, sessionCookie, token, SessionTTL)
	h.log.Info("operator signed in", "operator", op.Name)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) loginFailed(w http.ResponseWriter, r *http.Request, name string) {
	h.log.Info("login failed")
	h.render(w, r, http.StatusUnauthorized, "login", "login.title", loginView{Name: name, Error: "login.failed"})
}

func (h *Handler) handleLogout(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	if err := h.cfg.Store.DeleteSession(r.Context(), s.tokenHash); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setCookie(w, r, sessionCookie, "", -time.Second)
	h.log.Info("operator signed out", "operator", s.Operator)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// handleLang switches the language with a plain link, so it works without
// JavaScript, and goes back to the page it was followed from.
func (h *Handler) handleLang(w http.ResponseWriter, r *http.Request) {
	l := parseLang(r.URL.Query().Get("to"))
	h.setCookie(w, r, langCookie, string(l), 365*24*time.Hour)
	back := r.URL.Query().Get("back")
	// Only a path on this site: an open redirect would let a link to
	// central send operators anywhere.
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.Contains(back, "\\") {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
