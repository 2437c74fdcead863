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

// secure reports whether cookies for r get the Secure attribute: always
// when the configured public URL is https, and on any request that came
// over TLS. It never looks at the Host header, which a proxy sets as it
// likes (many send Host: 127.0.0.1).
func (h *Handler) secure(r *http.Request) bool {
	return h.https || r.TLS != nil
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
			// bigger has a reason to arrive, but for the campaign's
			// texts (formLimit).
			r.Body = http.MaxBytesReader(w, r.Body, formLimit(r.URL.Path))
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

// clientIP is the address rate limits count against: the peer address,
// unless the peer is a trusted proxy. Then it is the rightmost address in
// X-Forwarded-For that is not itself a trusted proxy: each proxy appends
// the address it heard from, so everything to the left of the first
// untrusted entry is what the client chose to send and is ignored. A
// stranger sending X-Forwarded-For directly is counted by their peer
// address, so no one picks their own limit bucket.
func (h *Handler) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !h.trusted(peer) {
		return host
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				// Not an address a proxy wrote: the last trusted hop is
				// as close to the client as can be told.
				return client.String()
			}
			client = a.Unmap()
			if !h.trusted(client) {
				return client.String()
			}
		}
	}
	return client.String()
}

// trusted reports whether a is one of the configured proxies.
func (h *Handler) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range h.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
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
	ip := h.clientIP(r)
	// The address limit comes first and, while it refuses, nothing else is
	// looked at or recorded: a flood of names from one address costs no
	// memory (and every limiter is bounded anyway).
	if ok, wait := h.logins.allow(ip, now); !ok {
		h.log.Warn("login rate limited", "by", "address")
		h.tooMany(w, r, wait, "login.limited")
		return
	}
	// Failures are counted per account and address, so what a guesser
	// does at their address slows down only that address. An account
	// under attack from many addresses (AccountAlarm failures) takes the
	// free failures away, but an address that has not failed still gets
	// its attempt, and a correct password from it signs in: no stranger
	// can turn the limits into a lockout of the operator, and a guesser
	// spreading over addresses gets one guess per address, then
	// exponentially fewer.
	account := accountKey(name)
	pair := account + "\x00" + ip
	free := FreeFailures
	if h.alarms.count(account, now) >= AccountAlarm {
		free = 1
	}
	if wait := h.fails.wait(pair, free, now); wait > 0 {
		h.log.Warn("login rate limited", "by", "account and address")
		h.tooMany(w, r, wait, "login.limited")
		return
	}
	op, err := h.cfg.Store.GetOperator(r.Context(), name)
	known := err == nil
	if err != nil && !errors.Is(err, central.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	var match bool
	checked := h.hashes.run(r.Context(), func() {
		hash := op.PasswordHash
		if !known {
			// An unknown name is checked against a dummy hash, so it
			// takes as long and is limited the same as a known one.
			hash = dummyHash()
		}
		match, err = CheckPassword(hash, password)
	})
	switch {
	case !checked:
		h.log.Warn("login turned away: every password check is busy")
		secs := int(hashRetry / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		h.renderErrorArgs(w, r, http.StatusServiceUnavailable, "login.busy", secs)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if !known || !match || !op.DisabledAt.IsZero() {
		h.fails.failed(pair, now)
		h.alarms.add(account, now)
		// The name is recorded only when it is an operator's: a password
		// typed into the name field must not end up in the log.
		actor := "(unknown name)"
		if known {
			actor = op.Name
		}
		if err := h.cfg.Audit.Audit(r.Context(), actor, central.AuditSignInFailed, map[string]string{"address": ip}); err != nil {
			h.serverError(w, r, err)
			return
		}
		h.loginFailed(w, r, name)
		return
	}
	h.fails.forgive(pair)
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
	if err := h.cfg.Audit.Audit(r.Context(), op.Name, central.AuditSignIn, map[string]string{"address": ip, "role": string(op.Role)}); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setCookie(w, r, sessionCookie, token, SessionTTL)
	h.log.Info("operator signed in", "operator", op.Name)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// maxAccountKey bounds the part of a submitted name the limiters keep:
// operator names are one short word, and a stranger's 4 KB name must not
// cost 4 KB per entry.
const maxAccountKey = 128

// accountKey is the name a sign-in is for, as the limiters count it.
func accountKey(name string) string {
	k := strings.ToLower(name)
	if len(k) > maxAccountKey {
		k = k[:maxAccountKey]
	}
	return k
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
	if err := h.cfg.Audit.Audit(r.Context(), s.Operator, central.AuditSignOut, map[string]string{"address": h.clientIP(r)}); err != nil {
		h.serverError(w, r, err)
		return
	}
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
