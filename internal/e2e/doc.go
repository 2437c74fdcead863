// Package e2e proves, with real processes and real sockets, that every
// record a device makes reaches central exactly once: through latency,
// throttling, resets, stalls, cut connections, answers lost after the
// commit, a central killed mid-drain and device clocks years off. It holds
// only tests and benchmarks; run them with `go test ./internal/e2e` and
// `go test -run '^$' -bench . -benchtime 1x ./internal/e2e`.
package e2e
