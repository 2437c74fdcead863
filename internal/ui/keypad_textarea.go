package ui

import (
	"unicode"

	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// cursorLine is what speech says after a keypad moved the text area's
// cursor or deleted a word: the word the cursor now follows (or that it is
// at the start), so a person who cannot see the text knows where they
// are without hearing a paragraph again; past a space, the space. F2
// reads the whole text.
func (k *Kiosk) cursorLine(e *widgets.Entry) string {
	rs := []rune(e.Text)
	pos := min(e.CursorTextOffset(), len(rs))
	i := pos
	for i > 0 && !unicode.IsSpace(rs[i-1]) {
		i--
	}
	word := string(rs[i:pos])
	switch {
	case pos == 0:
		return k.T("speech.cursor.start")
	case word == "":
		return k.characterName(rs[pos-1])
	}
	return word
}
