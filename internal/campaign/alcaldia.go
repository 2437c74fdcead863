package campaign

// Alcaldia is one of the sixteen boroughs of Mexico City.
type Alcaldia struct {
	ID   string // ASCII slug, stable; stored in records
	Name string // official name, for display
}

// Alcaldias lists the sixteen alcaldías of Mexico City in alphabetical order.
var Alcaldias = []Alcaldia{
	{ID: "alvaro-obregon", Name: "Álvaro Obregón"},
	{ID: "azcapotzalco", Name: "Azcapotzalco"},
	{ID: "benito-juarez", Name: "Benito Juárez"},
	{ID: "coyoacan", Name: "Coyoacán"},
	{ID: "cuajimalpa-de-morelos", Name: "Cuajimalpa de Morelos"},
	{ID: "cuauhtemoc", Name: "Cuauhtémoc"},
	{ID: "gustavo-a-madero", Name: "Gustavo A. Madero"},
	{ID: "iztacalco", Name: "Iztacalco"},
	{ID: "iztapalapa", Name: "Iztapalapa"},
	{ID: "la-magdalena-contreras", Name: "La Magdalena Contreras"},
	{ID: "miguel-hidalgo", Name: "Miguel Hidalgo"},
	{ID: "milpa-alta", Name: "Milpa Alta"},
	{ID: "tlahuac", Name: "Tláhuac"},
	{ID: "tlalpan", Name: "Tlalpan"},
	{ID: "venustiano-carranza", Name: "Venustiano Carranza"},
	{ID: "xochimilco", Name: "Xochimilco"},
}

// AlcaldiaByID returns the alcaldía with the given id.
func AlcaldiaByID(id string) (Alcaldia, bool) {
	for _, a := range Alcaldias {
		if a.ID == id {
			return a, true
		}
	}
	return Alcaldia{}, false
}
