// Package pinguard guards the kiosk's technician menu with a PIN stored as
// an argon2id hash in the device's settings, and locks it after repeated
// failures, persistently, so restarting the kiosk does not reset the count.
// Canvasser PINs share its format (CheckFormat) and hash (Hash, Verify).
package pinguard

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/voces-cdmx/voces/internal/handoff"
)

// Settings is where the hash and the failure count live: the outbox's
// device settings.
type Settings interface {
	Setting(ctx context.Context, key, def string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// The setting keys (package handoff holds every device setting key).
const (
	keyHash        = handoff.SettingTechPIN
	keyFailures    = handoff.SettingTechPINFailures
	keyLockedUntil = handoff.SettingTechPINLockedUntil
)

// PIN length bounds. Six digits is a million guesses, and five guesses per
// lockout make guessing hopeless; more than twelve nobody remembers.
const (
	MinLength = 6
	MaxLength = 12
)

// Defaults for the lockout.
const (
	DefaultMaxFailures = 5
	DefaultCooldown    = 5 * time.Minute
	// maxCooldown caps the doubling: a technician who lost the PIN can
	// still get in the next day, or re-provision it from a shell.
	maxCooldown = 24 * time.Hour
)

// Params are argon2id's cost parameters; they are stored with each hash so
// a hash made with other parameters still verifies.
type Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams follow RFC 9106's second recommendation (64 MiB, 3
// passes) with two lanes for the two cores of a kiosk board: about half a
// second there, once per technician login.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 2}

// Errors.
var (
	ErrNotSet   = errors.New("no technician PIN is set")
	ErrFormat   = errors.New("a PIN is 6 to 12 digits")
	ErrBadHash  = errors.New("stored PIN hash is malformed")
	ErrMismatch = errors.New("the two PINs differ")
)

// Guard checks PINs against the stored hash and keeps the failure count.
type Guard struct {
	settings Settings

	Now         func() time.Time
	Params      Params        // for new hashes
	MaxFailures int           // failures before a lockout
	Cooldown    time.Duration // first lockout; each further one doubles
}

// New returns a guard over settings with the default lockout policy.
func New(s Settings) *Guard {
	return &Guard{settings: s, Now: time.Now, Params: DefaultParams,
		MaxFailures: DefaultMaxFailures, Cooldown: DefaultCooldown}
}

// CheckFormat refuses a PIN that is not MinLength to MaxLength digits.
func CheckFormat(pin string) error {
	if len(pin) < MinLength || len(pin) > MaxLength {
		return ErrFormat
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return ErrFormat
		}
	}
	return nil
}

// IsSet reports whether a PIN has been provisioned.
func (g *Guard) IsSet(ctx context.Context) (bool, error) {
	h, err := g.settings.Setting(ctx, keyHash, "")
	if err != nil {
		return false, fmt.Errorf("read technician pin: %w", err)
	}
	return h != "", nil
}

// Set stores a new PIN and clears any lockout.
func (g *Guard) Set(ctx context.Context, pin string) error {
	if err := CheckFormat(pin); err != nil {
		return err
	}
	h, err := Hash(pin, g.Params)
	if err != nil {
		return err
	}
	if err := g.settings.SetSetting(ctx, keyHash, h); err != nil {
		return fmt.Errorf("save technician pin: %w", err)
	}
	return g.reset(ctx)
}

// Result is the outcome of a PIN check.
type Result struct {
	OK          bool
	Remaining   int       // failures left before a lockout, when not OK
	LockedUntil time.Time // non-zero while locked out
}

// Locked returns the end of the current lockout, or the zero time.
func (g *Guard) Locked(ctx context.Context) (time.Time, error) {
	v, err := g.settings.Setting(ctx, keyLockedUntil, "")
	if err != nil || v == "" {
		return time.Time{}, err
	}
	until, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		// A damaged value locks rather than unlocks.
		return g.Now().Add(g.Cooldown), nil
	}
	if !g.Now().Before(until) {
		return time.Time{}, nil
	}
	return until, nil
}

// Check verifies pin. While locked out it refuses without looking at the
// PIN. The failure is counted before the slow hash runs, so killing the
// kiosk mid-check does not buy a free guess.
func (g *Guard) Check(ctx context.Context, pin string) (Result, error) {
	if until, err := g.Locked(ctx); err != nil || !until.IsZero() {
		return Result{LockedUntil: until}, err
	}
	stored, err := g.settings.Setting(ctx, keyHash, "")
	if err != nil {
		return Result{}, fmt.Errorf("read technician pin: %w", err)
	}
	if stored == "" {
		return Result{}, ErrNotSet
	}
	failures, err := g.failures(ctx)
	if err != nil {
		return Result{}, err
	}
	failures++
	if err := g.settings.SetSetting(ctx, keyFailures, strconv.Itoa(failures)); err != nil {
		return Result{}, fmt.Errorf("count pin failure: %w", err)
	}
	ok, err := Verify(stored, pin)
	if err != nil {
		return Result{}, err
	}
	if ok {
		return Result{OK: true}, g.reset(ctx)
	}
	limit := max(g.MaxFailures, 1)
	if failures%limit != 0 {
		return Result{Remaining: limit - failures%limit}, nil
	}
	// Each lockout doubles the last: 5 min, 10, 20… up to a day.
	d := g.Cooldown
	for i := 1; i < failures/limit && d < maxCooldown; i++ {
		d *= 2
	}
	d = min(d, maxCooldown)
	until := g.Now().Add(d)
	if err := g.settings.SetSetting(ctx, keyLockedUntil, until.UTC().Format(time.RFC3339Nano)); err != nil {
		return Result{}, fmt.Errorf("save pin lockout: %w", err)
	}
	return Result{LockedUntil: until}, nil
}

func (g *Guard) failures(ctx context.Context) (int, error) {
	v, err := g.settings.Setting(ctx, keyFailures, "0")
	if err != nil {
		return 0, fmt.Errorf("read pin failures: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		// A damaged counter counts as one lockout's worth, not zero.
		return max(g.MaxFailures, 1), nil
	}
	return n, nil
}

func (g *Guard) reset(ctx context.Context) error {
	if err := g.settings.SetSetting(ctx, keyFailures, "0"); err != nil {
		return fmt.Errorf("reset pin failures: %w", err)
	}
	if err := g.settings.SetSetting(ctx, keyLockedUntil, ""); err != nil {
		return fmt.Errorf("reset pin lockout: %w", err)
	}
	return nil
}

var b64 = base64.RawStdEncoding

// Hash returns pin hashed with argon2id and a fresh salt, in the PHC
// string format: $argon2id$v=19$m=65536,t=3,p=2$salt$hash.
func Hash(pin string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash pin: %w", err)
	}
	key := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pin matches an encoded hash.
func Verify(encoded, pin string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Time == 0 || p.Threads == 0 || p.Memory > 4<<20 {
		return false, ErrBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
