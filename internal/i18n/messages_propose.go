package i18n

// proposeMessages are the screens of what residents bring: a proposal they
// write, an assembly they announce, and the impromptu assembly a canvasser
// opens on the spot.
var proposeMessages = map[string]msg{
	"home.propose":         {"Proponer", "Propose"},
	"home.propose.detail":  {"Escribe tu propia propuesta para la Constitución y fírmala.", "Write your own proposal for the Constitution and sign it."},
	"home.organise":        {"Organizar una asamblea", "Organise an assembly"},
	"home.organise.detail": {"Anuncia una asamblea ciudadana que tú organizas.", "Announce a Citizen Assembly you are organising."},

	"key.deleteword":           {"Borrar palabra", "Delete word"},
	"field.count.long":         {"%d / %d", "%d / %d"},
	"field.required.title":     {"Escribe un título para continuar.", "Enter a title to continue."},
	"field.required.text":      {"Escribe tu propuesta para continuar.", "Write your proposal to continue."},
	"field.required.venue":     {"Escribe el lugar para continuar.", "Enter the venue to continue."},
	"field.required.about":     {"Cuenta de qué trata para continuar.", "Say what it is about to continue."},
	"field.required.organiser": {"Escribe el nombre de quien organiza para continuar.", "Enter the organiser's name to continue."},

	"propose.step":            {"Proponer · paso %d de %d", "Propose · step %d of %d"},
	"propose.title.title":     {"¿Cómo se llama tu propuesta?", "What is your proposal called?"},
	"propose.title.help":      {"Un título corto, de una línea.", "A short title, one line."},
	"propose.text.title":      {"Escribe tu propuesta", "Write your proposal"},
	"propose.text.help":       {"Qué propones y por qué, hasta 1,500 caracteres. Toca el texto o usa las flechas para mover el cursor.", "What you propose and why, up to 1,500 characters. Touch the text or use the arrows to move the cursor."},
	"propose.theme.title":     {"¿De qué tema es?", "Which theme is it about?"},
	"propose.theme.help":      {"Elige el tema más cercano.", "Choose the closest theme."},
	"propose.theme.none":      {"Elige un tema para continuar.", "Choose a theme to continue."},
	"propose.scope.title":     {"¿A qué parte de la ciudad se refiere?", "Which part of the city does it concern?"},
	"propose.scope.help":      {"Toda la ciudad, o una alcaldía.", "The whole city, or one alcaldía."},
	"propose.scope.none":      {"Elige toda la ciudad o una alcaldía para continuar.", "Choose the whole city or an alcaldía to continue."},
	"propose.scope.city":      {"Toda la ciudad", "The whole city"},
	"propose.named.title":     {"¿Podemos publicar tu nombre?", "May we publish your name?"},
	"propose.named.help":      {"Si la propuesta se publica, puede aparecer con tu nombre o sin él. Tu credencial nunca se publica.", "If the proposal is published, it can show your name or not. Your voter id is never published."},
	"propose.named.no":        {"No, publícala sin mi nombre", "No, publish it without my name"},
	"propose.named.yes":       {"Sí, pueden publicar mi nombre", "Yes, you may publish my name"},
	"propose.name.help":       {"Ahora firma tu propuesta: cuenta como tu propio apoyo. Escribe tu nombre completo, como aparece en tu credencial.", "Now sign your proposal: it counts as your own support. Enter your full name as it appears on your ID card."},
	"propose.pad.help":        {"Firma tu propuesta dentro del recuadro blanco, como en un papel.", "Sign your proposal inside the white box, as you would on paper."},
	"propose.review.title":    {"Revisa tu propuesta", "Review your proposal"},
	"propose.review.help":     {"Toca un dato para corregirlo. Un equipo la leerá antes de publicarla.", "Touch an item to fix it. A team will read it before it is published."},
	"propose.review.titlerow": {"Título", "Title"},
	"propose.review.text":     {"Propuesta", "Proposal"},
	"propose.review.theme":    {"Tema", "Theme"},
	"propose.review.scope":    {"Se refiere a", "Concerns"},
	"propose.review.named":    {"Tu nombre", "Your name"},
	"propose.review.home":     {"Tu alcaldía", "Your alcaldía"},
	"propose.submit":          {"Enviar propuesta", "Send proposal"},

	"organise.step":             {"Organizar una asamblea · paso %d de %d", "Organise an assembly · step %d of %d"},
	"organise.title.title":      {"¿Cómo se llama la asamblea?", "What is the assembly called?"},
	"organise.title.help":       {"Un título corto, de una línea.", "A short title, one line."},
	"organise.when.title":       {"¿Cuándo es?", "When is it?"},
	"organise.when.help":        {"Toca el día; las flechas muestran otras semanas. Ajusta la hora con − y +.", "Touch the day; the arrows show other weeks. Set the time with − and +."},
	"organise.when.hour":        {"Hora", "Hour"},
	"organise.when.minutes":     {"Minutos", "Minutes"},
	"organise.when.pick":        {"Elige el día.", "Choose the day."},
	"organise.when.none":        {"Elige el día para continuar.", "Choose the day to continue."},
	"organise.when.past":        {"Esa hora ya pasó. Elige una más tarde.", "That time has passed. Choose a later one."},
	"organise.area.title":       {"¿En qué alcaldía es?", "Which alcaldía is it in?"},
	"organise.area.help":        {"Donde se reúnen.", "Where it meets."},
	"organise.venue.title":      {"¿Dónde es?", "Where is it?"},
	"organise.venue.help":       {"El lugar y la dirección, para que la gente llegue.", "The place and its address, so people can find it."},
	"organise.about.title":      {"¿De qué trata?", "What is it about?"},
	"organise.about.help":       {"Los temas que van a discutir y a quién invitan.", "The topics to be discussed and who is invited."},
	"organise.organiser.title":  {"¿Quién organiza?", "Who is organising?"},
	"organise.organiser.help":   {"Tu nombre o el de tu grupo.", "Your name or your group's."},
	"organise.contact.title":    {"¿Cómo pueden contactarte?", "How can people contact you?"},
	"organise.contact.help":     {"Un teléfono o un correo, si quieres. Puedes saltar este paso.", "A phone number or e-mail, if you like. You may skip this step."},
	"organise.review.title":     {"Revisa tu asamblea", "Review your assembly"},
	"organise.review.help":      {"Toca un dato para corregirlo. Un equipo la revisará antes de publicarla.", "Touch an item to fix it. A team will check it before it is published."},
	"organise.review.titlerow":  {"Título", "Title"},
	"organise.review.when":      {"Cuándo", "When"},
	"organise.review.area":      {"Alcaldía", "Alcaldía"},
	"organise.review.venue":     {"Lugar", "Venue"},
	"organise.review.about":     {"De qué trata", "About"},
	"organise.review.organiser": {"Organiza", "Organiser"},
	"organise.review.contact":   {"Contacto", "Contact"},
	"organise.review.nocontact": {"Sin contacto", "No contact"},
	"organise.submit":           {"Enviar asamblea", "Send assembly"},

	"canvass.open.new":         {"Abrir una asamblea aquí", "Open an assembly here"},
	"canvass.open.current":     {"Abierta aquí · %s · desde las %s", "Opened here · %s · since %s"},
	"canvass.open.step":        {"Abrir una asamblea · paso %d de %d", "Open an assembly · step %d of %d"},
	"canvass.open.title":       {"¿Cómo se llama la asamblea?", "What is the assembly called?"},
	"canvass.open.title.help":  {"Como la llaman quienes asisten.", "As the people attending call it."},
	"canvass.open.venue":       {"¿Dónde están?", "Where are you?"},
	"canvass.open.venue.help":  {"El lugar y la dirección.", "The place and its address."},
	"canvass.open.about":       {"¿De qué trata?", "What is it about?"},
	"canvass.open.about.help":  {"Una línea basta.", "One line is enough."},
	"canvass.open.consent":     {"Aviso de privacidad: tu nombre como organizador", "Privacy notice: your name as organiser"},
	"canvass.open.review":      {"Revisa la asamblea", "Review the assembly"},
	"canvass.open.review.help": {"Empieza ahora y la organizas tú. Las firmas que recojas quedarán en ella.", "It starts now and you organise it. The signatures you collect are recorded at it."},
	"canvass.open.now":         {"Ahora, %s", "Now, %s"},
	"canvass.open.submit":      {"Abrir la asamblea", "Open the assembly"},
	"canvass.open.hub":         {"%s · %s (abierta aquí)", "%s · %s (opened here)"},
}

func init() {
	for id, m := range proposeMessages {
		if _, dup := catalogue[id]; dup {
			panic("i18n: message " + id + " is defined twice")
		}
		catalogue[id] = m
	}
}
