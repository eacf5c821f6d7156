package participation

// Freezer is implemented by a module's state ([Module.NewState]) that can
// make a frozen copy of itself: a value of the same type that later
// commands do not change, made quickly because it shares what only grows
// (items, texts) up to its present length and what commands copy before
// changing (copy-on-write shards), and copies only the rest. A snapshot
// and [Store.Export] take the frozen copy, with the journal position it
// matches, while holding both the write lock and the commit pipeline's
// lock (under which commit hooks change module state, see pipeline.go),
// and encode it once they have let go, so that writers wait only for the
// freeze; a state without Freeze is encoded under those locks. Freeze is
// thus ordered with commands, with commit hooks and with other freezes;
// it takes the state's own locks as its readers do.
type Freezer interface {
	Freeze() any
}
