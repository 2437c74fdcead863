package i18n

// accessMessages are the words of spoken guidance and keypad operation:
// what the kiosk says about its controls, and the assisted signing a
// person who cannot sign on the screen is offered.
var accessMessages = map[string]msg{
	// "Escuchar / Listen" is in both languages until the person chooses
	// one: whoever cannot read the screen looks for it first.
	"frame.listen": {"Escuchar · Listen", "Listen · Escuchar"},

	"speech.attract":      {"Pulsa Intro para empezar. Con las flechas o Tab pasas de un control a otro, con Intro lo eliges; F1 apaga la voz.", "Press Enter to begin. The arrows or Tab move from one control to the next, Enter chooses it; F1 turns the voice off."},
	"speech.option":       {"Opción %d de %d", "Option %d of %d"},
	"speech.selected":     {"seleccionada", "selected"},
	"speech.unselected":   {"sin marcar", "not selected"},
	"speech.button":       {"%s, botón", "%s, button"},
	"speech.on":           {"activado", "on"},
	"speech.off":          {"desactivado", "off"},
	"speech.disabled":     {"no disponible", "unavailable"},
	"speech.field":        {"Campo para escribir: %s", "Text field: %s"},
	"speech.empty":        {"Vacío", "Empty"},
	"speech.typed":        {"Escribiste: %s", "You typed: %s"},
	"speech.hidden.one":   {"%d carácter, oculto", "%d character, hidden"},
	"speech.hidden.other": {"%d caracteres, ocultos", "%d characters, hidden"},
	"speech.key":          {"Tecla", "Key"},
	"speech.erased":       {"Borrado", "Erased"},
	"speech.space":        {"Espacio", "Space"},
	"speech.capital":      {"%s mayúscula", "Capital %s"},
	"speech.slower":       {"Más despacio", "Slower"},
	"speech.faster":       {"Más rápido", "Faster"},
	"speech.softer":       {"Más bajo", "Softer"},
	"speech.louder":       {"Más alto", "Louder"},
	"speech.code":         {"Tu código de recibo es: %s. Para oírlo otra vez, pulsa F2.", "Your receipt code is: %s. To hear it again, press F2."},

	"speech.countdown.one":   {"Queda %d segundo", "%d second left"},
	"speech.countdown.other": {"Quedan %d segundos", "%d seconds left"},

	"saved.qr": {"O escanea este código con tu teléfono para abrir la página de consulta.", "Or scan this code with your phone to open the checking page."},

	// Assisted signing: the kiosk cannot check the signature of a person
	// who cannot draw one, and says so.
	"sign.assist.button":    {"No puedo firmar en la pantalla", "I cannot sign on the screen"},
	"sign.assist.title":     {"Firma con ayuda", "Signing with help"},
	"sign.assist.text":      {"Este quiosco no puede comprobar la firma de alguien que no puede dibujarla, por ejemplo si no ve la pantalla. Para que tu apoyo cuente, firma con ayuda: en una Asamblea Ciudadana, una persona de la consulta anota tus datos y es testigo de tu marca, y así queda registrado.", "This kiosk cannot check the signature of someone who cannot draw it, for example if they cannot see the screen. For your support to count, sign with help: at a Citizen Assembly, a person from the consultation takes your details and witnesses your mark, and it is recorded that way."},
	"sign.assist.events":    {"Ver las asambleas", "See the assemblies"},
	"sign.assist.back":      {"Volver a la firma", "Back to signing"},
	"canvass.witness":       {"Marca con testigo", "Witnessed mark"},
	"canvass.witness.text":  {"Si la persona no puede firmar, puede hacer una marca (o ninguna) con tu ayuda. Al continuar, confirmas que fuiste testigo y el apoyo queda registrado como marca con testigo, a tu nombre.", "If the person cannot sign, they can make a mark (or none) with your help. By going on, you confirm you witnessed it, and the support is recorded as a witnessed mark, in your name."},
	"canvass.witness.on":    {"Marca con testigo: tú confirmas", "Witnessed mark: you confirm"},
	"sign.review.witness":   {"Firma", "Signature"},
	"sign.review.witnessed": {"Marca con testigo: %s", "Witnessed mark: %s"},
}

func init() {
	for id, m := range accessMessages {
		if _, dup := catalogue[id]; dup {
			panic("i18n: message " + id + " is defined twice")
		}
		catalogue[id] = m
	}
}
