// Package journaltest is the conformance suite that every
// [participation.Journal] implementation must pass, in the manner of
// testing/fstest. Call [Run] from a test of the implementation's package:
//
//	func TestConformance(t *testing.T) {
//		journaltest.Run(t, func(t *testing.T) (participation.Journal, func(*testing.T) participation.Journal) {
//			j := openMine(t)
//			return j, func(t *testing.T) participation.Journal { return reopenMine(t) }
//		})
//	}
//
// [Chain] builds valid hash-chained events for an implementation's own
// tests.
package journaltest
