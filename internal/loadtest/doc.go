// Package loadtest runs the real `central serve` under load from strangers
// (slow uploads that never finish, floods of sign-ins from many addresses)
// and checks that central's memory stays bounded while a real device still
// syncs. It holds only tests; run them with `go test ./internal/loadtest`.
package loadtest
