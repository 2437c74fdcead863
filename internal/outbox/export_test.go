package outbox

// SlowAppends counts AppendRecord calls that went through the full
// transaction rather than the guarded single statement.
func (s *Store) SlowAppends() int {
	s.appendMu.Lock()
	defer s.appendMu.Unlock()
	return s.slow
}
