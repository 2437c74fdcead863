package central

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/curve25519"

	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Files in central's data directory. The key files are private (0600) and
// must be backed up with the database: without seal.key no sealed body can
// ever be opened, and without server.key enrolled devices reject every new
// campaign version.
//
// seal.key may be moved off the server once seal.pub is there: central
// only needs the public half to enroll devices, and exports take the
// private key from a trusted machine (central export --key). Without it,
// survey answers are not aggregated on the server.
const (
	DBFile         = "central.db" // SQLite database (with -wal and -shm next to it)
	SealKeyFile    = "seal.key"   // campaign X25519 private key, 32 bytes; may live elsewhere
	SealPublicFile = "seal.pub"   // campaign X25519 public key, 32 bytes
	DedupeKeyFile  = "dedupe.key" // HMAC key for blind signer indexes, 32 bytes
	ServerKeyFile  = "server.key" // central's Ed25519 seed, 32 bytes
	PublicURLFile  = "public-url" // the URL devices use, one line, for `central token`
	// RollKeyFile is the HMAC key the electoral roll is hashed under (see
	// internal/roll), 32 bytes. It lives with seal.key: where it is not, a
	// copy of the database does not give away the roll, and supports are
	// not checked against it. `central roll import` makes it on first use.
	RollKeyFile = "roll.key"
)

// RollKeySize is the length of the roll key.
const RollKeySize = 32

// LoadRollKey reads the roll key of dir; with create, a missing one is
// made (0600). Without create, a missing key is fs.ErrNotExist.
func LoadRollKey(dir string, create bool) ([]byte, error) {
	name := filepath.Join(dir, RollKeyFile)
	b, err := os.ReadFile(name)
	switch {
	case err == nil && len(b) != RollKeySize:
		return nil, fmt.Errorf("read %s: %d bytes, want %d", RollKeyFile, len(b), RollKeySize)
	case err == nil:
		return b, nil
	case !errors.Is(err, fs.ErrNotExist) || !create:
		return nil, fmt.Errorf("read %s: %w", RollKeyFile, err)
	}
	key := make([]byte, RollKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make roll key: %w", err)
	}
	if err := writeFileAtomic(name, key, 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", RollKeyFile, err)
	}
	return key, nil
}

// DedupeKeySize is the length of the blind-index key.
const DedupeKeySize = 32

// ErrNotInitialized means a data directory has no keys yet: `central serve`
// has never run on it.
var ErrNotInitialized = errors.New("data directory is not initialised: run `central serve --data DIR` once first")

// Keys are central's secrets.
type Keys struct {
	SealPublic  *[32]byte          // devices seal bodies to it
	SealPrivate *[32]byte          // opens sealed bodies; nil when kept off the server
	Dedupe      []byte             // devices make blind signer indexes with it
	Signing     ed25519.PrivateKey // signs campaign content
}

// ServerKey is central's public key, given to devices at enrollment.
func (k *Keys) ServerKey() ed25519.PublicKey {
	return k.Signing.Public().(ed25519.PublicKey)
}

// Fingerprint is the server key's short form in provisioning codes.
func (k *Keys) Fingerprint() string {
	return protocol.Fingerprint(k.ServerKey())
}

// keyFiles are written on first start, in this order; a directory is
// complete with all of them, or with all but seal.key (moved off the
// server on purpose).
var keyFiles = []string{SealKeyFile, SealPublicFile, DedupeKeyFile, ServerKeyFile}

// InitDir creates dir (0700) and, if it holds no keys yet, generates them.
// It refuses a directory with only some of the key files, or with a
// database but no keys: making new keys there would orphan what the
// database holds.
func InitDir(dir string) (*Keys, error) {
	if sub := nestedDataDir(dir); sub != "" {
		return nil, fmt.Errorf("%w: %s holds a central in %s: use --data %s", ErrWrongDataDir, dir, sub, sub)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	present := map[string]bool{}
	for _, name := range keyFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			present[name] = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("check key file: %w", err)
		}
	}
	switch {
	case present[DedupeKeyFile] && present[ServerKeyFile] && (present[SealKeyFile] || present[SealPublicFile]):
		// Complete, or made before seal.pub existed: LoadKeys derives
		// and records the public half.
		return LoadKeys(dir)
	case len(present) > 0:
		return nil, fmt.Errorf("data directory %s has only some of its key files (%s); restore them from a backup",
			dir, strings.Join(keyFiles, ", "))
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); err == nil {
		return nil, fmt.Errorf("data directory %s has a database but no keys; restore %s from a backup",
			dir, strings.Join(keyFiles, ", "))
	}
	k, err := newKeys()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		SealKeyFile:    k.SealPrivate[:],
		SealPublicFile: k.SealPublic[:],
		DedupeKeyFile:  k.Dedupe,
		ServerKeyFile:  k.Signing.Seed(),
	}
	// The server key is written last: LoadKeys and InitDir treat a
	// directory with it and the others as complete.
	for _, name := range keyFiles {
		if err := writeFileAtomic(filepath.Join(dir, name), files[name], 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	return k, nil
}

func newKeys() (*Keys, error) {
	pub, priv, err := record.NewCampaignKey()
	if err != nil {
		return nil, fmt.Errorf("make campaign key: %w", err)
	}
	dedupe := make([]byte, DedupeKeySize)
	if _, err := rand.Read(dedupe); err != nil {
		return nil, fmt.Errorf("make dedupe key: %w", err)
	}
	_, signing, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("make server key: %w", err)
	}
	return &Keys{SealPublic: pub, SealPrivate: priv, Dedupe: dedupe, Signing: signing}, nil
}

// ErrWrongDataDir means the directory given is not central's data
// directory but holds one a level down (var/demo rather than
// var/demo/central): `central serve` there would start a second, empty
// central, so the error names the right one instead.
var ErrWrongDataDir = errors.New("not central's data directory")

// nestedDataDir returns a directory right under dir holding central's
// keys, or "" if there is none or dir holds keys itself.
func nestedDataDir(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, ServerKeyFile)); err == nil {
		return ""
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sub, ServerKeyFile)); e.IsDir() && err == nil {
			return sub
		}
	}
	return ""
}

// LoadKeys reads the keys of an initialised data directory.
func LoadKeys(dir string) (*Keys, error) {
	if sub := nestedDataDir(dir); sub != "" {
		return nil, fmt.Errorf("%w: %s holds a central in %s: use --data %s", ErrWrongDataDir, dir, sub, sub)
	}
	read := func(name string, size int) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w (%s has no %s)", ErrNotInitialized, dir, name)
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if len(b) != size {
			return nil, fmt.Errorf("read %s: %d bytes, want %d", name, len(b), size)
		}
		return b, nil
	}
	dedupe, err := read(DedupeKeyFile, DedupeKeySize)
	if err != nil {
		return nil, err
	}
	seed, err := read(ServerKeyFile, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	k := &Keys{Dedupe: dedupe, Signing: ed25519.NewKeyFromSeed(seed)}
	seal, err := read(SealKeyFile, 32)
	switch {
	case err == nil:
		pubBytes, err := curve25519.X25519(seal, curve25519.Basepoint)
		if err != nil {
			return nil, fmt.Errorf("derive campaign public key: %w", err)
		}
		var pub, priv [32]byte
		copy(pub[:], pubBytes)
		copy(priv[:], seal)
		k.SealPublic, k.SealPrivate = &pub, &priv
	case !errors.Is(err, ErrNotInitialized):
		return nil, err
	}
	sealPub, err := read(SealPublicFile, 32)
	switch {
	case err == nil && k.SealPublic != nil && !bytes.Equal(sealPub, k.SealPublic[:]):
		return nil, fmt.Errorf("%s and %s in %s are not a key pair; restore them from a backup", SealKeyFile, SealPublicFile, dir)
	case err == nil:
		var pub [32]byte
		copy(pub[:], sealPub)
		k.SealPublic = &pub
	case errors.Is(err, ErrNotInitialized) && k.SealPublic != nil:
		// A directory from before seal.pub: record the public half so the
		// private key can later be moved off the server.
		if err := writeFileAtomic(filepath.Join(dir, SealPublicFile), k.SealPublic[:], 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", SealPublicFile, err)
		}
	case errors.Is(err, ErrNotInitialized):
		return nil, fmt.Errorf("%w (%s has neither %s nor %s)", ErrNotInitialized, dir, SealKeyFile, SealPublicFile)
	default:
		return nil, err
	}
	return k, nil
}

// WritePublicURL records the URL devices must use, for `central token`.
func WritePublicURL(dir, u string) error {
	if err := checkURL(u); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, PublicURLFile), []byte(u+"\n"), 0o644); err != nil {
		return fmt.Errorf("write public url: %w", err)
	}
	return nil
}

// ReadPublicURL returns the URL the server last recorded.
func ReadPublicURL(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, PublicURLFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w (%s has no %s)", ErrNotInitialized, dir, PublicURLFile)
	}
	if err != nil {
		return "", fmt.Errorf("read public url: %w", err)
	}
	u := strings.TrimSpace(string(b))
	if err := checkURL(u); err != nil {
		return "", err
	}
	return u, nil
}

func checkURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || strings.Contains(u, "#") {
		return fmt.Errorf("public url %q is not an http(s) URL with a host", u)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file, syncs it and renames it
// over name, so a crash leaves either the old file or the whole new one.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
