package fieldsim

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/voces-cdmx/voces/internal/campaign"
)

// Name lists: common given names and surnames in Mexico City, with their
// accents, so names on screens and in exports look like real ones.
var (
	womenNames = []string{
		"María", "Guadalupe", "Juana", "Margarita", "Verónica", "Leticia", "Rosa", "Alejandra",
		"Patricia", "Elizabeth", "Gabriela", "Ana", "Adriana", "Martha", "Claudia", "Silvia",
		"Fernanda", "Daniela", "Ximena", "Sofía", "Valeria", "Itzel", "Mariana", "Lucía",
		"Araceli", "Norma", "Yolanda", "Brenda", "Citlali", "Paola",
	}
	menNames = []string{
		"José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Francisco", "Alejandro",
		"Jorge", "Pedro", "Antonio", "Ricardo", "Fernando", "Eduardo", "Roberto", "Raúl",
		"Arturo", "Javier", "Héctor", "Sergio", "Diego", "Emiliano", "Santiago", "Mateo",
		"Ángel", "Óscar", "Rodrigo", "Iván", "Gerardo", "Cuauhtémoc",
	}
	surnames = []string{
		"Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
		"Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez",
		"Torres", "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno",
		"Castillo", "Romero", "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos",
		"Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz",
		"Rojas", "Contreras", "Salazar", "Luna", "Ortega", "Santiago", "Guerrero", "Estrada",
		"Bautista", "Cortés", "Xolalpa", "Tlatelpa", "Ibáñez", "Núñez", "Ávila", "Ochoa",
	}
)

// birthStates are where people living in Mexico City were born, weighted
// towards the city itself and the State of Mexico around it: the CURP's
// two-letter code and the INE's state number.
var birthStates = []struct {
	curp string
	ine  int
	w    int
}{
	{"DF", 9, 60}, {"MC", 15, 15}, {"PL", 21, 4}, {"VZ", 30, 4}, {"OC", 20, 3}, {"HG", 13, 3},
	{"GT", 11, 2}, {"MN", 16, 2}, {"GR", 12, 2}, {"JC", 14, 1}, {"NL", 19, 1}, {"YN", 31, 1},
	{"NE", 9, 2}, // born abroad, registered to vote in the city
}

// referenceDate anchors ages so the same seed makes the same people in
// any year; everyone is an adult on it and born before it.
var referenceDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Person is a synthetic resident of Mexico City with both voter ids.
type Person struct {
	Given, Surname1, Surname2 string
	Sex                       byte // 'H' or 'M', as in the ids
	Born                      time.Time
	Alcaldia                  string // alcaldía id
	CURP                      string
	INE                       string // clave de elector
}

// Name is the full name as a person writes it.
func (p *Person) Name() string {
	return p.Given + " " + p.Surname1 + " " + p.Surname2
}

// NewPerson makes a random adult with valid CURP and clave de elector.
func NewPerson(rng *rand.Rand) Person {
	p := Person{Surname1: pick(rng, surnames), Surname2: pick(rng, surnames)}
	if rng.IntN(2) == 0 {
		p.Sex, p.Given = 'M', pick(rng, womenNames)
	} else {
		p.Sex, p.Given = 'H', pick(rng, menNames)
	}
	age := 18 + rng.IntN(68)
	p.Born = referenceDate.AddDate(-age-1, 0, rng.IntN(365))
	p.Alcaldia = campaign.Alcaldias[rng.IntN(len(campaign.Alcaldias))].ID
	st := birthStates[weighted(rng, len(birthStates), func(i int) int { return birthStates[i].w })]
	p.CURP = CURP(p.Surname1, p.Surname2, p.Given, p.Born, p.Sex, st.curp, rng.IntN(10))
	p.INE = INE(p.Surname1, p.Surname2, p.Given, p.Born, p.Sex, st.ine, rng.IntN(1000))
	return p
}

// idLetters turns a name into the letters ids are made of: upper case,
// accents dropped, Ñ written X as RENAPO does.
func idLetters(s string) string {
	s = strings.ReplaceAll(norm.NFC.String(strings.ToUpper(s)), "Ñ", "X")
	var b strings.Builder
	// NFD splits an accented letter into the letter and its accent; only
	// the letter is kept.
	for _, r := range norm.NFD.String(s) {
		if r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isVowel(r byte) bool { return strings.IndexByte("AEIOU", r) >= 0 }

// firstInner returns the first letter after the first one that is (or,
// with vowel false, is not) a vowel, or 'X'.
func firstInner(s string, vowel bool) byte {
	for i := 1; i < len(s); i++ {
		if isVowel(s[i]) == vowel {
			return s[i]
		}
	}
	return 'X'
}

func initial(s string) byte {
	if s == "" {
		return 'X'
	}
	return s[0]
}

// curpAlphabet gives each character its value in the check digit.
const curpAlphabet = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"

// CURP builds a Clave Única de Registro de Población: initials and inner
// vowel, birth date, sex, state, inner consonants, the homonym
// differentiator (a digit before 2000, a letter from 2000), and the check
// digit.
func CURP(surname1, surname2, given string, born time.Time, sex byte, state string, homonym int) string {
	a, b, c := idLetters(surname1), idLetters(surname2), idLetters(given)
	diff := byte('0' + homonym%10)
	if born.Year() >= 2000 {
		diff = byte('A' + homonym%10)
	}
	s := fmt.Sprintf("%c%c%c%c%s%c%s%c%c%c%c",
		initial(a), firstInner(a, true), initial(b), initial(c),
		born.Format("060102"), sex, state,
		firstInner(a, false), firstInner(b, false), firstInner(c, false), diff)
	return s + string(curpCheck(s))
}

// curpCheck computes the check digit over the first 17 characters: each
// character's value (its index in curpAlphabet) weighted 18 down to 2, and
// the digit that brings the sum to a multiple of 10.
func curpCheck(first17 string) byte {
	value := make(map[rune]int)
	for i, r := range []rune(curpAlphabet) {
		value[r] = i
	}
	sum := 0
	for i, r := range []rune(first17) {
		sum += value[r] * (18 - i)
	}
	return byte('0' + (10-sum%10)%10)
}

// INE builds a clave de elector: two letters of each surname and of the
// name, birth date, state number, sex and a three-digit homoclave.
func INE(surname1, surname2, given string, born time.Time, sex byte, state, homoclave int) string {
	a, b, c := idLetters(surname1), idLetters(surname2), idLetters(given)
	two := func(s string) string {
		return string([]byte{initial(s), firstInner(s, !isVowel(initial(s)))})
	}
	return fmt.Sprintf("%s%s%s%s%02d%c%03d", two(a), two(b), two(c), born.Format("060102"), state, sex, homoclave%1000)
}

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

// weighted picks an index from 0..n-1 with probability proportional to w.
func weighted(rng *rand.Rand, n int, w func(int) int) int {
	total := 0
	for i := range n {
		total += w(i)
	}
	x := rng.IntN(total)
	for i := range n {
		if x -= w(i); x < 0 {
			return i
		}
	}
	return n - 1
}
