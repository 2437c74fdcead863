package dashboard

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadNewPassword(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		ok       bool
	}{
		{"a line", "long enough password\nignored\n", true},
		{"a last line without its newline", "long enough password", true},
		{"a CRLF line", "long enough password\r\n", true},
		{"nothing", "", false},
		{"too short", "short\n", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hash, err := ReadNewPassword(strings.NewReader(tt.in), io.Discard, "ana")
			if (err == nil) != tt.ok {
				t.Fatalf("err %v, want ok %v", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if ok, err := CheckPassword(hash, "long enough password"); !ok || err != nil {
				t.Errorf("the hash does not check against the line read: %v, %v", ok, err)
			}
		})
	}
	if _, err := ReadNewPassword(strings.NewReader("short\n"), io.Discard, "ana"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("short password: %v, want ErrWeakPassword", err)
	}
}
