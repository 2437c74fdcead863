package progress

import (
	"strings"
	"testing"
)

func TestBarRedrawsOneLineAndEndsIt(t *testing.T) {
	var out strings.Builder
	b := &Bar{W: &out, What: "records"}
	b.Finish() // nothing drawn: nothing to end
	if out.Len() != 0 {
		t.Fatalf("Finish before Update wrote %q", out.String())
	}
	b.Update(0, 4)
	b.Update(2, 4)
	b.Update(4, 4)
	b.Finish()
	b.Finish()
	want := "\r[" + strings.Repeat(" ", 30) + "] 0/4 records" +
		"\r[" + strings.Repeat("#", 15) + strings.Repeat(" ", 15) + "] 2/4 records" +
		"\r[" + strings.Repeat("#", 30) + "] 4/4 records\n"
	if out.String() != want {
		t.Fatalf("got  %q\nwant %q", out.String(), want)
	}
}

func TestBarStaysInsideItsBrackets(t *testing.T) {
	for _, c := range []struct{ done, total, hashes int }{
		{0, 0, 30}, // nothing to do is done
		{7, 5, 30}, // more than the total (a count that grew)
		{-1, 5, 0}, // never negative
		{1, 3, 10},
	} {
		var out strings.Builder
		(&Bar{W: &out}).Update(c.done, c.total)
		line := out.String()
		inside := line[strings.Index(line, "[")+1 : strings.Index(line, "]")]
		if len(inside) != 30 || strings.Count(inside, "#") != c.hashes {
			t.Errorf("Update(%d, %d) drew %q, want %d of 30 filled", c.done, c.total, inside, c.hashes)
		}
	}
}
