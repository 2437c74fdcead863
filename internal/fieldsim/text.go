package fieldsim

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Words people give when asked for one word about the city.
var oneWords = []string{
	"Diversa", "Caótica", "Viva", "Solidaria", "Enorme", "Vibrante", "Histórica", "Insegura",
	"Hermosa", "Cansada", "Mía", "Contaminada", "Alegre", "Incluyente", "Desigual", "Mágica",
	"Ruidosa", "Resiliente", "Hogar", "Complicada", "Cultural", "Grandiosa", "Injusta", "Esperanza",
}

// Clauses that make up free-text answers and comments, in the voice of
// people at a kiosk: short, concrete, sometimes without accents.
var (
	openings = []string{
		"Imagino una ciudad", "Quiero una ciudad", "Sueño con una ciudad", "Me gustaría vivir en una ciudad",
		"Necesitamos una ciudad", "Ojalá tengamos una ciudad", "Para mis hijos quiero una ciudad",
	}
	qualities = []string{
		"donde las mujeres caminen sin miedo de noche", "con transporte público digno y a tiempo",
		"con agua todos los días en todas las colonias", "con más árboles y parques cerca de casa",
		"donde se respete a las personas mayores", "sin corrupción en las ventanillas",
		"con calles accesibles para sillas de ruedas", "donde los ríos vuelvan a correr limpios",
		"con ciclovías seguras", "con internet gratuito en las plazas", "que cuide a los animales",
		"donde nadie tenga que dormir en la calle", "que respete a los pueblos originarios",
		"con empleos bien pagados cerca de donde vivimos", "con menos tráfico y menos contaminación",
		"donde la policía nos proteja", "con cultura en cada alcaldía",
	}
	articleComments = []string{
		"Este artículo debe decir claramente quién vigila que se cumpla.",
		"Falta incluir a las personas con discapacidad en este derecho.",
		"Me parece muy bien, pero ¿con qué presupuesto se va a garantizar?",
		"Propongo que se agregue un plazo para que el gobierno responda.",
		"La redacción es confusa; debería ser más sencilla para que todos la entendamos.",
		"Que se consulte a las colonias antes de cualquier obra.",
		"Estoy de acuerdo. Hace falta que se aplique también en los pueblos.",
		"Debe mencionar a las personas migrantes y refugiadas.",
		"No estoy de acuerdo con este párrafo, limita la participación ciudadana.",
		"Agreguen mecanismos de transparencia y datos abiertos.",
		"Pido que el agua sea reconocida como derecho y no como mercancía.",
		"Que las niñas y los niños también puedan opinar.",
	}
)

// freeText makes an answer of at most maxLen characters.
func freeText(rng *rand.Rand, maxLen int) string {
	if maxLen <= 40 {
		return truncate(pick(rng, oneWords), maxLen)
	}
	var b strings.Builder
	b.WriteString(pick(rng, openings))
	b.WriteByte(' ')
	b.WriteString(pick(rng, qualities))
	for range rng.IntN(3) {
		b.WriteString(", ")
		b.WriteString(pick(rng, qualities))
	}
	b.WriteByte('.')
	return truncate(b.String(), maxLen)
}

// commentText makes a remark on a draft article.
func commentText(rng *rand.Rand) string {
	s := pick(rng, articleComments)
	if rng.IntN(3) == 0 {
		s += " " + pick(rng, openings) + " " + pick(rng, qualities) + "."
	}
	return s
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// phone makes a Mexico City mobile number as people write it.
func phone(rng *rand.Rand) string {
	return "55 " + digits(rng, 4) + " " + digits(rng, 4)
}

func digits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// email makes an address from a person's name.
func email(rng *rand.Rand, p *Person) string {
	domains := []string{"gmail.com", "hotmail.com", "yahoo.com.mx", "outlook.com", "prodigy.net.mx"}
	user := strings.ToLower(idLetters(p.Given) + "." + idLetters(p.Surname1))
	if rng.IntN(2) == 0 {
		user += digits(rng, 2)
	}
	return user + "@" + pick(rng, domains)
}
