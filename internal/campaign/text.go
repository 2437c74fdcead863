package campaign

import (
	"maps"
	"slices"
	"strings"
)

// Text is a human-readable string in several languages, keyed by language
// code. Every Text in a valid campaign has Spanish ("es") and English ("en").
type Text map[string]string

// Get returns the text in lang (an exact match such as "es-MX", then its
// base language "es"), falling back to Spanish, then to any language, so a
// screen never shows an empty label.
func (t Text) Get(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		if s := t[base]; s != "" {
			return s
		}
	}
	if s := t["es"]; s != "" {
		return s
	}
	// Sorted so the fallback is the same on every device.
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if t[k] != "" {
			return t[k]
		}
	}
	return ""
}
