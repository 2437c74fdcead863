package pgstore

import (
	"context"
	"time"
)

// Fold runs a fold now, for tests.
func (s *Store) Fold(ctx context.Context) error { return s.fold(ctx) }

// HoldFolds stops ingest from folding for an hour, so a test decides when
// folds happen.
func (s *Store) HoldFolds() { s.lastFold.Store(time.Now().Add(time.Hour).UnixNano()) }

// FoldOrLog is the fold ingest runs now and then, for tests.
func (s *Store) FoldOrLog(ctx context.Context) { s.foldOrLog(ctx) }
