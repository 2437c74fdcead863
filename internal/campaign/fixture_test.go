package campaign

import (
	"testing"
	"time"
)

// validCampaign returns a small campaign that passes Validate and uses every
// question type; tests break one thing at a time.
func validCampaign() *Campaign {
	tx := func(es, en string) Text { return Text{"es": es, "en": en} }
	at := func(day, hour int) time.Time {
		return time.Date(2026, 12, day, hour, 0, 0, 0, time.FixedZone("", -6*3600))
	}
	return &Campaign{
		Format:  FormatVersion,
		ID:      "prueba",
		Version: 1,
		Title:   tx("Prueba", "Test"),
		IDTypes: []string{IDTypeINE, IDTypeCURP},
		Privacy: Privacy{Version: "1", Text: tx("Aviso", "Notice")},
		Themes: []Theme{
			{ID: "agua", Label: tx("Agua", "Water")},
			{ID: "derechos", Label: tx("Derechos", "Rights")},
		},
		Survey: Survey{
			ID:    "encuesta",
			Title: tx("Encuesta", "Survey"),
			Questions: []Question{
				{ID: "reto", Type: TypeSingle, Required: true, Prompt: tx("¿Reto?", "Challenge?"), Options: []Option{
					{ID: "agua", Label: tx("Agua", "Water")},
					{ID: "empleo", Label: tx("Empleo", "Jobs")},
				}},
				{ID: "derechos", Type: TypeMultiple, Prompt: tx("¿Derechos?", "Rights?"), Max: 2, Options: []Option{
					{ID: "salud", Label: tx("Salud", "Health")},
					{ID: "vivienda", Label: tx("Vivienda", "Housing")},
					{ID: "internet", Label: tx("Internet", "Internet")},
				}},
				{ID: "vida", Type: TypeScale, Required: true, Prompt: tx("¿Vida?", "Life?"), Min: 1, Max: 5,
					MinLabel: tx("Mala", "Poor"), MaxLabel: tx("Buena", "Good")},
				{ID: "palabra", Type: TypeText, Prompt: tx("¿Palabra?", "Word?"), MaxLength: 10},
				{ID: "minutos", Type: TypeNumber, Prompt: tx("¿Minutos?", "Minutes?"), Min: 0, Max: 300},
				{ID: "alcaldia", Type: TypeAlcaldia, Required: true, Prompt: tx("¿Alcaldía?", "Alcaldía?")},
			},
		},
		Proposals: []Proposal{
			{ID: "rios", Theme: "agua", Title: tx("Ríos", "Rivers"), Summary: tx("Sanear ríos.", "Clean rivers."), Threshold: 20000},
			{ID: "canales", Theme: "agua", Alcaldia: "xochimilco", Title: tx("Canales", "Canals"), Summary: tx("Canales.", "Canals."), Threshold: 5000},
			{ID: "lgbttti", Theme: "derechos", Title: tx("Igualdad", "Equality"), Summary: tx("Igualdad.", "Equality."), Threshold: 30000},
		},
		Events: []Event{
			{ID: "coyoacan", Title: tx("Asamblea", "Assembly"), Place: tx("Casa de Cultura", "Cultural centre"),
				Alcaldia: "coyoacan", Starts: at(5, 10), Ends: at(5, 14), Proposals: []string{"rios", "lgbttti"}},
		},
		Articles: []Article{
			{ID: "art-12", Number: "12", Title: tx("Derecho a la ciudad", "Right to the city"), Text: tx("1. Texto.", "1. Text.")},
			{ID: "art-13", Number: "13", Title: tx("Medio ambiente", "Environment"), Text: tx("1. Texto.", "1. Text.")},
		},
	}
}

func TestValidCampaignFixture(t *testing.T) {
	if err := validCampaign().Validate(); err != nil {
		t.Fatal(err)
	}
}
