package central

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/voces-cdmx/voces/internal/record"
)

// AuditAuthorUnnamed records that a campaign version was published
// without the name of an author whose records were cancelled (ARCO).
const AuditAuthorUnnamed = "submission-author-unnamed"

// Cancel is the ARCO cancellation (the package's Cancel) with what it
// means for what the desk published: a proposal published with its
// author's name loses the name in the next campaign version, published
// first, so a cancellation that fails after it still leaves the name
// unpublished. (Cancel itself takes a merged author's support back from
// the target, and withdraws the submission.)
func (m *Moderation) Cancel(ctx context.Context, store interface {
	RecordReader
	CancelStore
}, audit Auditor, actor string, records []StoredRecord, at time.Time) (int, error) {
	var named []string
	for _, r := range records {
		if record.Kind(r.Kind) != record.KindProposal {
			continue
		}
		s, err := m.store.Submission(ctx, r.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("cancel: %w", err)
		}
		if s.Status == SubmissionPublished && s.Named {
			named = append(named, s.Target)
		}
	}
	if len(named) > 0 {
		m.mu.Lock()
		version, err := RemoveAuthorNames(ctx, m.server, named)
		m.mu.Unlock()
		if err != nil {
			return 0, fmt.Errorf("cancel: %w", err)
		}
		if version > 0 {
			if err := audit.Audit(ctx, actor, AuditAuthorUnnamed, map[string]string{"version": strconv.Itoa(version),
				"proposals": strconv.Itoa(len(named))}); err != nil {
				return 0, fmt.Errorf("cancel: %w", err)
			}
		}
	}
	return Cancel(ctx, store, audit, actor, records, at)
}
