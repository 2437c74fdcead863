package dashboard

import (
	"crypto/ed25519"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/voces-cdmx/voces/internal/central"
)

// auditPage is how many entries the audit page shows at once.
const auditPage = 50

type auditView struct {
	OK          bool
	Entries     string // how many entries the chain holds
	Checkpoints string
	Last        int64    // newest signed checkpoint
	Problems    []string // what verification found, in English (the verifier's words)
	Rows        []auditRow
	Older       string // link to the next page, "" on the last
}

type auditRow struct {
	Seq               int64
	At, Actor, Action string
	Details, Hash     string
}

// handleAudit lists the audit log newest first, with what verification of
// the whole chain and its signed checkpoints found.
func (h *Handler) handleAudit(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if before < 0 {
		before = 0
	}
	report, err := central.VerifyAudit(r.Context(), h.cfg.Store, h.cfg.Audit.Key.Public().(ed25519.PublicKey))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	entries, err := h.cfg.Store.AuditPage(r.Context(), before, auditPage)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	l := langOf(r)
	v := auditView{OK: report.OK(), Entries: l.N(report.Entries), Checkpoints: l.N(int64(report.Checkpoints)), Last: report.LastCheckpoint, Problems: report.Problems}
	for _, e := range entries {
		v.Rows = append(v.Rows, auditRow{Seq: e.Seq, At: h.local(e.At), Actor: e.Actor, Action: actionName(l, e.Action),
			Details: details(e.Details), Hash: hex.EncodeToString(e.Hash)[:16]})
	}
	if len(entries) == auditPage && entries[len(entries)-1].Seq > 1 {
		v.Older = "/audit?before=" + strconv.FormatInt(entries[len(entries)-1].Seq, 10)
	}
	h.render(w, r, http.StatusOK, "audit", "audit.title", v)
}

// details shows an entry's details as key=value pairs in key order.
func details(d map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(d)) {
		parts = append(parts, k+"="+d[k])
	}
	return strings.Join(parts, " · ")
}

// actionName is an action in l, or as recorded when the catalogue does not
// know it (an action a newer version added).
func actionName(l lang, action string) string {
	if _, ok := catalogue["audit.action."+action]; ok {
		return l.T("audit.action." + action)
	}
	return action
}
