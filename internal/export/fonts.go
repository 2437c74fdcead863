package export

import (
	_ "embed"

	"github.com/go-pdf/fpdf"
)

// The sheets' fonts are the kiosk's (Noto Sans, DejaVu Sans Mono), cut to
// the Latin script (fonts/README.md says how and why). They are embedded
// in every PDF, so a sheet prints and reads the same on any machine and
// years later; the base-14 fonts fpdf has built in are not embedded and
// know only cp1252, which turned "Łukasz" into "?ukasz".
var (
	//go:embed fonts/NotoSans-Regular-Latin.ttf
	notoSansRegular []byte
	//go:embed fonts/NotoSans-Bold-Latin.ttf
	notoSansBold []byte
	//go:embed fonts/NotoSans-Italic-Latin.ttf
	notoSansItalic []byte
	//go:embed fonts/DejaVuSansMono-Latin.ttf
	dejaVuSansMono []byte
)

// Font families the sheets use.
const (
	fontSans = "NotoSans"
	fontMono = "DejaVuSansMono"
)

// addFonts registers the embedded fonts with pdf.
func addFonts(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(fontSans, "", notoSansRegular)
	pdf.AddUTF8FontFromBytes(fontSans, "B", notoSansBold)
	pdf.AddUTF8FontFromBytes(fontSans, "I", notoSansItalic)
	pdf.AddUTF8FontFromBytes(fontMono, "", dejaVuSansMono)
}
