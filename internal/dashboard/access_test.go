package dashboard

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// signedIn is a browser holding a session of a new operator with role,
// made in the store directly (signing in through the form forty times
// would hit the sign-in limits). It returns the session's CSRF token.
func (s *site) signedIn(t *testing.T, name string, role central.Role) (*browser, string) {
	t.Helper()
	ctx := context.Background()
	if err := s.central.Store.CreateOperator(ctx, central.Operator{Name: name, PasswordHash: "unused", Role: role, CreatedAt: time.Now()}); err != nil && !strings.Contains(err.Error(), "exists") {
		t.Fatal(err)
	}
	token, csrf := randomToken(), randomToken()
	now := time.Now()
	if err := s.central.Store.CreateSession(ctx, central.Session{TokenHash: hashToken(token), Operator: name, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	u, _ := url.Parse(s.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
	return b, csrf
}

// TestRoleRouteMatrix asks every route the dashboard serves as every role
// (and signed out) and checks who is let through. The matrix is written
// out here, apart from central's grants, so a change of either is seen;
// a route missing from it fails the test.
func TestRoleRouteMatrix(t *testing.T) {
	var (
		everyone = central.Roles
		admin    = []central.Role{central.RoleAdmin}
		officer  = []central.Role{central.RoleDataOfficer}
		mod      = []central.Role{central.RoleModerator}
		anyone   []central.Role // public: no session needed
	)
	matrix := map[string]struct {
		path  string
		roles []central.Role
	}{
		"GET /static/":               {"/static/style.css", anyone},
		"GET /lang":                  {"/lang?to=en", anyone},
		"GET /login":                 {"/login", anyone},
		"POST /login":                {"/login", anyone},
		"GET /receipt":               {"/receipt", anyone},
		"POST /receipt":              {"/receipt", anyone},
		"/":                          {"/no-such-page", anyone},
		"POST /logout":               {"/logout", everyone},
		"GET /{$}":                   {"/", everyone},
		"GET /proposals":             {"/proposals", everyone},
		"GET /survey":                {"/survey", everyone},
		"GET /participation":         {"/participation", everyone},
		"GET /fleet":                 {"/fleet", everyone},
		"GET /fleet/revoke":          {"/fleet/revoke?device=none", admin},
		"POST /fleet/revoke":         {"/fleet/revoke", admin},
		"GET /audit":                 {"/audit", admin},
		"GET /arco":                  {"/arco", officer},
		"POST /arco":                 {"/arco", officer},
		"POST /arco/report":          {"/arco/report", officer},
		"POST /arco/cancel":          {"/arco/cancel", officer},
		"POST /arco/requests":        {"/arco/requests", officer},
		"POST /arco/requests/answer": {"/arco/requests/answer", officer},
		"GET /roll":                  {"/roll", everyone},
		"GET /review":                {"/review", officer},
		"POST /review/decide":        {"/review/decide", officer},
		"POST /review/lookup":        {"/review/lookup", officer},
		"GET /moderation":            {"/moderation", mod},
		"GET /moderation/item":       {"/moderation/item?id=none", mod},
		"POST /moderation/publish":   {"/moderation/publish", mod},
		"POST /moderation/merge":     {"/moderation/merge", mod},
		"POST /moderation/decline":   {"/moderation/decline", mod},
		"POST /moderation/bulk":      {"/moderation/bulk", mod},
		"GET /draft":                 {"/draft", mod},
		"POST /draft/start":          {"/draft/start", mod},
		"POST /draft/discard":        {"/draft/discard", mod},
		"POST /draft/rebase":         {"/draft/rebase", mod},
		"GET /draft/edit":            {"/draft/edit?kind=general", mod},
		"POST /draft/edit":           {"/draft/edit", mod},
		"POST /draft/remove":         {"/draft/remove", mod},
		"POST /draft/close":          {"/draft/close", mod},
		"GET /draft/publish":         {"/draft/publish", admin},
		"POST /draft/publish":        {"/draft/publish", admin},
		"GET /versions":              {"/versions", everyone},
		"GET /versions/{n}":          {"/versions/1", everyone},
		"GET /obligations":           {"/obligations", everyone},
		"GET /obligations/answer":    {"/obligations/answer?proposal=x&tier=answer", mod},
		"POST /obligations/answer":   {"/obligations/answer", mod},
		"POST /obligations/publish":  {"/obligations/publish", admin},
	}
	s := newSite(t)
	served := map[string]bool{}
	for _, rt := range s.dash.routes(nil) {
		served[rt.pattern] = true
		if _, ok := matrix[rt.pattern]; !ok {
			t.Errorf("route %q is not in the role matrix: add it with the roles that may use it", rt.pattern)
		}
	}
	for pattern := range matrix {
		if !served[pattern] {
			t.Errorf("the matrix lists %q, which the dashboard does not serve", pattern)
		}
	}
	forbidden := es.T("error.forbidden")
	for pattern, m := range matrix {
		method, _, _ := strings.Cut(pattern, " ")
		if !strings.Contains(pattern, " ") {
			method = http.MethodGet
		}
		for _, role := range central.Roles {
			b, csrf := s.signedIn(t, "op-"+string(role), role)
			var p page
			if method == http.MethodPost {
				p = b.post(m.path, url.Values{"csrf": {csrf}})
			} else {
				p = b.get(m.path)
			}
			allowed := m.roles == nil || slices.Contains(m.roles, role)
			denied := p.status == http.StatusForbidden && strings.Contains(p.body, forbidden)
			if allowed == denied {
				t.Errorf("%s as %s: status %d, allowed %v", pattern, role, p.status, allowed)
			}
		}
		if m.roles == nil {
			continue
		}
		// Signed out, a protected page sends to the sign-in form and a
		// protected action is refused.
		out := s.browser(t)
		if method == http.MethodPost {
			if p := out.post(m.path, url.Values{}); p.status != http.StatusForbidden {
				t.Errorf("%s signed out: %d, want 403", pattern, p.status)
			}
		} else if p := out.get(m.path); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
			t.Errorf("%s signed out: %d %s, want a redirect to /login", pattern, p.status, p.header.Get("Location"))
		}
	}
}

// TestNavOffersOnlyWhatTheRoleMay: a viewer sees no revoke buttons and no
// audit link; an admin sees both.
func TestNavOffersOnlyWhatTheRoleMay(t *testing.T) {
	s := newSite(t)
	s.central.NewDevice(t, record.ModeKiosk)
	viewer, _ := s.signedIn(t, "vera", central.RoleViewer)
	admin, _ := s.signedIn(t, "adan", central.RoleAdmin)
	vp, ap := viewer.get("/fleet"), admin.get("/fleet")
	if strings.Contains(vp.body, "/fleet/revoke") || strings.Contains(vp.body, `href="/audit"`) {
		t.Error("a viewer's fleet page offers revoke or the audit log")
	}
	if !strings.Contains(ap.body, "/fleet/revoke") || !strings.Contains(ap.body, `href="/audit"`) {
		t.Error("an admin's fleet page lacks revoke or the audit log")
	}
}

// TestSessionsEndWithTheAccount: a password change, a disable and a removal
// each end the operator's open session at once; a role change applies to
// the next request of the same session.
func TestSessionsEndWithTheAccount(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	ops := central.OperatorAdmin{Store: s.central.Store, Audit: s.dash.cfg.Audit, Actor: "test"}
	changes := map[string]func(name string) error{
		"password": func(name string) error { return ops.SetPassword(ctx, name, "new-hash") },
		"disable":  func(name string) error { return ops.Disable(ctx, name, time.Now()) },
		"remove":   func(name string) error { return ops.Remove(ctx, name) },
	}
	for what, change := range changes {
		t.Run(what, func(t *testing.T) {
			name := "op-" + what
			b, _ := s.signedIn(t, name, central.RoleViewer)
			if p := b.get("/"); p.status != http.StatusOK {
				t.Fatalf("before: %d", p.status)
			}
			if err := change(name); err != nil {
				t.Fatal(err)
			}
			if p := b.get("/"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
				t.Errorf("after the %s change: %d %s, want the session gone", what, p.status, p.header.Get("Location"))
			}
		})
	}
	b, _ := s.signedIn(t, "rita", central.RoleViewer)
	if p := b.get("/audit"); p.status != http.StatusForbidden {
		t.Fatalf("viewer on /audit: %d", p.status)
	}
	if err := ops.SetRole(ctx, "rita", central.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if p := b.get("/audit"); p.status != http.StatusOK {
		t.Errorf("after becoming admin, same session: %d, want 200", p.status)
	}
}

// TestSignInsAndRevocationsAreAudited: a failed and a successful sign-in
// (with the address) and a revocation each leave an entry, and the audit
// page lists them newest first with the chain intact, in both languages.
func TestSignInsAndRevocationsAreAudited(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	b := s.browser(t)
	if p := b.login(testOperator, "wrong"); p.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", p.status)
	}
	if p := b.login("hunter2-typed-as-a-name", "x"); p.status != http.StatusUnauthorized {
		t.Fatalf("unknown name: %d", p.status)
	}
	b.mustLogin()
	confirm := b.get("/fleet/revoke?device=" + url.QueryEscape(d.ID))
	if p := b.post("/fleet/revoke", url.Values{"csrf": {b.csrf(confirm)}, "device": {d.ID}}); p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.status)
	}
	entries, err := s.central.Store.AuditPage(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Actor+" "+e.Action+" "+details(e.Details))
	}
	want := []string{
		testOperator + " revoke device=" + d.ID,
		testOperator + " sign-in address=127.0.0.1 · role=admin",
		"(unknown name) sign-in-failed address=127.0.0.1",
		testOperator + " sign-in-failed address=127.0.0.1",
	}
	if !slices.Equal(got[:min(len(got), len(want))], want) {
		t.Errorf("audit entries, newest first:\n%s\nwant at least:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p := b.get("/audit")
	if p.status != http.StatusOK || !strings.Contains(p.body, "Cadena íntegra") || !strings.Contains(p.body, "revocación de dispositivo") {
		t.Errorf("audit page (es): %d\n%s", p.status, p.body)
	}
	if strings.Index(p.body, "revocación de dispositivo") > strings.Index(p.body, "inicio de sesión fallido") {
		t.Error("audit page is not newest first")
	}
	b.get("/lang?to=en")
	if p := b.get("/audit"); !strings.Contains(p.body, "Chain intact") || !strings.Contains(p.body, "device revoked") {
		t.Errorf("audit page (en):\n%s", p.body)
	}
}

// TestAuditPageShowsABrokenChain: a checkpoint the server key did not sign
// turns the page's status into the alarm.
func TestAuditPageShowsABrokenChain(t *testing.T) {
	s := newSite(t)
	forger := &central.AuditLog{Store: s.central.Store, Key: ed25519.NewKeyFromSeed(make([]byte, 32)), Every: 1}
	if err := forger.Audit(context.Background(), "mallory", central.AuditExport, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := s.signedIn(t, "adan", central.RoleAdmin)
	p := b.get("/audit")
	if !strings.Contains(p.body, "La bitácora fue alterada") || !strings.Contains(p.body, "not signed by this server") {
		t.Errorf("audit page with a forged checkpoint:\n%s", p.body)
	}
}

// TestArcoDesk: a data officer finds a person's signature by voter id,
// downloads the access report and cancels it, which the tallies show; a
// cancellation without the confirmation is refused. Each step is audited.
func TestArcoDesk(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeKiosk)
	const voter = "GMVLMR80070501M100"
	sig := d.Signature(t, d.Campaign.Proposals[0].ID, voter)
	other := d.Signature(t, d.Campaign.Proposals[0].ID, "")
	d.Upload(t, [][]byte{sig.Marshal(), other.Marshal()})
	b, csrf := s.signedIn(t, "rosa", central.RoleDataOfficer)
	if p := b.get("/arco"); p.status != http.StatusOK || !strings.Contains(p.body, `action="/arco"`) {
		t.Fatalf("arco form: %d", p.status)
	}
	form := url.Values{"csrf": {csrf}, "by": {"voter"}, "q": {strings.ToLower(voter)}}
	p := b.post("/arco", form)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Registros encontrados: 1") || !strings.Contains(p.body, record.ReceiptCode(sig.ID)) {
		t.Fatalf("arco search: %d\n%s", p.status, p.body)
	}
	if !strings.Contains(p.body, `name="q" value="`+strings.ToLower(voter)+`"`) {
		t.Error("the search form does not keep the query for the report and cancel forms")
	}
	rep := b.post("/arco/report", form)
	if rep.status != http.StatusOK || rep.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rep.body, "%PDF") {
		t.Errorf("access report: %d %s", rep.status, rep.header.Get("Content-Type"))
	}
	if p := b.post("/arco/cancel", form); p.status != http.StatusBadRequest {
		t.Errorf("cancel without confirmation: %d, want 400", p.status)
	}
	form.Set("confirm", "yes")
	if p := b.post("/arco/cancel", form); p.status != http.StatusOK || !strings.Contains(p.body, "Se cancelaron 1 registros") {
		t.Errorf("cancel: %d\n%s", p.status, p.body)
	}
	tal, err := s.central.Store.Tallies(context.Background(), time.Now(), time.UTC)
	if err != nil || tal.Records != 1 {
		t.Errorf("tallies after cancel: %+v %v, want 1 record", tal, err)
	}
	entries, _ := s.central.Store.AuditPage(context.Background(), 0, 10)
	var actions []string
	for _, e := range entries {
		if e.Actor == "rosa" {
			actions = append(actions, e.Action)
		}
	}
	if strings.Join(actions, " ") != "arco-cancel arco-search arco-access arco-search arco-search" {
		t.Errorf("audited ARCO actions, newest first: %v", actions)
	}
}

// TestArcoRequests: a data officer records an opposition request, sees its
// deadline (20 business days), answers it once, and a bad date is refused.
func TestArcoRequests(t *testing.T) {
	s := newSite(t)
	b, csrf := s.signedIn(t, "rosa", central.RoleDataOfficer)
	if p := b.post("/arco/requests", url.Values{"csrf": {csrf}, "kind": {"opposition"}, "folio": {"UT-9"}, "received": {"10/03/2026"}}); p.status != http.StatusBadRequest {
		t.Errorf("a bad date: %d, want 400", p.status)
	}
	p := b.post("/arco/requests", url.Values{"csrf": {csrf}, "kind": {"opposition"}, "folio": {"UT-9"}, "received": {"2026-03-10"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Solicitud UT-9 registrada; responder a más tardar el 2026-04-07") {
		t.Fatalf("record: %d\n%s", p.status, p.body)
	}
	list, err := s.central.Store.ARCORequests(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("requests %+v %v", list, err)
	}
	id := strconv.FormatInt(list[0].ID, 10)
	if p := b.post("/arco/requests/answer", url.Values{"csrf": {csrf}, "id": {id}, "answer": {"  "}}); p.status != http.StatusBadRequest {
		t.Errorf("an empty answer: %d, want 400", p.status)
	}
	if p := b.post("/arco/requests/answer", url.Values{"csrf": {csrf}, "id": {id}, "answer": {"Se dejó de usar su contacto."}}); p.status != http.StatusOK || !strings.Contains(p.body, "Se dejó de usar su contacto.") {
		t.Errorf("answer: %d\n%s", p.status, p.body)
	}
	if p := b.post("/arco/requests/answer", url.Values{"csrf": {csrf}, "id": {id}, "answer": {"otra"}}); p.status != http.StatusBadRequest {
		t.Errorf("answering twice: %d, want 400", p.status)
	}
}
