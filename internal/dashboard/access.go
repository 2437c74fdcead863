package dashboard

import (
	"net/http"

	"github.com/voces-cdmx/voces/internal/central"
)

// public marks a route anyone may use, signed in or not.
const public central.Permission = ""

// route is one pattern the dashboard serves and the permission it needs.
type route struct {
	pattern string
	perm    central.Permission
	handler http.Handler
}

// routes is every page and action with the permission it needs: the one
// place the dashboard decides who may use what (central.Role.Can decides
// which roles have a permission). A new page is one line here and one in
// the role × route matrix test, which fails for a route it does not list.
func (h *Handler) routes(static http.Handler) []route {
	f := func(fn http.HandlerFunc) http.Handler { return fn }
	return []route{
		{"GET /static/", public, static},
		{"GET /lang", public, f(h.handleLang)},
		{"GET /login", public, f(h.handleLoginForm)},
		{"POST /login", public, f(h.handleLogin)},
		{"GET /receipt", public, f(h.handleReceiptForm)},
		{"POST /receipt", public, f(h.handleReceipt)},
		{"POST /logout", central.PermSession, f(h.handleLogout)},
		{"GET /{$}", central.PermViewCounts, f(h.handleOverview)},
		{"GET /proposals", central.PermViewCounts, f(h.handleProposals)},
		{"GET /survey", central.PermViewCounts, f(h.handleSurvey)},
		{"GET /participation", central.PermViewCounts, f(h.handleParticipation)},
		{"GET /fleet", central.PermViewCounts, f(h.handleFleet)},
		{"GET /fleet/revoke", central.PermDevices, f(h.handleRevokeConfirm)},
		{"POST /fleet/revoke", central.PermDevices, f(h.handleRevoke)},
		{"GET /audit", central.PermAudit, f(h.handleAudit)},
		{"GET /arco", central.PermPersonalData, f(h.handleArcoForm)},
		{"POST /arco", central.PermPersonalData, f(h.handleArcoFind)},
		{"POST /arco/report", central.PermPersonalData, f(h.handleArcoReport)},
		{"POST /arco/cancel", central.PermPersonalData, f(h.handleArcoCancel)},
		{"POST /arco/requests", central.PermPersonalData, f(h.handleArcoRequest)},
		{"POST /arco/requests/answer", central.PermPersonalData, f(h.handleArcoAnswer)},
		// The roll check (issue 17): counts for everyone, the review desk
		// for whoever may see personal data.
		{"GET /roll", central.PermViewCounts, f(h.handleRollCounts)},
		{"GET /review", central.PermPersonalData, f(h.handleReview)},
		{"POST /review/decide", central.PermPersonalData, f(h.handleReviewDecide)},
		{"POST /review/lookup", central.PermPersonalData, f(h.handleReviewLookup)},
		// The moderation desk (issue 16).
		{"GET /moderation", central.PermModerate, f(h.handleModeration)},
		{"GET /moderation/item", central.PermModerate, f(h.handleModerationItem)},
		{"POST /moderation/publish", central.PermModerate, f(h.handleModerationPublish)},
		{"POST /moderation/merge", central.PermModerate, f(h.handleModerationMerge)},
		{"POST /moderation/decline", central.PermModerate, f(h.handleModerationDecline)},
		{"POST /moderation/bulk", central.PermModerate, f(h.handleModerationBulk)},
		// Campaign authoring, versions and the Drafting Group's
		// responses (issue 15, authoring*.go, versions.go,
		// obligations.go): moderators write, admins publish.
		{"GET /draft", central.PermAuthor, f(h.handleDraft)},
		{"POST /draft/start", central.PermAuthor, f(h.handleDraftStart)},
		{"POST /draft/discard", central.PermAuthor, f(h.handleDraftDiscard)},
		{"POST /draft/rebase", central.PermAuthor, f(h.handleDraftRebase)},
		{"GET /draft/edit", central.PermAuthor, f(h.handleDraftEdit)},
		{"POST /draft/edit", central.PermAuthor, f(h.handleDraftSave)},
		{"POST /draft/remove", central.PermAuthor, f(h.handleDraftRemove)},
		{"POST /draft/close", central.PermAuthor, f(h.handleDraftClose)},
		{"GET /draft/publish", central.PermPublish, f(h.handlePublishConfirm)},
		{"POST /draft/publish", central.PermPublish, f(h.handlePublish)},
		{"GET /versions", central.PermViewCounts, f(h.handleVersions)},
		{"GET /versions/{n}", central.PermViewCounts, f(h.handleVersion)},
		{"GET /obligations", central.PermViewCounts, f(h.handleObligations)},
		{"GET /obligations/answer", central.PermAuthor, f(h.handleAnswerForm)},
		{"POST /obligations/answer", central.PermAuthor, f(h.handleAnswer)},
		{"POST /obligations/publish", central.PermPublish, f(h.handlePublishAnswers)},
		{"/", public, f(h.handleNotFound)},
	}
}

// guard wraps a route's handler in its access check: public routes pass,
// every other one needs a session whose operator's role (as it is now,
// read with the session on every request) has the route's permission.
func (h *Handler) guard(rt route) http.Handler {
	if rt.perm == public {
		return rt.handler
	}
	return h.withSession(func(w http.ResponseWriter, r *http.Request) {
		s := sessionOf(r)
		if !s.Role.Can(rt.perm) {
			h.log.Warn("operator refused a page their role does not allow", "operator", s.Operator, "role", s.Role, "path", r.URL.Path)
			h.renderError(w, r, http.StatusForbidden, "error.forbidden")
			return
		}
		rt.handler.ServeHTTP(w, r)
	})
}
