package protocol

import "testing"

// FuzzParseCode checks that no typed line makes ParseCode panic, and that
// every code it accepts prints back to a line that parses to the same code.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{
		"http://10.0.0.5:8080#7K2M9QX4T8VB-2EF3JG769DA92WH0-8G",
		"https://voces.example.mx#2-7K3QPX9M2D4A-VF19G98WA4S1PWK6WY6HR58W5C-K1CR5AYMZRKMGWCTRFPHCFV0H6R-V8",
		"http://10.0.0.5:8080#2-7K3QPX9M2D4A-VF19G98WA4S1PWK6WY6HR58W5C-HTTP-9J",
		"https://x#2-----", "#", "http://#2-A-B-C-D",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		again, err := ParseCode(c.String())
		if err != nil || again != c {
			t.Fatalf("ParseCode(%q) = %+v, which prints as %q and parses to %+v, %v", s, c, c.String(), again, err)
		}
	})
}
