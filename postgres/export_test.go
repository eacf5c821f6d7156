package postgres

import "time"

// Signals is how many times j's Changes was signalled, for the tests.
func Signals(j *Journal) int64 { return j.signals.Load() }

// AppendSQL is the statement of an append, for the benchmarks: rows
// says it inserts more than one event, first that they are the journal's
// first, lock that it takes the lock, notify that it notifies.
func AppendSQL(table string, rows, first, lock, notify bool) string {
	var s stmt
	if first {
		s |= stmtFirst
	}
	if rows {
		s |= stmtRows
	}
	if lock {
		s |= stmtLock
	}
	if notify {
		s |= stmtNotify
	}
	return appendSQL(table, s)
}

// Heard is signalled when j hears that another instance listens, or has
// stopped.
func Heard(j *Journal) <-chan struct{} { return j.heard }

// Notifies says whether j's appends at that time notify the others.
func Notifies(j *Journal, at time.Time) bool { return j.notifies(at) }

// PresenceFor is how long an instance is taken to listen after it said
// so.
const PresenceFor = presenceFor
