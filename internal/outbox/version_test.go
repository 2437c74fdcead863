package outbox

import "testing"

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"3.51.3", "3.51.3", 0},
		{"3.51.2", "3.51.3", -1},
		{"3.9.0", "3.51.3", -1},
		{"3.54.1", "3.51.3", 1},
		{"4.0", "3.51.3", 1},
	} {
		if got := compareVersions(c.a, c.b); got != c.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
