package campaign

import "testing"

func TestAlcaldias(t *testing.T) {
	if len(Alcaldias) != 16 {
		t.Errorf("%d alcaldías, want 16", len(Alcaldias))
	}
	seen := make(map[string]bool)
	for _, a := range Alcaldias {
		var v validator
		if !v.id(nil, a.ID) || seen[a.ID] {
			t.Errorf("id %q is not a unique slug", a.ID)
		}
		seen[a.ID] = true
		if got, ok := AlcaldiaByID(a.ID); !ok || got != a {
			t.Errorf("AlcaldiaByID(%q) = %v, %v", a.ID, got, ok)
		}
	}
	tests := []struct {
		id   string
		name string
		ok   bool
	}{
		{"alvaro-obregon", "Álvaro Obregón", true},
		{"gustavo-a-madero", "Gustavo A. Madero", true},
		{"la-magdalena-contreras", "La Magdalena Contreras", true},
		{"tlahuac", "Tláhuac", true},
		{"Tláhuac", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, ok := AlcaldiaByID(tt.id)
			if ok != tt.ok || got.Name != tt.name {
				t.Errorf("got %v, %v", got, ok)
			}
		})
	}
}
