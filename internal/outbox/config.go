package outbox

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// Identity is who the device is to central, written once by enrollment.
type Identity struct {
	DeviceID   string             `json:"device_id"`
	Name       string             `json:"name"`
	Mode       string             `json:"mode"` // record.ModeKiosk or record.ModeCanvasser
	ServerURL  string             `json:"server_url"`
	ServerKey  ed25519.PublicKey  `json:"server_key"` // verifies campaign content
	DeviceKey  ed25519.PrivateKey `json:"device_key"` // signs records, batches, heartbeats
	CampaignID string             `json:"campaign_id"`
	SealKey    [32]byte           `json:"seal_key"`   // campaign public key
	DedupeKey  []byte             `json:"dedupe_key"` // for blind signer indexes
	EnrolledAt time.Time          `json:"enrolled_at"`
	// TLSPin is the provisioning code's pin of central's TLS key or CA
	// (protocol.TLSPin's text form), "" for none: every connection to
	// central is checked against it, not only the enrolment.
	TLSPin string `json:"tls_pin,omitempty"`
	// InsecureHTTP is the code's permission to use plain http:// to a
	// host that is not loopback.
	InsecureHTTP bool `json:"insecure_http,omitempty"`
}

// Keys returns what record.Build needs.
func (id *Identity) Keys() *record.Keys {
	seal := id.SealKey
	return &record.Keys{DeviceID: id.DeviceID, SealTo: &seal, DedupeKey: id.DedupeKey}
}

// Identity returns the device identity, or ErrNotEnrolled.
func (s *Store) Identity(ctx context.Context) (*Identity, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM config WHERE key = 'identity'`).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, fmt.Errorf("read identity: %w", err)
	}
	var id Identity
	if err := json.Unmarshal(raw, &id); err != nil {
		return nil, fmt.Errorf("read identity: %w", err)
	}
	if len(id.DeviceKey) != ed25519.PrivateKeySize || id.DeviceID == "" {
		return nil, fmt.Errorf("read identity: incomplete identity")
	}
	return &id, nil
}

// SetIdentity stores the device identity. A device with records from
// another identity still pending refuses: those records would be stranded.
// Otherwise a different identity starts afresh: the old identity's records
// and campaigns are removed in the same transaction.
func (s *Store) SetIdentity(ctx context.Context, id *Identity) error {
	raw, err := json.Marshal(id)
	if err != nil {
		return fmt.Errorf("save identity: %w", err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var current string
		err := tx.QueryRowContext(ctx, `SELECT value FROM config WHERE key = 'device_id'`).Scan(&current)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if current != "" && current != id.DeviceID {
			c, err := counts(ctx, tx)
			if err != nil {
				return err
			}
			if c.Pending > 0 {
				return fmt.Errorf("%d records of device %s are still pending: sync or export them first", c.Pending, current)
			}
			// A new identity is a new device to central: its sequence
			// starts at 1 (numbering on from the old records would show
			// central a gap it can never fill), and the old campaign was
			// signed for the old enrollment. Every old record is at
			// central or was refused by it. Settings and the PIN belong
			// to the hardware and stay.
			for _, q := range []string{`DELETE FROM records`, `DELETE FROM campaigns`, `DELETE FROM config WHERE key = 'queue.head'`} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
		}
		for k, v := range map[string][]byte{"identity": raw, "device_id": []byte(id.DeviceID)} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO config (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save identity: %w", err)
	}
	// An enrolled device starts with its disk reserve, so it can drain
	// even if the disk fills before syncd first writes.
	s.keepReserve()
	return nil
}

// Setting returns a device setting, or def when it was never set.
func (s *Store) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM config WHERE key = ?`, "setting."+key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return def, fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a device setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.putConfig(ctx, "setting."+key, []byte(value))
}

func (s *Store) putConfig(ctx context.Context, key string, value []byte) error {
	return s.putConfigWith(ctx, s.write, key, value)
}

// putConfigWith stores one config value through write (s.write, or
// s.drainWrite for syncd's bookkeeping).
func (s *Store) putConfigWith(ctx context.Context, write func(context.Context, func(*sql.Tx) error) error, key string, value []byte) error {
	err := write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO config (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("save %s: %w", key, err)
	}
	return nil
}

// SyncStatus is what syncd last did, for the kiosk's status strip, the
// technician's health screen and `syncd status`.
type SyncStatus struct {
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	// Stopped is set when central refused the device for good (revoked,
	// unknown): uploads stop until a technician acts.
	Stopped string `json:"stopped,omitempty"`
}

// SyncStatus returns the last status syncd wrote; zero if none.
func (s *Store) SyncStatus(ctx context.Context) (SyncStatus, error) {
	var st SyncStatus
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM config WHERE key = 'sync.status'`).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read sync status: %w", err)
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, fmt.Errorf("read sync status: %w", err)
	}
	return st, nil
}

// SetSyncStatus replaces the sync status. Like Apply it may use the disk
// reserve: a full disk is exactly when the technician needs the status.
func (s *Store) SetSyncStatus(ctx context.Context, st SyncStatus) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save sync status: %w", err)
	}
	return s.putConfigWith(ctx, s.drainWrite, "sync.status", raw)
}

// StoredCampaign is campaign content as central signed it.
type StoredCampaign struct {
	Version    int
	Content    []byte // campaign JSON
	Signature  []byte // central's Ed25519 signature over Content
	ETag       string
	ReceivedAt time.Time
}

// SaveCampaign stores a campaign version the caller has verified. Saving a
// version that is already stored changes nothing.
func (s *Store) SaveCampaign(ctx context.Context, c StoredCampaign) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO campaigns (version, content, signature, etag, received_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (version) DO NOTHING`,
			c.Version, c.Content, c.Signature, c.ETag, s.nowMS())
		return err
	})
	if err != nil {
		return fmt.Errorf("save campaign %d: %w", c.Version, err)
	}
	return nil
}

// LatestCampaign returns the newest stored campaign, or ErrNoCampaign.
func (s *Store) LatestCampaign(ctx context.Context) (*StoredCampaign, error) {
	var c StoredCampaign
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT version, content, signature, etag, received_at FROM campaigns
		ORDER BY version DESC LIMIT 1`).Scan(&c.Version, &c.Content, &c.Signature, &c.ETag, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoCampaign
	}
	if err != nil {
		return nil, fmt.Errorf("read campaign: %w", err)
	}
	c.ReceivedAt = time.UnixMilli(at)
	return &c, nil
}
