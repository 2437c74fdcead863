package dashboard

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// problemSpanish is every problem the campaign validator reports, by its
// format (the English the validator writes, internal/campaign/validate.go),
// in Spanish: the dashboard shows a draft's problems next to their fields
// in the operator's language. The Spanish takes the values of the English
// by position (%[1]s is the first %d, %q or %s of the format, as it was
// written). TestEveryValidatorProblemHasSpanish holds this list to the
// validator's calls, so a new problem cannot reach the Spanish dashboard
// in English.
var problemSpanish = map[string]string{
	"unsupported format %d; this program reads format %d":                                   "Formato %[1]s no admitido; este programa lee el formato %[2]s.",
	"the version must be 1 or more, found %d":                                               "La versión debe ser 1 o mayor; se encontró %[1]s.",
	"an article number is required":                                                         "El artículo necesita un número.",
	"the article number is longer than %d characters":                                       "El número del artículo tiene más de %[1]s caracteres.",
	"article number %q is also used by %s":                                                  "El número de artículo %[1]s ya lo usa %[2]s.",
	"too many %s: %d; the limit is %d":                                                      "Cantidad de %[1]s: %[2]s; el límite es %[3]s.",
	"list at least one accepted voter id type (%q or %q)":                                   "Indique al menos un tipo de identificación aceptado (%[1]s o %[2]s).",
	"unknown voter id type %q; use %q or %q":                                                "Tipo de identificación desconocido: %[1]s; use %[2]s o %[3]s.",
	"voter id type %q is listed twice":                                                      "El tipo de identificación %[1]s aparece dos veces.",
	"the privacy notice needs a version; records store the version people agreed to":        "El aviso necesita una versión: cada registro guarda la que la persona aceptó.",
	"the version is longer than %d characters":                                              "La versión tiene más de %[1]s caracteres.",
	"a survey needs at least one question":                                                  "La encuesta necesita al menos una pregunta.",
	"unknown question type %q; use single, multiple, scale, text, number or alcaldia":       "Tipo de pregunta desconocido: %[1]s; use single, multiple, scale, text, number o alcaldia.",
	"%s question has no options":                                                            "Una pregunta %[1]s no lleva opciones.",
	"%s question takes no min or max":                                                       "Una pregunta %[1]s no lleva mínimo ni máximo.",
	"only text questions take max_length":                                                   "Solo las preguntas de texto llevan longitud máxima.",
	"only scale questions take min_label and max_label":                                     "Solo las escalas llevan etiquetas del mínimo y del máximo.",
	"min and max count choices and cannot be negative":                                      "El mínimo y el máximo cuentan opciones elegidas y no pueden ser negativos.",
	"min is %d but there are only %d options":                                               "El mínimo es %[1]s, pero solo hay %[2]s opciones.",
	"max is %d but there are only %d options":                                               "El máximo es %[1]s, pero solo hay %[2]s opciones.",
	"min %d is more than max %d":                                                            "El mínimo (%[1]s) es mayor que el máximo (%[2]s).",
	"a scale runs from min to max with 0 ≤ min < max ≤ %d; found %d to %d":                  "Una escala va del mínimo al máximo, con 0 ≤ mínimo < máximo ≤ %[1]s; se encontró de %[2]s a %[3]s.",
	"number bounds must be within ±%d":                                                      "Los límites del número deben estar dentro de ±%[1]s.",
	"a text question needs max_length from 1 to %d, found %d":                               "Una pregunta de texto necesita una longitud máxima de 1 a %[1]s caracteres; se encontró %[2]s.",
	"%s question needs at least 2 options":                                                  "Una pregunta %[1]s necesita al menos 2 opciones.",
	"a theme is required":                                                                   "Elija un tema.",
	"unknown theme %q":                                                                      "Tema desconocido: %[1]s.",
	"longer than %d characters":                                                             "Tiene más de %[1]s caracteres.",
	"a proposal with its own tiers takes no threshold; put the number in its first tier":    "Una propuesta con niveles propios no lleva meta propia: ponga el número en su primer nivel.",
	"the threshold must be from 1 to %d supports, found %d":                                 "La meta debe ser de 1 a %[1]s apoyos; se encontró %[2]s.",
	"list at least one tier, or leave tiers out":                                            "Indique al menos un nivel, o no indique ninguno.",
	"a tier needs from 1 to %d signers, found %d":                                           "Un nivel necesita de 1 a %[1]s firmantes; se encontró %[2]s.",
	"%d signers is not more than the tier before (%d); list tiers from the lowest":          "%[1]s firmantes no son más que los del nivel anterior (%[2]s); ordene los niveles de menor a mayor.",
	"unknown tier %q for this proposal":                                                     "Esta propuesta no tiene el nivel %[1]s.",
	"tier %q is answered twice":                                                             "El nivel %[1]s tiene dos respuestas.",
	"a date between the years 2000 and 2100 is required":                                    "Escriba una fecha entre los años 2000 y 2100.",
	"a response needs a written answer (text) or the minute of the meeting or session":      "Escriba la respuesta por escrito, o la minuta de la reunión o sesión.",
	"say who signed the written answer":                                                     "Diga quién firma la respuesta por escrito.",
	"an alcaldía is required":                                                               "Elija una alcaldía.",
	"a start time between the years 2000 and 2100 is required":                              "Escriba cuándo empieza (entre los años 2000 y 2100).",
	"an end time between the years 2000 and 2100 is required":                               "Escriba cuándo termina (entre los años 2000 y 2100).",
	"the event ends at or before its start":                                                 "Termina antes de empezar, o cuando empieza.",
	"the event lasts more than %d days":                                                     "La asamblea dura más de %[1]s días.",
	"unknown proposal %q":                                                                   "Propuesta desconocida: %[1]s.",
	"proposal %q is listed twice":                                                           "La propuesta %[1]s aparece dos veces.",
	"unknown alcaldía %q":                                                                   "Alcaldía desconocida: %[1]s.",
	"duplicate id %q, also used by %s":                                                      "El identificador %[1]s ya lo usa %[2]s.",
	"%q is accepted by every central and need not be listed":                                "Todo servidor central acepta %[1]s: no hace falta indicarlo.",
	"kind %q is listed twice":                                                               "El tipo de registro %[1]s aparece dos veces.",
	"an id is required":                                                                     "Falta el identificador.",
	"the id is longer than %d characters":                                                   "El identificador tiene más de %[1]s caracteres.",
	"id %q must be ASCII letters, digits, '-', '_' or '.', starting with a letter or digit": "El identificador %[1]s solo puede llevar letras ASCII, dígitos, «-», «_» o «.», y empezar con una letra o un dígito.",
	`a text in Spanish ("es") and English ("en") is required`:                               "Escriba el texto en español y en inglés.",
	"more than %d languages":                                                                "Tiene más de %[1]s idiomas.",
	"missing the %s text (%q)":                                                              "Falta el texto en %[1]s (%[2]s).",
	`%q is not a language code like "es" or "es-MX"`:                                        `%[1]s no es un código de idioma como "es" o "es-MX".`,
	"contains a control character":                                                          "Contiene un carácter de control.",
	"sentence %d has %d words; plain language keeps each sentence to %d words or fewer":     "La oración %[1]s tiene %[2]s palabras; en lenguaje sencillo cada oración lleva %[3]s palabras o menos.",
}

// problemValueWords are the English words the validator puts into its
// problems through %s (a question type with its article, a language, a
// list's name), in Spanish as the Spanish formats above place them.
var problemValueWords = map[string]string{
	"a single-choice": "de una opción", "a multiple-choice": "de varias opciones", "a scale": "de escala",
	"a text": "de texto", "a number": "de número", "an alcaldía": "de alcaldía",
	"Spanish": "español", "English": "inglés",
	"themes": "temas", "proposals": "propuestas", "events": "asambleas", "articles": "artículos",
	"questions": "preguntas", "options": "opciones", "tiers": "niveles", "responses": "respuestas", "kinds": "tipos de registro",
}

// problemPattern reads the values back out of a problem made from format.
type problemPattern struct {
	re     *regexp.Regexp
	format string
}

// problemPatterns are problemSpanish's formats as patterns, longest
// first so that a format that ends another ("longer than %d characters")
// never takes a problem of the longer one.
var problemPatterns = compileProblemPatterns()

// verbPattern is what each fmt verb the validator uses writes.
var verbPattern = map[string]string{
	"%d": `(-?\d+)`,
	"%q": `("(?:[^"\\]|\\.)*")`,
	"%s": `(.+?)`,
}

func compileProblemPatterns() []problemPattern {
	var out []problemPattern
	verbs := regexp.MustCompile(`%[dqs]`)
	for format := range problemSpanish {
		var b strings.Builder
		b.WriteString("^")
		last := 0
		for _, m := range verbs.FindAllStringIndex(format, -1) {
			b.WriteString(regexp.QuoteMeta(format[last:m[0]]))
			b.WriteString(verbPattern[format[m[0]:m[1]]])
			last = m[1]
		}
		b.WriteString(regexp.QuoteMeta(format[last:]) + "$")
		out = append(out, problemPattern{re: regexp.MustCompile(b.String()), format: format})
	}
	// Longest first, then by format, so the order does not depend on the
	// map's.
	slices.SortFunc(out, func(a, b problemPattern) int {
		return cmp.Or(cmp.Compare(len(b.format), len(a.format)), strings.Compare(a.format, b.format))
	})
	return out
}

// spanishProblem is a validator problem in Spanish, with its values;
// false for a problem no format above makes.
func spanishProblem(problem string) (string, bool) {
	for _, p := range problemPatterns {
		m := p.re.FindStringSubmatch(problem)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, v := range m[1:] {
			if w, ok := problemValueWords[v]; ok {
				v = w
			}
			args[i] = v
		}
		return fmt.Sprintf(problemSpanish[p.format], args...), true
	}
	return "", false
}
