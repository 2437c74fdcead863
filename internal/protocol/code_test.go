package protocol

import (
	"crypto/ed25519"
	"crypto/x509"
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

func TestProvisioningCodeVersions(t *testing.T) {
	zeroKey := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	t.Run("a version 1 code issued before version 2 still parses", func(t *testing.T) {
		// Issued by the version 1 code, for the key whose seed is 32 zero bytes.
		const old = "http://10.0.0.5:8080#7K2M9QX4T8VB-2EF3JG769DA92WH0-8G"
		got, err := ParseCode(old)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version() != 1 || got.Token != "7K2M9QX4T8VB" || got.InsecureHTTP || !got.Pin.IsZero() {
			t.Fatalf("ParseCode(%q) = %+v (version %d)", old, got, got.Version())
		}
		if !FingerprintMatches(zeroKey, got.Fingerprint) {
			t.Fatal("the version 1 fingerprint does not match its key")
		}
		if got.String() != old {
			t.Fatalf("String() = %q, want it as issued %q", got.String(), old)
		}
	})
	t.Run("version 2 fingerprints are 128 bits and match only their key", func(t *testing.T) {
		fp := Fingerprint(zeroKey)
		if len(fp) != 26 || !FingerprintMatches(zeroKey, fp) {
			t.Fatalf("Fingerprint = %q", fp)
		}
		other, _, _ := ed25519.GenerateKey(nil)
		if FingerprintMatches(other, fp) || FingerprintMatches(zeroKey, fp[:25]) {
			t.Fatal("a fingerprint matched another key or a shortened form")
		}
	})
	pin := TLSPin{Kind: PinKey}
	for i := range pin.Hash {
		pin.Hash[i] = byte(i * 7)
	}
	ca := pin
	ca.Kind = PinCA
	tok := "7K2M9QX4T8VB"
	fp := Fingerprint(zeroKey)
	good := []ProvisioningCode{
		{URL: "https://central.example.org", Token: tok, Fingerprint: fp, Pin: pin},
		{URL: "https://central.example.org:8443/voces", Token: tok, Fingerprint: fp, Pin: ca},
		{URL: "https://central.example.org", Token: tok, Fingerprint: fp},
		{URL: "http://10.0.0.5:8080", Token: tok, Fingerprint: fp, InsecureHTTP: true},
		{URL: "http://127.0.0.1:8080", Token: tok, Fingerprint: fp},
	}
	for _, c := range good {
		t.Run("round trip "+c.String(), func(t *testing.T) {
			if c.Version() != 2 {
				t.Fatalf("version %d", c.Version())
			}
			got, err := ParseCode(strings.ToLower(c.String()))
			if err != nil || got != c {
				t.Fatalf("ParseCode = %+v, %v; want %+v", got, err, c)
			}
		})
	}
	t.Run("changing the pin is caught as a typo", func(t *testing.T) {
		line := good[0].String()
		i := strings.Index(line, "-K") + 5
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
	bad := map[string]ProvisioningCode{
		"a pin with plain http":         {URL: "http://10.0.0.5", Token: tok, Fingerprint: fp, Pin: pin},
		"the HTTP flag with https":      {URL: "https://central.example.org", Token: tok, Fingerprint: fp, InsecureHTTP: true},
		"a short version 2 fingerprint": {URL: "https://central.example.org", Token: tok, Fingerprint: fp[:16], Pin: pin},
	}
	for name, c := range bad {
		t.Run("refused: "+name, func(t *testing.T) {
			if got, err := ParseCode(c.String()); !errors.Is(err, ErrCodeFormat) {
				t.Fatalf("ParseCode(%q) = %+v, %v; want ErrCodeFormat", c.String(), got, err)
			}
		})
	}
}

func TestPinMatchesTheKeyItNames(t *testing.T) {
	a := &x509.Certificate{RawSubjectPublicKeyInfo: []byte("key a")}
	b := &x509.Certificate{RawSubjectPublicKeyInfo: []byte("key b")}
	p := PinOf(PinKey, a)
	if !p.Matches(a) || p.Matches(b) || (TLSPin{}).Matches(a) {
		t.Fatal("a pin matched the wrong key, or no pin matched")
	}
	got, err := ParsePin(strings.ToLower(p.String()))
	if err != nil || got != p {
		t.Fatalf("ParsePin(%q) = %v, %v", p.String(), got, err)
	}
	for _, s := range []string{"X" + p.String()[1:], p.String()[:26], p.String() + "0"} {
		if _, err := ParsePin(s); !errors.Is(err, ErrPinFormat) {
			t.Errorf("ParsePin(%q) err = %v, want ErrPinFormat", s, err)
		}
	}
}

func TestLoopbackHost(t *testing.T) {
	for u, want := range map[string]bool{
		"http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:80": true, "http://127.9.9.9": true,
		"http://10.0.0.5:8080": false, "http://central.example.org": false, "http://localhost.example.org": false,
	} {
		if got := LoopbackHost(u); got != want {
			t.Errorf("LoopbackHost(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestAnswerSignatureBindsRequestStatusAndBody(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	reqSig := SignRequest(priv, PathBatches, []byte("batch"))
	answer := []byte(`{"results":[]}`)
	sig := SignAnswer(priv, PathBatches, reqSig, 200, answer)
	if !VerifyAnswer(pub, PathBatches, reqSig, 200, answer, sig) {
		t.Fatal("answer signature does not verify")
	}
	otherReq := SignRequest(priv, PathBatches, []byte("another batch"))
	for name, ok := range map[string]bool{
		"for another request":     VerifyAnswer(pub, PathBatches, otherReq, 200, answer, sig),
		"with another status":     VerifyAnswer(pub, PathBatches, reqSig, 401, answer, sig),
		"over a changed body":     VerifyAnswer(pub, PathBatches, reqSig, 200, []byte(`{"results":[{}]}`), sig),
		"as a heartbeat answer":   VerifyAnswer(pub, PathHeartbeat, reqSig, 200, answer, sig),
		"as an enrolment answer":  VerifyAnswer(pub, PathEnroll, reqSig, 200, answer, sig),
		"with no binding":         VerifyAnswer(pub, PathBatches, nil, 200, answer, sig),
		"as a campaign signature": VerifyCampaign(pub, 200, answer, sig),
	} {
		if ok {
			t.Errorf("an answer signature verified %s", name)
		}
	}
	if SignAnswer(priv, PathCampaign, reqSig, 200, answer) != nil {
		t.Error("a campaign answer got an answer signature; campaign content has its own")
	}
}
