package postgres

// Signals is how many times j's Changes was signalled, for the tests.
func Signals(j *Journal) int64 { return j.signals.Load() }

// AppendSQL is the statement of an append, for the benchmarks.
var AppendSQL = appendSQL
