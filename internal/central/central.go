// Package central is the collection server: it enrolls devices, ingests
// their batches idempotently, publishes signed campaign content and keeps
// the counts operators read.
//
// Open runs a node (a *Node): keys loaded and checked against the
// database, campaign published, ingest writer and the workers that need
// the campaign key (survey aggregation; the body check that quarantines
// records whose sealed body does not open, quarantine.go) started, HTTP
// handler ready; bundle import with its trust rules is a method of
// the node. The domain types, the store interfaces (Store, and
// OperationsStore, which both backends implement in full) and the
// counting rules both stores follow (counting.go: what an accepted record
// adds, bucket widths, gaps, TallyBuilder and StatsBuilder) live here.
// Backends live in subpackages named for their database (sqlitestore,
// pgstore); backend opens one by name, report prints what the command
// line shows, centraltest runs a node for tests.
package central

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

// Errors stores and the server return; the HTTP layer maps each to one
// protocol error code.
var (
	ErrNotFound      = errors.New("not found")
	ErrBadCode       = errors.New("provisioning code is not known to this server")
	ErrCodeUsed      = errors.New("provisioning code was already used to enroll a device")
	ErrCodeExpired   = errors.New("provisioning code has expired")
	ErrRevoked       = errors.New("device has been revoked")
	ErrVersionExists = errors.New("campaign version already published")
	ErrExists        = errors.New("already exists")
	ErrClosed        = errors.New("central server is closed")
	ErrBusy          = errors.New("central is busy: its queue of batches waiting for the database is full")
)

// Channels say how a record reached central. Devices' own uploads use the
// record's collection mode; bundles carried on a USB stick use ChannelBundle.
const (
	ChannelKiosk     = record.ModeKiosk
	ChannelCanvasser = record.ModeCanvasser
	ChannelBundle    = "bundle"
)

// DeviceState is whether a device may upload.
type DeviceState string

// Device states.
const (
	DeviceActive  DeviceState = "active"
	DeviceRevoked DeviceState = "revoked"
)

// DeviceStates lists every state, in the order reports show them.
var DeviceStates = []DeviceState{DeviceActive, DeviceRevoked}

// Device is an enrolled device: its identity and the key that signs its
// requests and records.
type Device struct {
	ID         string
	PublicKey  ed25519.PublicKey
	Name       string
	Mode       string // record.ModeKiosk or record.ModeCanvasser
	AppVersion string
	EnrolledAt time.Time
	RevokedAt  time.Time // zero unless revoked
	LastSeen   time.Time // last authenticated request; zero if none since enrollment
}

// State reports whether the device is active or revoked.
func (d *Device) State() DeviceState {
	if d.RevokedAt.IsZero() {
		return DeviceActive
	}
	return DeviceRevoked
}

// Health is the last heartbeat a device sent.
type Health struct {
	ReceivedAt time.Time
	Heartbeat  protocol.Heartbeat
}

// DeviceInfo is a device with what central knows of its progress, for
// listings.
type DeviceInfo struct {
	Device
	Records int64   // records central holds from it
	LastSeq uint64  // highest sequence number central holds from it
	Health  *Health // nil until its first heartbeat
}

// Token is a stored provisioning token. Only its hash is kept, so a copy
// of the database does not hand out working codes.
type Token struct {
	Hash      []byte
	Mode      string // device mode the code enrolls; "" lets the device say
	Name      string // device name; "" lets the device say
	CreatedAt time.Time
	ExpiresAt time.Time
}

// HashToken is the form a token is stored and looked up in. It normalises
// what a technician may have typed the way protocol.ParseCode does.
func HashToken(token string) []byte {
	t := strings.ToUpper(strings.TrimSpace(token))
	t = strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(t)
	h := sha256.Sum256([]byte("voces/token/v1\x00" + t))
	return h[:]
}

// PublishedCampaign is one signed version of the campaign content. Content
// is the exact JSON the signature covers; its "version" field equals
// Version.
type PublishedCampaign struct {
	Version     int
	CampaignID  string
	Content     []byte
	Signature   []byte
	PublishedAt time.Time
	PublishedBy string // the operator, or the file's name for a file publish; "" before migration 0008
	Source      string // SourceFile or SourceDashboard; "" (before migration 0008) counts as a file
}

// Incoming is a record that passed every check that needs no database:
// decoded, from the right device, signature verified, campaign and subject
// known. Stores file it by Record.ID.
type Incoming struct {
	Record  *record.Record
	Data    []byte   // the canonical encoding exactly as received
	Hash    [32]byte // SHA-256 of Data: equal hashes are duplicates, different ones conflicts
	Receipt string   // record.ReceiptCode(Record.ID)
	Channel string   // ChannelKiosk, ChannelCanvasser or ChannelBundle
}

// IngestBatch is the checked part of one upload from one device.
type IngestBatch struct {
	DeviceID string
	Records  []Incoming
}
