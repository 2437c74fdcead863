package sqlitestore

import (
	"testing"
	"time"
)

// WaitCheckpoint waits for a background checkpoint that started after t.
func WaitCheckpoint(tb testing.TB, s *Store, t time.Time) CheckpointStats {
	tb.Helper()
	deadline := time.After(10 * time.Second)
	for {
		st, ran := s.ckpt.snapshot()
		if st.LastRun.After(t) {
			return st
		}
		select {
		case <-ran:
		case <-deadline:
			tb.Fatalf("no checkpoint after %s within 10 s (stats %+v)", t.Format(time.StampMicro), st)
		}
	}
}
