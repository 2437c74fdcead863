package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for operator passwords: RFC 9106's second
// recommended setting (64 MiB, 3 passes). A login costs the server about a
// tenth of a second, which the login rate limit keeps affordable, and costs
// an attacker with a stolen database the same per guess.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 4
	argonKeyLen  = 32
	argonSaltLen = 16
)

// MinPasswordLength is the shortest operator password accepted.
const MinPasswordLength = 10

// ErrWeakPassword is returned for a password shorter than MinPasswordLength.
var ErrWeakPassword = fmt.Errorf("password must have at least %d characters", MinPasswordLength)

// HashPassword returns password's argon2id hash in PHC string form
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash), which records its parameters so
// they can be raised later without breaking stored hashes.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLength {
		return "", ErrWeakPassword
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash from HashPassword.
// It returns an error only for a hash it cannot read.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("check password: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("check password: unsupported argon2 version %q", parts[2])
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, fmt.Errorf("check password: parameters %q: %w", parts[3], err)
	}
	// Bounds keep a tampered hash from making the server allocate
	// gigabytes or spin for minutes.
	if memory == 0 || memory > 1<<21 || passes == 0 || passes > 20 || threads == 0 {
		return false, fmt.Errorf("check password: parameters %q out of range", parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("check password: salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errors.New("check password: bad hash encoding")
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// DefaultHashWait is how long a sign-in that finds every password check
// busy waits for one, which an operator does not notice, before it is told
// to come back.
const (
	DefaultHashWait = 2 * time.Second
	// hashRetry is the Retry-After of a sign-in turned away busy.
	hashRetry = 2 * time.Second
)

// DefaultMaxHashes is how many password checks may run at once: one per
// four cores. Each check holds argonMemory (64 MiB) for about a tenth of a
// second and already runs argonThreads lanes in parallel, so more at once
// would add memory, not speed. On two cores a storm of sign-ins costs
// central one check's memory, however many addresses it comes from.
func DefaultMaxHashes() int { return max(1, runtime.GOMAXPROCS(0)/argonThreads) }

// hashGate is a semaphore over password checks, shared by every sign-in
// of a Handler (one per server), so memory for them is bounded whatever
// the number of addresses sign-ins come from.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration // how long to wait for a slot; ≤ 0: not at all
}

func newHashGate(n int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// run calls check when a slot is free within the wait, and reports false
// when none was.
func (g *hashGate) run(ctx context.Context, check func()) bool {
	select {
	case g.slots <- struct{}{}:
	default:
		if g.wait <= 0 {
			return false
		}
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
	defer func() { <-g.slots }()
	// Each check leaves its 64 MiB as garbage. Left to the collector's
	// pace, which sets its target from a heap that had a check in it, a
	// few checks' worth pile up (a sign-in storm took central's peak from
	// 60 to 245 MB that way); collected just before the next check
	// allocates, that check reuses the memory. A collection costs a few
	// milliseconds next to the check's hundred.
	runtime.GC()
	check()
	return true
}

// dummyHash is checked against when an account does not exist, so a login
// for an unknown name takes as long as one for a known name. Checking costs
// the same for any hash with the current parameters, so it needs no real
// salt or key (and costs nothing to make): no account has it, and a login
// for an unknown name fails whatever the check says.
var dummyHash = sync.OnceValue(func() string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(make([]byte, argonSaltLen)), b64.EncodeToString(make([]byte, argonKeyLen)))
})
