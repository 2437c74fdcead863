package protocol

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
)

func TestProvisioningCode(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	c := ProvisioningCode{URL: "http://127.0.0.1:8080", Token: tok, Fingerprint: Fingerprint(pub)}
	line := c.String()

	t.Run("round trip", func(t *testing.T) {
		got, err := ParseCode("  " + line + "\n")
		if err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %+v, %v; want %+v", line, got, err, c)
		}
	})
	t.Run("lower case and look-alike letters are forgiven", func(t *testing.T) {
		i := strings.LastIndexByte(line, '#')
		typed := line[:i+1] + strings.ToLower(strings.ReplaceAll(line[i+1:], "0", "o"))
		if got, err := ParseCode(typed); err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %+v, %v", typed, got, err)
		}
	})
	t.Run("one changed character is caught as a typo", func(t *testing.T) {
		i := strings.LastIndexByte(line, '#') + 3
		b := []byte(line)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		if _, err := ParseCode(string(b)); !errors.Is(err, ErrCodeMistyped) {
			t.Fatalf("ParseCode(%q) err = %v, want ErrCodeMistyped", b, err)
		}
	})
	for _, bad := range []string{"", "hello", "ftp://x#AAAA", "http://x#SHORT-CODE-XX", "#" + line} {
		t.Run("malformed "+bad, func(t *testing.T) {
			if _, err := ParseCode(bad); err == nil {
				t.Fatalf("ParseCode(%q) accepted", bad)
			}
		})
	}
}

func TestRequestSignatureBindsPathAndBody(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	body := []byte("payload")
	sig := SignRequest(priv, PathBatches, body)
	if !VerifyRequest(pub, PathBatches, body, sig) {
		t.Fatal("signature does not verify")
	}
	if VerifyRequest(pub, PathHeartbeat, body, sig) {
		t.Fatal("a batch signature verified as a heartbeat")
	}
	if VerifyRequest(pub, PathBatches, []byte("payloae"), sig) {
		t.Fatal("signature verified over a changed body")
	}
}
