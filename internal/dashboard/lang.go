package dashboard

import (
	"net/http"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// lang is a language the dashboard speaks; templates call its methods.
type lang string

const (
	es lang = "es"
	en lang = "en"
)

func parseLang(s string) lang {
	if s == string(en) {
		return en
	}
	return es
}

// langOf is the language the operator chose, Spanish until they choose.
func langOf(r *http.Request) lang {
	if c, err := r.Cookie(langCookie); err == nil {
		return parseLang(c.Value)
	}
	return es
}

// Other is the language the switch link offers.
func (l lang) Other() lang {
	if l == en {
		return es
	}
	return en
}

// Name is the language's name in itself, for the switch link.
func (l lang) Name() string {
	if l == en {
		return "English"
	}
	return "Español"
}

var printers = map[lang]*message.Printer{
	es: message.NewPrinter(language.MustParse("es-MX")),
	en: message.NewPrinter(language.AmericanEnglish),
}

// T returns message id in l, formatted with args. An unknown id shows as
// itself so a gap is visible in tests and screenshots.
func (l lang) T(id string, args ...any) string {
	m, ok := catalogue[id]
	if !ok {
		return id
	}
	s := m.es
	if l == en {
		s = m.en
	}
	if len(args) == 0 {
		return s
	}
	return printers[l].Sprintf(s, args...)
}

// N formats a count with the language's digit grouping (12,345).
func (l lang) N(n int64) string { return printers[l].Sprintf("%d", n) }

// Pct formats a percentage with one decimal.
func (l lang) Pct(p float64) string { return printers[l].Sprintf("%.1f %%", p) }

// Ago says how long ago t was, coarsely.
func (l lang) Ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return l.T("ago.now")
	case d < time.Hour:
		return l.T("ago.minutes", int64(d/time.Minute))
	case d < 48*time.Hour:
		return l.T("ago.hours", int64(d/time.Hour))
	}
	return l.T("ago.days", int64(d/(24*time.Hour)))
}

type msg struct{ es, en string }

// catalogue holds every string the dashboard shows. Spanish addresses the
// operator formally ("usted"): these are staff pages, unlike the kiosk.
var catalogue = map[string]msg{
	"app.name":          {"Voces · central", "Voces · central"},
	"nav.overview":      {"Resumen", "Overview"},
	"nav.proposals":     {"Propuestas", "Proposals"},
	"nav.survey":        {"Encuesta", "Survey"},
	"nav.participation": {"Asambleas y comentarios", "Assemblies and comments"},
	"nav.fleet":         {"Dispositivos", "Devices"},
	"nav.receipt":       {"Consultar código de recibo", "Check a receipt code"},
	"nav.logout":        {"Cerrar sesión", "Sign out"},
	"nav.signedin":      {"Sesión de %s", "Signed in as %s"},
	"nav.skip":          {"Saltar al contenido", "Skip to content"},
	"nav.tools":         {"Idioma y sesión", "Language and session"},
	"nav.pages":         {"Secciones del tablero", "Dashboard sections"},

	"login.title":    {"Iniciar sesión", "Sign in"},
	"login.name":     {"Usuario", "User name"},
	"login.password": {"Contraseña", "Password"},
	"login.submit":   {"Entrar", "Sign in"},
	"login.failed":   {"Usuario o contraseña incorrectos.", "Wrong user name or password."},
	"login.limited":  {"Demasiados intentos. Espere %d segundos y vuelva a intentarlo.", "Too many attempts. Wait %d seconds and try again."},
	"login.busy":     {"El servidor está ocupado comprobando otras contraseñas. Espere %d segundos y vuelva a intentarlo.", "The server is busy checking other passwords. Wait %d seconds and try again."},
	"login.help":     {"Las cuentas se crean en el servidor con «central operators add NOMBRE».", "Accounts are created on the server with “central operators add NAME”."},

	"overview.title":      {"Resumen", "Overview"},
	"overview.today":      {"Registros hoy", "Records today"},
	"overview.total":      {"Registros en total", "Records in total"},
	"overview.lasthour":   {"Registros en la última hora", "Records in the last hour"},
	"overview.online":     {"Dispositivos en línea", "Devices online"},
	"overview.stale":      {"Sin contacto (más de %d min)", "Not seen (over %d min)"},
	"overview.revoked":    {"Revocados", "Revoked"},
	"overview.bykind":     {"Por tipo", "By kind"},
	"overview.bychannel":  {"Por canal", "By channel"},
	"overview.byday":      {"Por día", "By day"},
	"overview.quality":    {"Control", "Checks"},
	"overview.duplicates": {"Duplicados recibidos (ignorados)", "Duplicates received (ignored)"},
	"overview.conflicts":  {"Conflictos guardados para auditoría", "Conflicts kept for audit"},
	"overview.closed":     {"Encuestas aún sin agregar", "Survey responses not yet aggregated"},
	"overview.asof":       {"Datos a las %s", "As of %s"},

	"kind.survey_response":    {"Respuestas a la encuesta", "Survey responses"},
	"kind.signature":          {"Apoyos a propuestas", "Proposal supports"},
	"kind.event_registration": {"Registros a asambleas", "Assembly registrations"},
	"kind.comment":            {"Comentarios a artículos", "Article comments"},

	"channel.kiosk":     {"Quiosco", "Kiosk"},
	"channel.canvasser": {"Promotor", "Canvasser"},
	"channel.bundle":    {"Memoria USB", "USB bundle"},

	"proposals.title":     {"Propuestas", "Proposals"},
	"proposals.intro":     {"El avance cuenta firmantes únicos: la misma persona firmando otra vez no suma.", "Progress counts unique signers: the same person signing again does not add."},
	"proposals.supports":  {"Apoyos", "Supports"},
	"proposals.unique":    {"Firmantes únicos", "Unique signers"},
	"proposals.repeats":   {"Repetidos", "Repeats"},
	"proposals.threshold": {"Meta", "Threshold"},
	"proposals.progress":  {"%s de %s firmantes únicos (%s)", "%s of %s unique signers (%s)"},
	"proposals.reached":   {"Meta alcanzada", "Threshold reached"},
	"proposals.none":      {"No hay propuestas publicadas.", "No proposals are published."},
	"proposals.old":       {"(de una versión anterior de la campaña)", "(from an earlier campaign version)"},

	"survey.title":        {"Resultados de la encuesta", "Survey results"},
	"survey.responses":    {"%s respuestas agregadas", "%s responses aggregated"},
	"survey.answered":     {"%s respuestas", "%s answers"},
	"survey.text":         {"Pregunta abierta: las respuestas escritas se guardan selladas y no se muestran aquí.", "Open question: written answers stay sealed and are not shown here."},
	"survey.noanswers":    {"Aún sin respuestas.", "No answers yet."},
	"survey.closed":       {"%s respuestas recibidas esperan a ser agregadas (el servidor necesita la llave de la campaña).", "%s responses received are waiting to be aggregated (the server needs the campaign key)."},
	"survey.chart":        {"Gráfica de barras: %s. Los mismos datos están en «Ver los datos como tabla», después de la gráfica.", "Bar chart: %s. The same data is under “Show the data as a table”, after the chart."},
	"survey.table.show":   {"Ver los datos como tabla", "Show the data as a table"},
	"survey.table.answer": {"Respuesta", "Answer"},
	"survey.table.count":  {"Respuestas", "Answers"},
	"survey.table.share":  {"% de quienes respondieron", "% of those who answered"},

	"participation.title":    {"Asambleas y comentarios", "Assemblies and comments"},
	"participation.events":   {"Registros por asamblea", "Registrations per assembly"},
	"participation.articles": {"Comentarios por artículo", "Comments per article"},
	"participation.event":    {"Asamblea", "Assembly"},
	"participation.when":     {"Fecha", "Date"},
	"participation.regs":     {"Registros", "Registrations"},
	"participation.article":  {"Artículo", "Article"},
	"participation.comments": {"Comentarios", "Comments"},
	"participation.notext":   {"El texto de los comentarios se guarda sellado; aquí sólo se cuentan.", "Comment text stays sealed; it is only counted here."},
	"participation.number":   {"Art. %s", "Art. %s"},

	"fleet.title":     {"Dispositivos", "Devices"},
	"fleet.intro":     {"Un dispositivo activo sin contacto por más de %d minutos se marca en amarillo.", "An active device not seen for over %d minutes is highlighted in yellow."},
	"fleet.device":    {"Dispositivo", "Device"},
	"fleet.mode":      {"Modo", "Mode"},
	"fleet.state":     {"Estado", "State"},
	"fleet.lastseen":  {"Último contacto", "Last seen"},
	"fleet.records":   {"Recibidos", "Received"},
	"fleet.pending":   {"Pendientes", "Pending"},
	"fleet.oldest":    {"Pendiente más antiguo", "Oldest pending"},
	"fleet.dead":      {"Rechazados", "Dead"},
	"fleet.gaps":      {"Faltantes", "Gaps"},
	"fleet.versions":  {"Versiones", "Versions"},
	"fleet.lasterror": {"Último error", "Last error"},
	"fleet.action":    {"Acción", "Action"},
	"fleet.revoke":    {"Revocar", "Revoke"},
	"fleet.never":     {"nunca", "never"},
	"fleet.unknown":   {"—", "—"},
	"fleet.none":      {"Aún no hay dispositivos inscritos.", "No devices are enrolled yet."},
	"fleet.app":       {"app %s", "app %s"},
	"fleet.campaign":  {"campaña v%d", "campaign v%d"},
	"fleet.revokedat": {"revocado %s", "revoked %s"},
	"state.online":    {"en línea", "online"},
	"state.stale":     {"sin contacto", "not seen"},
	"state.revoked":   {"revocado", "revoked"},
	"mode.kiosk":      {"quiosco", "kiosk"},
	"mode.canvasser":  {"promotor", "canvasser"},

	// Records whose sealed body does not open (fleet page, overview).
	"fleet.quarantined":    {"En cuarentena", "Quarantined"},
	"overview.quarantined": {"En cuarentena (no se abren)", "Quarantined (do not open)"},
	"quarantine.title":     {"Registros en cuarentena", "Quarantined records"},
	"quarantine.intro": {"%s registros firmados por un dispositivo inscrito no se abren con la llave de la campaña (sellados con otra llave, o dañados). Se guardan y cuentan para detectar faltantes y duplicados, pero las exportaciones los omiten. Revise el dispositivo que los envió; un administrador puede borrar su contenido con «central quarantine purge».",
		"%s records signed by an enrolled device do not open with the campaign key (sealed to another key, or damaged). They are kept and counted for gap and duplicate detection, but exports skip them. Check the device that sent them; an administrator can purge their bodies with “central quarantine purge”."},
	"quarantine.record":   {"Registro", "Record"},
	"quarantine.seq":      {"Secuencia", "Sequence"},
	"quarantine.kind":     {"Tipo", "Kind"},
	"quarantine.received": {"Recibido", "Received"},
	"quarantine.reason":   {"Motivo", "Reason"},
	"quarantine.body":     {"Contenido sellado", "Sealed body"},
	"quarantine.kept":     {"guardado", "kept"},
	"quarantine.purged":   {"borrado %s", "purged %s"},
	"quarantine.more":     {"Se muestran los primeros %d; la lista completa: «central quarantine list».", "The first %d are shown; the full list: “central quarantine list”."},

	"revoke.title":   {"Revocar dispositivo", "Revoke device"},
	"revoke.confirm": {"¿Revocar «%s»? Dejará de poder enviar registros de inmediato. Lo que ya envió se conserva. Para volver a usarlo, un técnico debe inscribirlo de nuevo.", "Revoke “%s”? It will be unable to send records at once. What it already sent is kept. To use it again, a technician must enroll it again."},
	"revoke.pending": {"Según su último reporte tiene %s registros pendientes: se perderán si no se exportan a memoria USB antes.", "By its last report it holds %s pending records: they are lost unless exported to a USB stick first."},
	"revoke.yes":     {"Sí, revocar", "Yes, revoke"},
	"revoke.no":      {"Cancelar", "Cancel"},
	"revoke.done":    {"Dispositivo «%s» revocado.", "Device “%s” revoked."},
	"revoke.already": {"Ese dispositivo ya estaba revocado.", "That device was already revoked."},

	"receipt.title":     {"Consulta tu código de recibo", "Check your receipt code"},
	"receipt.intro":     {"Escribe el código que te mostró la pantalla al terminar (por ejemplo 7K3QP-X9M2D) para saber si tu participación ya llegó.", "Type the code the screen showed you when you finished (for example 7K3QP-X9M2D) to find out whether your input has arrived."},
	"receipt.code":      {"Código de recibo", "Receipt code"},
	"receipt.submit":    {"Consultar", "Check"},
	"receipt.found":     {"Recibido", "Received"},
	"receipt.arrived":   {"Llegó el %s.", "It arrived on %s."},
	"receipt.what":      {"Qué:", "What:"},
	"receipt.notyet":    {"Todavía no ha llegado", "Not received yet"},
	"receipt.explain":   {"Los quioscos y tabletas guardan cada participación aunque no tengan internet y la envían cuando vuelven a tener conexión, a veces horas o días después. Si acabas de participar, vuelve a consultar más tarde. Revisa también que el código esté bien escrito.", "Kiosks and tablets keep every entry even without internet and send it when they are connected again, sometimes hours or days later. If you have just taken part, check again later. Also check that the code is typed correctly."},
	"receipt.malformed": {"Ese código no tiene la forma de un código de recibo: son 10 letras y números, como 7K3QP-X9M2D.", "That is not a receipt code: it has 10 letters and digits, like 7K3QP-X9M2D."},
	"receipt.limited":   {"Demasiadas consultas. Espera %d segundos y vuelve a intentarlo.", "Too many checks. Wait %d seconds and try again."},
	"receipt.privacy":   {"Esta página no muestra ni guarda datos personales.", "This page neither shows nor keeps personal data."},
	"receipt.survey":    {"Encuesta: %s", "Survey: %s"},
	"receipt.signature": {"Apoyo a la propuesta: %s", "Support for the proposal: %s"},
	"receipt.event":     {"Registro a la asamblea: %s", "Registration for the assembly: %s"},
	"receipt.comment":   {"Comentario al artículo %s: %s", "Comment on article %s: %s"},

	"error.title":     {"No se pudo completar", "Could not complete"},
	"error.csrf":      {"El formulario caducó o no vino de esta página. Vuelva atrás, recargue e inténtelo de nuevo.", "The form expired or did not come from this page. Go back, reload and try again."},
	"error.signedout": {"Su sesión terminó. Inicie sesión de nuevo.", "Your session ended. Sign in again."},
	"error.internal":  {"Error interno del servidor. Se registró para revisión.", "Internal server error. It has been logged."},
	"error.notfound":  {"No existe esa página.", "There is no such page."},
	"error.nodevice":  {"No existe ese dispositivo.", "There is no such device."},
	"error.back":      {"Volver", "Back"},

	"ago.now":     {"hace un momento", "just now"},
	"ago.minutes": {"hace %d min", "%d min ago"},
	"ago.hours":   {"hace %d h", "%d h ago"},
	"ago.days":    {"hace %d días", "%d days ago"},
}
