package campaign

import "testing"

func TestTextGet(t *testing.T) {
	tests := []struct {
		name string
		text Text
		lang string
		want string
	}{
		{"exact language", Text{"es": "Hola", "en": "Hello"}, "en", "Hello"},
		{"base of a regional code", Text{"es": "Hola", "en": "Hello"}, "en-GB", "Hello"},
		{"regional text when asked for it", Text{"es": "Hola", "es-MX": "Qué onda"}, "es-MX", "Qué onda"},
		{"missing language falls back to Spanish", Text{"es": "Hola", "en": "Hello"}, "nah", "Hola"},
		{"empty translation falls back to Spanish", Text{"es": "Hola", "en": ""}, "en", "Hola"},
		{"no Spanish falls back to the first language by code", Text{"fr": "Salut", "de": "Hallo"}, "en", "Hallo"},
		{"empty text", nil, "es", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.Get(tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
