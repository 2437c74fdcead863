package outbox

import (
	"context"
	"fmt"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// Uncounted is how many of one proposal's supports on this device a
// city-wide count has not seen yet.
type Uncounted struct {
	Pending int // not uploaded yet
	Sent    int // acknowledged by central after the count was received
}

// Total is every support the count has not seen.
func (u Uncounted) Total() int { return u.Pending + u.Sent }

// uncountedSQL reads the pending signatures from the queue head (the
// primary key) and those acknowledged after a time through records_done,
// so neither part scans the synced history.
const uncountedSQL = `SELECT subject_id, sum(pending), sum(sent) FROM (
		SELECT subject_id, 1 AS pending, 0 AS sent FROM records
			WHERE seq >= ` + headSQL + ` AND state = 0 AND kind = ?
		UNION ALL
		SELECT subject_id, 0, 1 FROM records
			WHERE state != 0 AND state = 1 AND state_at > ? AND kind = ?)
	GROUP BY subject_id`

// UncountedSupports counts, per proposal, the signatures central had not
// counted in a progress document this device received at receivedAt (on
// this device's clock, like the times records are marked synced): every
// pending one, and every one central acknowledged after receivedAt. syncd
// asks one thing of central at a time, so a record acknowledged after the
// document arrived was stored after the document was counted, and adding
// it cannot count it twice. One acknowledged just before may be missing
// from a document central had cached; it is shown with the next one. Dead
// records are left out: central refused them. A zero receivedAt means no
// document: only pending ones count, as nothing was counted from this
// device's point of view that it could double.
func (s *Store) UncountedSupports(ctx context.Context, receivedAt time.Time) (map[string]Uncounted, error) {
	after := receivedAt.UnixMilli()
	if receivedAt.IsZero() {
		// Without a document there is no city-wide count to add sent
		// supports to: they are in central's count, whatever it is.
		after = 1<<63 - 1
	}
	rows, err := s.db.QueryContext(ctx, uncountedSQL, string(record.KindSignature), after, string(record.KindSignature))
	if err != nil {
		return nil, fmt.Errorf("uncounted supports: %w", err)
	}
	defer rows.Close()
	out := make(map[string]Uncounted)
	for rows.Next() {
		var id string
		var u Uncounted
		if err := rows.Scan(&id, &u.Pending, &u.Sent); err != nil {
			return nil, fmt.Errorf("uncounted supports: %w", err)
		}
		out[id] = u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("uncounted supports: %w", err)
	}
	return out, nil
}
