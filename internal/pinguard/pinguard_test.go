package pinguard

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// settings is an in-memory Settings, like the outbox's config table.
type settings map[string]string

func (s settings) Setting(_ context.Context, key, def string) (string, error) {
	if v, ok := s[key]; ok {
		return v, nil
	}
	return def, nil
}

func (s settings) SetSetting(_ context.Context, key, value string) error {
	s[key] = value
	return nil
}

// cheap keeps argon2 fast in tests; the parameters travel with the hash.
var cheap = Params{Time: 1, Memory: 64, Threads: 1}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newGuard(s settings, c *clock) *Guard {
	g := New(s)
	g.Params = cheap
	g.Now = c.now
	return g
}

func TestHashVerifies(t *testing.T) {
	h, err := Hash("246810", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not in PHC argon2id form", h)
	}
	tests := []struct {
		pin  string
		want bool
	}{
		{"246810", true},
		{"246811", false},
		{"", false},
		{"2468100", false},
	}
	for _, tc := range tests {
		t.Run(tc.pin, func(t *testing.T) {
			ok, err := Verify(h, tc.pin)
			if err != nil || ok != tc.want {
				t.Fatalf("Verify(%q) = %v, %v; want %v", tc.pin, ok, err, tc.want)
			}
		})
	}
}

func TestSameHashTwiceDiffers(t *testing.T) {
	a, _ := Hash("246810", cheap)
	b, _ := Hash("246810", cheap)
	if a == b {
		t.Fatal("two hashes of one PIN are equal: the salt is not random")
	}
}

func TestMalformedHashesAreRefused(t *testing.T) {
	for _, h := range []string{
		"",
		"246810",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$",
	} {
		if _, err := Verify(h, "246810"); !errors.Is(err, ErrBadHash) {
			t.Errorf("Verify(%q) error = %v, want ErrBadHash", h, err)
		}
	}
}

func TestPINFormat(t *testing.T) {
	tests := []struct {
		pin string
		ok  bool
	}{
		{"123456", true},
		{"123456789012", true},
		{"12345", false},
		{"1234567890123", false},
		{"12345a", false},
		{"12 3456", false},
		{"١٢٣٤٥٦", false}, // Arabic-Indic digits are not on the keypad
	}
	for _, tc := range tests {
		t.Run(tc.pin, func(t *testing.T) {
			if err := CheckFormat(tc.pin); (err == nil) != tc.ok {
				t.Fatalf("CheckFormat(%q) = %v, want ok=%v", tc.pin, err, tc.ok)
			}
		})
	}
}

func TestCheckWithoutPIN(t *testing.T) {
	g := newGuard(settings{}, &clock{time.Now()})
	if set, _ := g.IsSet(context.Background()); set {
		t.Fatal("a fresh device reports a PIN")
	}
	if _, err := g.Check(context.Background(), "123456"); !errors.Is(err, ErrNotSet) {
		t.Fatalf("Check without a PIN: %v, want ErrNotSet", err)
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	s := settings{}
	g := newGuard(s, c)
	if err := g.Set(ctx, "246810"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		r, err := g.Check(ctx, "000000")
		if err != nil || r.OK || r.Remaining != 5-i || !r.LockedUntil.IsZero() {
			t.Fatalf("failure %d: %+v, %v; want %d remaining", i, r, err, 5-i)
		}
	}
	r, err := g.Check(ctx, "000000")
	if err != nil || r.LockedUntil != c.t.Add(DefaultCooldown) {
		t.Fatalf("fifth failure: %+v, %v; want locked for %v", r, err, DefaultCooldown)
	}

	// The right PIN is refused while locked, even from a new process.
	restarted := newGuard(s, c)
	if r, err := restarted.Check(ctx, "246810"); err != nil || r.OK || r.LockedUntil.IsZero() {
		t.Fatalf("right PIN during lockout after restart: %+v, %v; want refused", r, err)
	}

	c.t = c.t.Add(DefaultCooldown)
	if r, err := restarted.Check(ctx, "246810"); err != nil || !r.OK {
		t.Fatalf("right PIN after the cooldown: %+v, %v; want OK", r, err)
	}
	// Success resets the count: five fresh tries.
	if r, _ := restarted.Check(ctx, "000000"); r.Remaining != 4 {
		t.Fatalf("after a success, a failure leaves %d tries, want 4", r.Remaining)
	}
}

func TestEachLockoutIsLonger(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	g := newGuard(settings{}, c)
	if err := g.Set(ctx, "246810"); err != nil {
		t.Fatal(err)
	}
	want := DefaultCooldown
	for round := 1; round <= 3; round++ {
		var r Result
		for range DefaultMaxFailures {
			r, _ = g.Check(ctx, "000000")
		}
		if got := r.LockedUntil.Sub(c.t); got != want {
			t.Fatalf("lockout %d lasts %v, want %v", round, got, want)
		}
		c.t = r.LockedUntil
		want *= 2
	}
}

func TestFailureIsCountedEvenWhenTheCheckBreaks(t *testing.T) {
	ctx := context.Background()
	s := settings{keyHash: "$argon2id$damaged"}
	g := newGuard(s, &clock{time.Now()})
	if _, err := g.Check(ctx, "246810"); !errors.Is(err, ErrBadHash) {
		t.Fatalf("Check against a damaged hash: %v, want ErrBadHash", err)
	}
	if s[keyFailures] != "1" {
		t.Fatalf("failure count after a broken check = %q, want 1", s[keyFailures])
	}
}

func TestDamagedLockoutValueStaysLocked(t *testing.T) {
	c := &clock{time.Now()}
	g := newGuard(settings{keyLockedUntil: "tomorrow-ish"}, c)
	until, err := g.Locked(context.Background())
	if err != nil || until.IsZero() {
		t.Fatalf("Locked with a damaged value = %v, %v; want locked", until, err)
	}
}
