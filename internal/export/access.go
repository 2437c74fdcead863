package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/record"
)

// kindNames are the record kinds as the person reads them.
var kindNames = map[string]string{
	string(record.KindSignature): "Firma de apoyo a una propuesta",
	string(record.KindEvent):     "Registro a una asamblea ciudadana",
	string(record.KindComment):   "Comentario a un artículo",
	string(record.KindSurvey):    "Respuesta a la encuesta",
}

// AccessReport writes the ARCO access report for one person's records: for
// each record what central holds (the data itself when key opens it), and
// when and where it was collected (device, alcaldía, channel, date). It is
// in Spanish, for the person who asked. devices names devices by id.
func AccessReport(w io.Writer, recs []central.StoredRecord, key *Key, devices map[string]string, opt Options) error {
	loc, err := opt.location()
	if err != nil {
		return err
	}
	now := opt.now().In(loc)
	p := fpdf.New("P", "mm", "A4", "")
	addFonts(p)
	p.SetMargins(pageMargin, pageMargin, pageMargin)
	p.SetAutoPageBreak(true, footMargin)
	p.SetTitle("Informe de acceso a datos personales", true)
	p.SetCreator("Voces central", true)
	p.SetLang("es-MX")
	p.SetCreationDate(now)
	p.SetModificationDate(now)
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-footMargin + 4)
		p.SetFont(fontSans, "", 7.5)
		p.CellFormat(0, 4, "Generado el "+now.Format("2006-01-02 15:04 MST")+" con Voces · Página "+strconv.Itoa(p.PageNo())+" de {nb}", "", 0, "C", false, 0, "")
	})
	p.AddPage()
	p.SetFont(fontSans, "B", 16)
	p.MultiCell(0, 8, "Informe de acceso a datos personales", "", "L", false)
	p.SetFont(fontSans, "", 10)
	p.MultiCell(0, 5, fmt.Sprintf("Derecho de acceso (ARCO) conforme a la Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados. "+
		"Este informe enumera los %d registros que el sistema Voces conserva de la persona solicitante: qué datos contiene cada uno y cuándo, dónde y por qué medio se recabó.", len(recs)), "", "L", false)
	p.Ln(3)
	for i, sr := range recs {
		accessRecord(p, i+1, sr, key, devices, opt)
	}
	if len(recs) == 0 {
		p.MultiCell(0, 6, "No se encontró ningún registro de esta persona.", "", "L", false)
	}
	return p.Output(w)
}

// accessRecord writes one record's block.
func accessRecord(p *fpdf.Fpdf, n int, sr central.StoredRecord, key *Key, devices map[string]string, opt Options) {
	loc, _ := opt.location() // checked by AccessReport
	p.SetFont(fontSans, "B", 11)
	p.MultiCell(0, 6, fmt.Sprintf("%d. %s", n, kindNames[sr.Kind]), "", "L", false)
	device := sr.DeviceID
	if name := devices[sr.DeviceID]; name != "" {
		device = name + " (" + sr.DeviceID + ")"
	}
	rows := [][2]string{
		{"Asunto", subjectTitle(opt.newestFirst(), sr.Kind, sr.SubjectID)},
		{"Recabado el", sr.DeviceTime.In(loc).Format("2006-01-02 15:04")},
		{"Recibido el", sr.ReceivedAt.In(loc).Format("2006-01-02 15:04")},
		{"Alcaldía", alcaldiaName(sr.Alcaldia)},
		{"Dispositivo", device},
		{"Medio", map[string]string{"kiosk": "quiosco", "canvasser": "brigadista", "bundle": "memoria USB"}[sr.Channel]},
		{"Código de recibo", sr.Receipt},
	}
	rows = append(rows, heldData(sr, key)...)
	for _, r := range rows {
		p.SetFont(fontSans, "B", 9)
		p.CellFormat(40, 5, r[0], "", 0, "L", false, 0, "")
		p.SetFont(fontSans, "", 9)
		p.MultiCell(0, 5, r[1], "", "L", false)
	}
	p.Ln(3)
}

// heldData is what the record's sealed body holds, when key opens it.
func heldData(sr central.StoredRecord, key *Key) [][2]string {
	if key == nil {
		return [][2]string{{"Datos", "sellados; este informe se generó sin la llave de la campaña"}}
	}
	o, err := open(sr, key)
	if err != nil {
		return [][2]string{{"Datos", "no se pudieron abrir: " + err.Error()}}
	}
	b := o.Body
	var rows [][2]string
	switch {
	case b.Signer != nil:
		rows = append(rows, [2]string{"Nombre", b.Signer.Name}, [2]string{"Identificación", idTypeName(b.Signer.IDType) + " " + b.Signer.VoterID},
			[2]string{"Alcaldía declarada", alcaldiaName(b.Signer.Alcaldia)}, [2]string{"Aviso de privacidad", "versión " + b.Signer.ConsentVersion})
		switch {
		case b.Signer.Witnessed:
			rows = append(rows, [2]string{"Firma", "marca con testigo, sin firma autógrafa (testigo: " + b.Canvasser + ")"})
		case len(b.Strokes) > 0:
			rows = append(rows, [2]string{"Firma autógrafa", "trazo digital guardado (" + strconv.Itoa(len(b.Strokes)) + " bytes)"})
		}
	case b.Registrant != nil:
		rows = append(rows, [2]string{"Nombre", b.Registrant.Name}, [2]string{"Contacto", b.Registrant.Contact},
			[2]string{"Aviso de privacidad", "versión " + b.Registrant.ConsentVersion})
	case b.Comment != nil:
		rows = append(rows, [2]string{"Comentario", strings.TrimSpace(b.Comment.Text)})
	}
	if b.Canvasser != "" {
		rows = append(rows, [2]string{"Recabado por", b.Canvasser})
	}
	return rows
}
