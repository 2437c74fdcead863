package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
)

// State is where a record is on its way to central.
type State int

// Records move pending → synced or pending → dead, and never back: the
// queue head that readers start from relies on it.
const (
	StatePending State = 0
	StateSynced  State = 1
	StateDead    State = 2
)

func (s State) String() string {
	switch s {
	case StatePending:
		return "pending"
	case StateSynced:
		return "synced"
	case StateDead:
		return "dead"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Append validates and seals a draft, and stores it as the device's next
// record. When it returns nil the record is on disk and will survive a
// power cut; when it returns an error nothing was stored.
//
// A signature by a person who already supported the same proposal on this
// device is refused with ErrDuplicate.
func (s *Store) Append(ctx context.Context, d *record.Draft, c *campaign.Campaign) (*record.Record, error) {
	id, err := s.Identity(ctx)
	if err != nil {
		return nil, err
	}
	r, err := record.Build(d, c, id.Keys(), s.Now())
	if err != nil {
		return nil, err
	}
	if err := s.AppendRecord(ctx, r, id); err != nil {
		return nil, err
	}
	return r, nil
}

// AppendRecord assigns the next sequence number to a sealed record, signs
// it with the device key and stores it, all in one transaction: the
// sequence has no gaps because a number is only taken by a commit.
//
// The kiosk stores one record at a time, and each is a commit the person
// at the screen waits for, so this path does its CPU work before the write
// lock: it numbers the record after the last one this process stored,
// signs it, and stores it with one guarded statement. When the guess was
// wrong (first append in this process, another process appended, the
// identity changed, a duplicate signer) nothing was stored and the record
// goes through AppendRecords, which finds out why.
func (s *Store) AppendRecord(ctx context.Context, r *record.Record, id *Identity) error {
	if r.DeviceID != id.DeviceID {
		return fmt.Errorf("append record: made for device %q, this is %q", r.DeviceID, id.DeviceID)
	}
	s.appendMu.Lock()
	defer s.appendMu.Unlock()
	if s.last > 0 {
		stored, err := s.insert(ctx, s.stmtGuard, r, s.last+1, id)
		if err != nil {
			return fmt.Errorf("save record: %w", err)
		}
		if stored {
			s.last = r.Seq
			return nil
		}
	}
	s.slow++
	return s.appendRecords(ctx, []*record.Record{r}, id)
}

// AppendRecords stores several sealed records in one transaction: all of
// them or none. Simulators and imports use it; the kiosk saves one person's
// input at a time.
func (s *Store) AppendRecords(ctx context.Context, rs []*record.Record, id *Identity) error {
	for _, r := range rs {
		if r.DeviceID != id.DeviceID {
			return fmt.Errorf("append record: made for device %q, this is %q", r.DeviceID, id.DeviceID)
		}
	}
	s.appendMu.Lock()
	defer s.appendMu.Unlock()
	return s.appendRecords(ctx, rs, id)
}

// appendRecords is AppendRecords with appendMu held. It reads the device
// and the last number under the write lock, so when the guarded insert
// then stores nothing, the only check left to fail is the signer's.
func (s *Store) appendRecords(ctx context.Context, rs []*record.Record, id *Identity) error {
	s.last = 0
	var last uint64
	err := s.write(ctx, func(tx *sql.Tx) error {
		var current sql.NullString
		if err := tx.StmtContext(ctx, s.stmtHead).QueryRowContext(ctx).Scan(&current, &last); err != nil {
			return err
		}
		if current.String != id.DeviceID {
			return fmt.Errorf("device identity changed while saving: %w", ErrNotEnrolled)
		}
		stmt := tx.StmtContext(ctx, s.stmtGuard)
		for _, r := range rs {
			last++
			stored, err := s.insert(ctx, stmt, r, last, id)
			if err != nil {
				return err
			}
			if !stored {
				return ErrDuplicate
			}
		}
		return nil
	})
	if err != nil {
		for _, r := range rs {
			r.Seq, r.Sig = 0, nil
		}
		if errors.Is(err, ErrDuplicate) || errors.Is(err, ErrNotEnrolled) {
			return err
		}
		return fmt.Errorf("save record: %w", err)
	}
	s.last = last
	return nil
}

// insert signs r as number seq and stores it with guardedInsertSQL (stmt,
// alone or in a transaction). It reports whether the guard let it in; when
// it did not, or on an error, r is left unnumbered and unsigned.
func (s *Store) insert(ctx context.Context, stmt *sql.Stmt, r *record.Record, seq uint64, id *Identity) (bool, error) {
	r.Seq = seq
	r.Sign(id.DeviceKey)
	data := r.Marshal()
	var signer any
	if r.SignerIndex != nil {
		signer = r.SignerIndex
	}
	res, err := stmt.ExecContext(ctx,
		r.Seq, r.ID.String(), string(r.Kind), r.SubjectID, r.EventID, signer,
		r.DeviceTime.UnixMilli(), s.nowMS(), len(data), data, []byte(id.DeviceID))
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil || n != 1 {
		r.Seq, r.Sig = 0, nil
	}
	return n == 1, err
}

// HasSigned reports whether the person behind a blind signer index already
// supported subject on this device.
func (s *Store) HasSigned(ctx context.Context, subject string, signerIndex []byte) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, signedSQL, subject, signerIndex).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check signer: %w", err)
	}
	return n > 0, nil
}

// The queries below need no index that a new record lands in, so a commit
// writes one b-tree page fewer (migrations/0002_queue_head.sql): pending
// records are read in seq order from the queue head, and finished ones
// through the records_done partial index, which a query can only use by
// repeating its "state != 0".
const (
	// headSQL is the queue head: no record below it is pending. A file
	// without the key (just wiped) starts from the beginning.
	headSQL = `(SELECT coalesce((SELECT value FROM config WHERE key = 'queue.head'), 0))`

	// advanceHeadSQL moves the head to the first pending record at or
	// after it, or past the last record when nothing is pending. Apply
	// runs it in its transaction, so no record can appear or change
	// state meanwhile. The scan covers only what Apply just finished.
	advanceHeadSQL = `INSERT INTO config (key, value) VALUES ('queue.head', coalesce(
		(SELECT seq FROM records WHERE seq >= ` + headSQL + ` AND state = 0 ORDER BY seq LIMIT 1),
		(SELECT coalesce(max(seq), 0) + 1 FROM records)))
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value`

	nextBatchSQL = `SELECT seq, id, data FROM records WHERE seq >= ` + headSQL + ` AND state = 0 ORDER BY seq LIMIT ?`

	// eachPendingSQL reads one page of pending records after a seq.
	eachPendingSQL = `SELECT seq, id, data FROM records WHERE seq >= max(?, ` + headSQL + `) AND state = 0 ORDER BY seq LIMIT 500`

	// countsSQL is one statement, so one snapshot: pending is derived
	// from the other three and must not mix two moments.
	countsSQL = `SELECT
		(SELECT count(*) FROM records WHERE state != 0 AND state = 1),
		(SELECT count(*) FROM records WHERE state != 0 AND state = 2),
		(SELECT coalesce(max(seq), 0) FROM records),
		(SELECT created_at FROM records WHERE seq >= ` + headSQL + ` AND state = 0 ORDER BY seq LIMIT 1)`

	deadRecordsSQL = `SELECT seq, id, kind, device_time, state_at, reason FROM records
		WHERE state != 0 AND state = 2 ORDER BY seq DESC LIMIT ?`

	purgeSQL = `UPDATE records SET data = NULL
		WHERE state != 0 AND state = 1 AND state_at < ? AND data IS NOT NULL`

	// lastPendingSQL scans down from the newest record, which is usually
	// the pending one it looks for.
	lastPendingSQL = `SELECT seq FROM records WHERE seq >= ` + headSQL + ` AND state = 0 ORDER BY seq DESC LIMIT 1`
)

// Pending is a record waiting to be uploaded, in its stored encoding.
type Pending struct {
	Seq  uint64
	ID   uuid.UUID
	Data []byte
}

// NextBatch returns the oldest pending records, in sequence order, whose
// encodings add up to at most maxBytes (always at least one record, however
// large, so an oversized record cannot block the queue) and at most
// maxRecords.
func (s *Store) NextBatch(ctx context.Context, maxBytes, maxRecords int) ([]Pending, error) {
	rows, err := s.db.QueryContext(ctx, nextBatchSQL, maxRecords)
	if err != nil {
		return nil, fmt.Errorf("next batch: %w", err)
	}
	defer rows.Close()
	var batch []Pending
	total := 0
	for rows.Next() {
		var p Pending
		var id string
		if err := rows.Scan(&p.Seq, &id, &p.Data); err != nil {
			return nil, fmt.Errorf("next batch: %w", err)
		}
		if p.ID, err = uuid.Parse(id); err != nil {
			return nil, fmt.Errorf("next batch: record %d: %w", p.Seq, err)
		}
		if len(batch) > 0 && total+len(p.Data) > maxBytes {
			break
		}
		total += len(p.Data)
		batch = append(batch, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("next batch: %w", err)
	}
	return batch, nil
}

// Result is what central said about one record.
type Result struct {
	Seq    uint64
	State  State  // StateSynced or StateDead
	Reason string // for Dead: why central refused it
}

// Apply records central's answers for a batch in one transaction. Only
// pending records change: an answer that arrives twice (a retried batch)
// changes nothing the second time. The same transaction moves the queue
// head past the records that are no longer pending. It may use the disk
// reserve (reserve.go), so central's answers are kept even on a full disk.
func (s *Store) Apply(ctx context.Context, results []Result) error {
	if len(results) == 0 {
		return nil
	}
	now := s.nowMS()
	err := s.drainWrite(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE records SET state = ?, state_at = ?, reason = ? WHERE seq = ? AND state = 0`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range results {
			if r.State != StateSynced && r.State != StateDead {
				return fmt.Errorf("record %d: cannot move to %v", r.Seq, r.State)
			}
			if _, err := stmt.ExecContext(ctx, int(r.State), now, r.Reason, r.Seq); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, advanceHeadSQL)
		return err
	})
	if err != nil {
		return fmt.Errorf("apply results: %w", err)
	}
	return nil
}

// MarkSynced moves records central has durably stored to synced.
func (s *Store) MarkSynced(ctx context.Context, seqs ...uint64) error {
	rs := make([]Result, len(seqs))
	for i, q := range seqs {
		rs[i] = Result{Seq: q, State: StateSynced}
	}
	return s.Apply(ctx, rs)
}

// MarkDead moves one record central refused to dead, keeping the reason
// for the technician. Dead records are never retried blindly nor deleted.
func (s *Store) MarkDead(ctx context.Context, seq uint64, reason string) error {
	return s.Apply(ctx, []Result{{Seq: seq, State: StateDead, Reason: reason}})
}

// Counts summarises the queue.
type Counts struct {
	Pending, Synced, Dead int
	OldestPending         time.Time // zero when nothing is pending
	LastSeq               uint64
}

// Total is every record the device ever made, purged ones included.
func (c Counts) Total() int { return c.Pending + c.Synced + c.Dead }

// Counts returns the queue's counters. OldestPending is when the pending
// record with the lowest sequence number was stored.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	return counts(ctx, s.db)
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func counts(ctx context.Context, q querier) (Counts, error) {
	var c Counts
	var oldest sql.NullInt64
	if err := q.QueryRowContext(ctx, countsSQL).Scan(&c.Synced, &c.Dead, &c.LastSeq, &oldest); err != nil {
		return c, fmt.Errorf("counts: %w", err)
	}
	// Sequence numbers run from 1 without gaps and rows are only ever
	// deleted all together (Wipe), so every number not finished is pending.
	c.Pending = int(c.LastSeq) - c.Synced - c.Dead
	if oldest.Valid {
		c.OldestPending = time.UnixMilli(oldest.Int64)
	}
	return c, nil
}

// CountSince counts records stored at or after t, optionally of one kind
// and subject ("" for any): the attract screen's "people today", a
// proposal's supports on this device, a canvasser's running count.
func (s *Store) CountSince(ctx context.Context, t time.Time, kind record.Kind, subject, event string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE created_at >= ?
		AND (? = '' OR kind = ?) AND (? = '' OR subject_id = ?) AND (? = '' OR event_id = ?)`,
		t.UnixMilli(), string(kind), string(kind), subject, subject, event, event).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count records: %w", err)
	}
	return n, nil
}

// DeadRecord describes a record central refused, without anything personal.
type DeadRecord struct {
	Seq        uint64
	ID         uuid.UUID
	Kind       record.Kind
	DeviceTime time.Time
	DiedAt     time.Time
	Reason     string
}

// DeadRecords lists refused records, newest first.
func (s *Store) DeadRecords(ctx context.Context, limit int) ([]DeadRecord, error) {
	rows, err := s.db.QueryContext(ctx, deadRecordsSQL, limit)
	if err != nil {
		return nil, fmt.Errorf("dead records: %w", err)
	}
	defer rows.Close()
	var out []DeadRecord
	for rows.Next() {
		var d DeadRecord
		var id, kind string
		var dt, at int64
		if err := rows.Scan(&d.Seq, &id, &kind, &dt, &at, &d.Reason); err != nil {
			return nil, fmt.Errorf("dead records: %w", err)
		}
		d.ID, _ = uuid.Parse(id)
		d.Kind = record.Kind(kind)
		d.DeviceTime, d.DiedAt = time.UnixMilli(dt), time.UnixMilli(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// EachPending calls fn for every pending record in sequence order, for
// offline bundles. It reads in pages so a large queue never sits in memory
// and the other process is never blocked for long.
func (s *Store) EachPending(ctx context.Context, fn func(Pending) error) error {
	var after uint64
	for {
		rows, err := s.db.QueryContext(ctx, eachPendingSQL, after+1)
		if err != nil {
			return fmt.Errorf("read pending: %w", err)
		}
		var page []Pending
		for rows.Next() {
			var p Pending
			var id string
			if err := rows.Scan(&p.Seq, &id, &p.Data); err != nil {
				rows.Close()
				return fmt.Errorf("read pending: %w", err)
			}
			p.ID, _ = uuid.Parse(id)
			page = append(page, p)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("read pending: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		after = page[len(page)-1].Seq
	}
}

// Purge drops the stored encoding of synced records whose state changed
// before t, keeping a tombstone row (id, sequence, kind, state, times) so
// counters, the sequence and the audit trail stay whole. It returns how
// many records it purged.
func (s *Store) Purge(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, purgeSQL, t.UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	return int(n), nil
}

// Get returns one stored record, decoded, or nil if it was purged.
func (s *Store) Get(ctx context.Context, seq uint64) (*record.Record, State, error) {
	var data []byte
	var st State
	err := s.db.QueryRowContext(ctx, `SELECT data, state FROM records WHERE seq = ?`, seq).Scan(&data, &st)
	if err != nil {
		return nil, 0, fmt.Errorf("get record %d: %w", seq, err)
	}
	if data == nil {
		return nil, st, nil
	}
	r, err := record.Unmarshal(data)
	if err != nil {
		return nil, st, fmt.Errorf("get record %d: %w", seq, err)
	}
	return r, st, nil
}
