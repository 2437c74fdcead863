package dashboard

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/voces-cdmx/voces/internal/record"
)

func TestReceiptCheck(t *testing.T) {
	s := newSite(t)
	c := campaignOf(t, s)
	d := s.central.NewDevice(t, record.ModeKiosk)
	draft := d.Draft(record.KindSignature)
	draft.SubjectID = c.Proposals[1].ID
	signer := *draft.Body.Signer
	sig := d.Seal(t, draft)
	d.Upload(t, [][]byte{sig.Marshal()})
	code := record.ReceiptCode(sig.ID)
	unsent := d.Record(t, record.KindSurvey) // made, never uploaded

	tests := []struct {
		name   string
		code   string
		lang   string
		expect []string
	}{
		{"a synced code is found", code, "es", []string{"Recibido", c.Proposals[1].Title.Get("es")}},
		{"in English", code, "en", []string{"Received", c.Proposals[1].Title.Get("en")}},
		{"typed lower case without the dash", strings.ToLower(strings.ReplaceAll(code, "-", "")), "es", []string{"Recibido"}},
		{"an unsent code is not received yet", record.ReceiptCode(unsent.ID), "es", []string{"Todavía no ha llegado", "no tengan internet"}},
		{"not a code at all", "hola", "es", []string{"no tiene la forma de un código de recibo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser(t) // no sign-in: the page is public
			b.get("/lang?to=" + tt.lang + "&back=/receipt")
			form := b.get("/receipt")
			if form.status != http.StatusOK {
				t.Fatalf("GET /receipt = %d", form.status)
			}
			p := b.post("/receipt", url.Values{"csrf": {b.csrf(form)}, "code": {tt.code}})
			if p.status != http.StatusOK {
				t.Fatalf("POST /receipt = %d\n%s", p.status, p.body)
			}
			for _, want := range tt.expect {
				if !strings.Contains(p.body, want) {
					t.Errorf("answer lacks %q:\n%s", want, p.body)
				}
			}
			for _, personal := range []string{signer.Name, signer.VoterID} {
				if strings.Contains(p.body, personal) {
					t.Errorf("answer shows personal data %q", personal)
				}
			}
		})
	}
	if strings.Contains(s.logs.String(), code) {
		t.Error("the receipt code was logged")
	}
}

func TestReceiptLinkFillsInTheCode(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	// The kiosk's QR code: the code in the query, lower case is fine.
	form := b.get("/receipt?code=7k3qp-x9m2d")
	if form.status != http.StatusOK || !strings.Contains(form.body, `value="7K3QP-X9M2D"`) {
		t.Fatalf("GET /receipt?code= = %d, the field does not hold the code:\n%s", form.status, form.body)
	}
	if junk := b.get("/receipt?code=%3Cscript%3E"); strings.Contains(junk.body, "<script>") || strings.Contains(junk.body, `value="&lt;script`) {
		t.Fatal("a malformed code in the link reaches the page")
	}
}

func TestReceiptCheckIsRateLimited(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	form := b.get("/receipt")
	token := b.csrf(form)
	for i := range ReceiptAttempts {
		if p := b.post("/receipt", url.Values{"csrf": {token}, "code": {"00000-00000"}}); p.status != http.StatusOK {
			t.Fatalf("check %d = %d", i+1, p.status)
		}
	}
	p := b.post("/receipt", url.Values{"csrf": {token}, "code": {"00000-00000"}})
	if p.status != http.StatusTooManyRequests || !strings.Contains(p.body, "Demasiadas consultas") {
		t.Errorf("check after the limit = %d\n%s", p.status, p.body)
	}
}

// TestNoPersonalDataOnAnyPage fills central with records whose personal
// fields are known and looks for each on every page.
func TestNoPersonalDataOnAnyPage(t *testing.T) {
	s := newSite(t)
	d := s.central.NewDevice(t, record.ModeCanvasser)
	var personal []string
	var records [][]byte
	for _, k := range record.Kinds {
		for range 3 {
			draft := d.Draft(k)
			if sg := draft.Body.Signer; sg != nil {
				personal = append(personal, sg.Name, sg.VoterID)
			}
			if rg := draft.Body.Registrant; rg != nil {
				personal = append(personal, rg.Name, rg.Contact)
			}
			if cm := draft.Body.Comment; cm != nil {
				personal = append(personal, cm.Text)
			}
			records = append(records, d.Seal(t, draft).Marshal())
		}
	}
	d.Upload(t, records)
	aggregate(t, s)
	b := s.browser(t)
	b.mustLogin()
	for _, lang := range []string{"es", "en"} {
		b.get("/lang?to=" + lang)
		for _, path := range []string{"/", "/proposals", "/survey", "/participation", "/fleet", "/fleet/revoke?device=" + d.ID, "/receipt"} {
			p := b.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("GET %s = %d", path, p.status)
			}
			for _, v := range personal {
				if v != "" && strings.Contains(p.body, v) {
					t.Errorf("GET %s (%s) shows personal data %q", path, lang, v)
				}
			}
		}
	}
	for _, v := range personal {
		if v != "" && strings.Contains(s.logs.String(), v) {
			t.Errorf("log holds personal data %q", v)
		}
	}
}
