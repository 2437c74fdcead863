package protocol

import (
	"errors"
	"strings"
	"testing"
)

func TestShortCodeResolvesAgainstItsFleet(t *testing.T) {
	pin := TLSPin{Kind: PinKey, Hash: [pinHashLen]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}
	for _, full := range []ProvisioningCode{
		{URL: "http://127.0.0.1:8080", Token: "7K2M9QX4T8VB", Fingerprint: strings.Repeat("R", fingerprintLen)},
		{URL: "https://central.example.org", Token: "ABCDEFGH1234", Fingerprint: strings.Repeat("5", fingerprintLen), Pin: pin},
		{URL: "http://10.0.0.5:8080", Token: "0000ZZZZ9999", Fingerprint: strings.Repeat("W", fingerprintLen), InsecureHTTP: true},
		{URL: "http://10.0.0.5:8080", Token: "7K2M9QX4T8VB", Fingerprint: "R3N5W8Y2C6H1J4P7"}, // version 1
	} {
		fleet, err := ParseFleet(ProvisioningCode{URL: full.URL, Token: "1111111111AA", Fingerprint: full.Fingerprint, Pin: full.Pin, InsecureHTTP: full.InsecureHTTP}.String())
		if err != nil {
			t.Fatalf("fleet of %s: %v", full, err)
		}
		short := full.Short()
		if len(short) != ShortLen || !IsShortCode(short) || IsShortCode(full.String()) {
			t.Fatalf("short form %q of %s", short, full)
		}
		got, err := ParseShortCode(strings.ToLower(short), fleet)
		if err != nil || got != full {
			t.Fatalf("%q resolved to %+v, %v; want %+v", short, got, err, full)
		}
		// One character off, or the right short code against another
		// central, is caught before anything is sent.
		// (A 2-character check misses one typo in 1024: these two are
		// caught.)
		for _, at := range []int{1, ShortLen - 1} {
			typo := short[:at] + string(crockfordAlphabet[(strings.IndexByte(crockfordAlphabet, short[at])+1)%32]) + short[at+1:]
			if _, err := ParseShortCode(typo, fleet); !errors.Is(err, ErrCodeMistyped) {
				t.Errorf("typo %q: %v", typo, err)
			}
		}
		other := fleet
		other.Fingerprint = strings.Repeat("X", len(fleet.Fingerprint))
		if _, err := ParseShortCode(short, other); !errors.Is(err, ErrCodeMistyped) {
			t.Errorf("%q against another central's fleet: %v", short, err)
		}
	}
	if _, err := ParseShortCode("ABC", ProvisioningCode{}); !errors.Is(err, ErrShortFormat) {
		t.Errorf("3 characters: %v", err)
	}
}
