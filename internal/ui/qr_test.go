package ui

import (
	"image"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/record"
)

// decodeQR reads the one QR code in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code found: %v", err)
	}
	return res.GetText()
}

// saveComment goes through the comment flow and ends on the receipt.
func saveComment(r *rig) *record.Record {
	r.t.Helper()
	r.k.sess.comment.article = r.k.camp.Articles[0].ID
	r.k.sess.comment.text = "Que haya plazos claros."
	f := r.k.commenting()
	if err := r.k.save(f); err != nil {
		r.t.Fatal(err)
	}
	r.expect(kindSaved)
	return r.records()[0]
}

func TestReceiptQRCodeOpensTheReceiptPage(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	rec := saveComment(r)
	s := screenAs[*savedScreen](r)
	if s.qr == nil {
		t.Fatal("the saved screen shows no QR code")
	}
	code := record.ReceiptCode(rec.ID)
	want := r.k.ident.ServerURL + "/receipt?code=" + code
	// Decoded from what the screen shows, as a phone's camera would.
	shot := r.k.win.Canvas().Capture()
	got := decodeQR(t, shot)
	if got != want {
		t.Fatalf("the QR code says %q, want %q", got, want)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); len(q) != 1 || q.Get("code") != code {
		t.Fatalf("the link carries %v, want the receipt code alone", q)
	}
	if s.code.Text != code {
		t.Fatalf("the code beside the QR code is %q, want %q", s.code.Text, code)
	}
	// zbarimg, the command-line reader, agrees when it is installed.
	if zbar, err := exec.LookPath("zbarimg"); err == nil {
		path := filepath.Join(t.TempDir(), "saved.png")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, shot); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out, err := exec.Command(zbar, "--quiet", "--raw", path).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		if strings.TrimSpace(string(out)) != want {
			t.Fatalf("zbarimg read %q, want %q", out, want)
		}
	}
}

func TestNoPublicURLNoQRCode(t *testing.T) {
	r := newRig(t, Config{})
	r.begin(i18n.Spanish)
	saveComment(r)
	for _, base := range []string{"", "not a url", "ftp://example.org"} {
		r.k.ident.ServerURL = base
		r.k.show(&savedScreen{k: r.k, rec: record.KindComment})
		if s := screenAs[*savedScreen](r); s.qr != nil {
			t.Fatalf("with %q, a QR code for %q", base, s.link)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(r.k.win.Canvas().Capture())
		if err != nil {
			t.Fatal(err)
		}
		if res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil); err == nil {
			t.Fatalf("with %q, the screen shows a QR code for %q", base, res.GetText())
		}
		if !strings.Contains(textsOnScreen(r), r.k.sess.receipt) {
			t.Fatalf("with %q, the code itself is not shown", base)
		}
	}
}

// textsOnScreen is every text on the canvas, joined.
func textsOnScreen(r *rig) string {
	var b strings.Builder
	for text := range textsOn(r.k.win.Canvas()) {
		b.WriteString(text + "\n")
	}
	return b.String()
}

func TestReceiptURL(t *testing.T) {
	for _, tc := range []struct{ base, want string }{
		{"https://consulta.example.org", "https://consulta.example.org/receipt?code=7K3QP-X9M2D"},
		{"https://consulta.example.org/", "https://consulta.example.org/receipt?code=7K3QP-X9M2D"},
		{"https://example.org/voces?x=1#frag", "https://example.org/voces/receipt?code=7K3QP-X9M2D"},
		{"https://user:pw@example.org", "https://example.org/receipt?code=7K3QP-X9M2D"},
	} {
		if got, ok := receiptURL(tc.base, "7K3QP-X9M2D"); !ok || got != tc.want {
			t.Errorf("receiptURL(%q) = %q, %v; want %q", tc.base, got, ok, tc.want)
		}
	}
}
