package participation

// Verifiable history (LOOP-2). The journal's hash chain proves nothing to
// an outsider: whoever holds the journal can rewrite an event and every
// link after it. So a store may also keep a [History]: an RFC 6962 Merkle
// tree over the journal whose root the county signs as a checkpoint.
// Package merkle implements it; this package only calls it, so programs
// that keep no history (the browser demo) carry none of its code.

// History is a verifiable history of the journal that a store keeps up to
// date (LOOP-2): package merkle's Tree, made with the county's signing
// key. Give [Open] a new one in [Config.History]; the store appends every
// event it replays and every event it commits, in sequence order, before
// readers see them.
type History interface {
	// Append takes committed events, in sequence order, with the store's
	// write lock held.
	Append(evs []Event)
	// Size is the number of events appended.
	Size() uint64
	// Checkpoint signs the tree of every event appended and returns the
	// signed note.
	Checkpoint() (string, error)
	// Prove returns inclusion proofs of the events with the given
	// sequence numbers under one signed checkpoint of every event
	// appended.
	Prove(seqs ...uint64) (*EventProofs, error)
	// ProveInclusion proves that event seq is in the tree of the first
	// size events.
	ProveInclusion(seq, size uint64) (InclusionProof, error)
	// ProveConsistency proves that the tree of the first to events
	// extends the tree of the first from events unchanged.
	ProveConsistency(from, to uint64) (ConsistencyProof, error)
}

// Checkpoint is what a signed checkpoint states (LOOP-2): the tree over
// the first Size events of the journal has the root hash Root. Origin
// names the journal; it is the name of the county's signing key.
type Checkpoint struct {
	Origin string `json:"origin"`
	Size   uint64 `json:"size"`
	Root   Hash   `json:"root"`
}

// InclusionProof proves that the event with sequence number Seq, whose
// chain hash ([Event.Hash]) is Leaf, is in the tree of the first Size
// events (an RFC 6962 audit path). It carries hashes only: nothing of the
// event or any other.
type InclusionProof struct {
	Seq  uint64 `json:"seq"`
	Leaf Hash   `json:"leaf"`
	Size uint64 `json:"size"`
	Path []Hash `json:"path"`
}

// ConsistencyProof proves that the tree of the first To events contains,
// unchanged, the tree of the first From events (an RFC 6962 consistency
// proof): nothing of the older history was removed or rewritten.
type ConsistencyProof struct {
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
	Path []Hash `json:"path"`
}

// EventProofs is what a receipt carries to prove its events (LOOP-2): a
// checkpoint signed by the county and, for each event, its inclusion proof
// under that checkpoint. A holder verifies it with package merkle's
// VerifyProofs and the county's public key alone.
type EventProofs struct {
	// Checkpoint is the signed note: the checkpoint's three lines (origin,
	// size, base64 root), a blank line and the county's signature.
	Checkpoint string           `json:"checkpoint"`
	Events     []InclusionProof `json:"events"`
}

// appendHistory hands committed events to the history, if the store keeps
// one. Call with s.mu held, before the events are published to readers.
func (s *Store) appendHistory(evs []Event) {
	if s.history != nil && len(evs) > 0 {
		s.history.Append(evs)
	}
}

func (s *Store) historyOrErr() (History, error) {
	if s.history == nil {
		return nil, Errorf(EINVALID, "this store keeps no verifiable history: open it with Config.History set to a Merkle tree with the county's signing key")
	}
	return s.history, nil
}

// Proving reports whether the store keeps a verifiable history and signs
// checkpoints ([Config.History]).
func (s *Store) Proving() bool { return s.history != nil }

// Checkpoint signs the history as it stands and returns the signed note.
// Every event a [View] taken before the call shows is in it.
func (s *Store) Checkpoint() (string, error) {
	h, err := s.historyOrErr()
	if err != nil {
		return "", err
	}
	return h.Checkpoint()
}

// ProveInclusion returns the proof that event seq is in the tree of the
// first size events; size is that of a checkpoint the caller holds.
func (s *Store) ProveInclusion(seq, size uint64) (InclusionProof, error) {
	h, err := s.historyOrErr()
	if err != nil {
		return InclusionProof{}, err
	}
	return h.ProveInclusion(seq, size)
}

// ProveConsistency returns the proof that the tree of the first to events
// extends the tree of the first from events unchanged: from and to are
// the sizes of two checkpoints, to at most the latest.
func (s *Store) ProveConsistency(from, to uint64) (ConsistencyProof, error) {
	h, err := s.historyOrErr()
	if err != nil {
		return ConsistencyProof{}, err
	}
	return h.ProveConsistency(from, to)
}

// ProveEvents returns inclusion proofs of the events with the given
// sequence numbers under one signed checkpoint of the whole history. r is
// a [View] or a [Tx]; every event a View shows is in the history. It
// returns nil and no error when the store keeps no history.
func ProveEvents(r Reader, seqs ...uint64) (*EventProofs, error) {
	var s *Store
	switch r := r.(type) {
	case *View:
		s = r.s
	case *Tx:
		s = r.s
	default:
		return nil, Errorf(EINVALID, "proofs are read from a store's View or Tx")
	}
	if s.history == nil {
		return nil, nil
	}
	return s.history.Prove(seqs...)
}
