package ui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	qrcode "github.com/skip2/go-qrcode"
)

// qrSize is the side of the receipt's QR code on screen: a phone held at
// arm's length reads it without zooming in.
const qrSize = 200

// receiptURL is the public receipt page of central, at the URL the
// device was enrolled with, with the code filled in. The code is all it
// carries: it is a hash of the record id and says nothing of the person.
// ok is false when the device has no usable URL.
func receiptURL(base, code string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/receipt"
	u.RawQuery = url.Values{"code": {code}}.Encode()
	u.Fragment, u.User = "", nil
	return u.String(), true
}

// receiptQR draws the QR code of the receipt page for code, dark on white
// in every theme (what phone cameras expect), or returns nil when the
// device has no public URL or the code cannot be drawn: then no QR shows,
// rather than a broken image.
func (k *Kiosk) receiptQR(code string) (fyne.CanvasObject, string) {
	if k.ident == nil || code == "" {
		return nil, ""
	}
	link, ok := receiptURL(k.ident.ServerURL, code)
	if !ok {
		return nil, ""
	}
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		k.log.Warn("receipt qr code", "err", err)
		return nil, ""
	}
	img := canvas.NewImageFromImage(q.Image(qrSize * 2))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(qrSize, qrSize))
	return img, link
}
