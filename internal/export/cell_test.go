package export

import (
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 26, 18, 30, 0, 0, time.UTC)

func TestSafeCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"a name", "José Pérez", "José Pérez"},
		{"a formula", "=1+2", "'=1+2"},
		{"a plus", "+52 55 1234 5678", "'+52 55 1234 5678"},
		{"a minus", "-2+3", "'-2+3"},
		{"an at sign", "@SUM(A1)", "'@SUM(A1)"},
		{"a leading tab", "\t=1", "'\t=1"},
		{"a leading carriage return", "\r=1", "'\r=1"},
		{"an equals sign inside", "a=b", "a=b"},
		{"an apostrophe already", "'=1", "'=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeCell(tt.in); got != tt.want {
				t.Errorf("safeCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWrapTextKeepsEveryWordWithinTheWidth(t *testing.T) {
	s := newSheets(nil, time.UTC, testNow)
	s.pdf.AddPage()
	s.pdf.SetFont(fontSans, "", 9.5)
	tests := []struct {
		name  string
		text  string
		width float64
		lines int
	}{
		{"a short name on one line", "Ana Pérez", 57, 1},
		{"a long name on two lines", "María Guadalupe Hernández Rodríguez de la Concepción", 57, 2},
		{"one word wider than the column is cut", "Xochitiotzin-Cuauhtémoc-Netzahualcóyotl-Tlacaélel", 30, 3},
		{"text beyond cp1252", "Zoë Łukasz 李", 57, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := wrapText(s.pdf, tt.text, tt.width)
			if len(lines) != tt.lines {
				t.Errorf("%d lines %q, want %d", len(lines), lines, tt.lines)
			}
			for _, l := range lines {
				if w := s.pdf.GetStringWidth(l); w > tt.width {
					t.Errorf("line %q is %.1f mm wide, more than %.1f", l, w, tt.width)
				}
			}
		})
	}
}
