//go:build !(js && wasm)

package participation

// SettleInBackground makes every group of s bring its indexes up to date
// on a goroutine of its own while it is appended, however fast the
// journal, so that a test runs that path on any machine.
func SettleInBackground(s *Store) { s.backgroundAlways.Store(true) }
