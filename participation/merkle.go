package participation

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Verifiable history (LOOP-2). The journal's hash chain proves nothing to
// an outsider: whoever holds the journal can rewrite an event and every
// link after it. So the store also keeps an RFC 6962 Merkle tree over the
// journal, whose leaf i is the chain hash of the event with sequence
// number i+1, and signs its root with the county's key as a checkpoint
// (a C2SP signed note). A receipt carries inclusion proofs under a
// checkpoint; anyone who keeps an old checkpoint can later ask for a
// consistency proof and see that the newer tree extends it unchanged.
// The hashing and the proofs are golang.org/x/mod/sumdb/tlog's; the
// signatures are golang.org/x/mod/sumdb/note's (Ed25519).

// merkle is the store's tree: the hashes tlog stores for each leaf
// (about two per event), in tlog's stored-hash order, except that a leaf's
// place holds the event's chain hash, from which the leaf hash is one
// SHA-256 away: so a proof can name the event's hash as the journal
// records it without keeping it twice. It is derived from the journal:
// built while the store opens, and extended by the write path before
// readers see a command, so every event a [View] shows is in the tree.
type merkle struct {
	signer note.Signer

	mu     sync.RWMutex
	hashes []tlog.Hash
	size   int64
	broken error // set if an event arrived out of order; no proofs after

	sigMu    sync.Mutex // guards the latest signed checkpoint
	lastSize int64
	lastNote string
}

func newMerkle(signer note.Signer) *merkle {
	if signer == nil {
		return nil
	}
	return &merkle{signer: signer}
}

// leafHash is the tree's leaf for an event: the RFC 6962 leaf hash of the
// event's chain hash.
func leafHash(h Hash) tlog.Hash { return tlog.RecordHash(h[:]) }

// add extends the tree by committed events, in sequence order. The store
// calls it with its write lock held, before it publishes the events to
// readers. A nil tree (no signer) does nothing.
func (m *merkle) add(evs []Event) {
	if m == nil || len(evs) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range evs {
		if m.broken != nil {
			return
		}
		if evs[i].Seq != uint64(m.size)+1 {
			m.broken = Errorf(EINTERNAL, "the Merkle tree holds %d events and was handed event %d; open the store again to rebuild it", m.size, evs[i].Seq)
			return
		}
		hs, err := tlog.StoredHashesForRecordHash(m.size, leafHash(evs[i].Hash), m)
		if err != nil {
			m.broken = Internal(err, "extending the Merkle tree by event %d", evs[i].Seq)
			return
		}
		hs[0] = tlog.Hash(evs[i].Hash)
		m.hashes = append(m.hashes, hs...)
		m.size++
	}
}

// ReadHashes implements tlog.HashReader over the stored hashes, making
// the leaf hash of a leaf's place from the event hash it holds. Call with
// m.mu held.
func (m *merkle) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, Errorf(EINTERNAL, "the Merkle tree has no stored hash %d", x)
		}
		out[i] = m.hashes[x]
		if level, _ := tlog.SplitStoredHashIndex(x); level == 0 {
			out[i] = leafHash(Hash(out[i]))
		}
	}
	return out, nil
}

// eventHash returns the chain hash of event seq. Call with m.mu held.
func (m *merkle) eventHash(seq uint64) Hash {
	return Hash(m.hashes[tlog.StoredHashIndex(0, int64(seq-1))])
}

// Checkpoint is what a signed checkpoint states (LOOP-2): the tree over
// the first Size events of the journal has the root hash Root. Origin
// names the journal; it is the name of the county's signing key.
type Checkpoint struct {
	Origin string `json:"origin"`
	Size   uint64 `json:"size"`
	Root   Hash   `json:"root"`
}

// body is the checkpoint's text in the C2SP tlog-checkpoint form: the
// origin, the tree size in decimal and the root hash in base64, each on
// a line of its own.
func (c Checkpoint) body() string {
	return c.Origin + "\n" + strconv.FormatUint(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n"
}

// InclusionProof proves that the event with sequence number Seq, whose
// chain hash is Leaf, is in the tree of the first Size events (an RFC 6962
// audit path). It carries hashes only: nothing of the event or any other.
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
// under that checkpoint. A holder verifies it with [EventProofs.Verify]
// and the county's public key alone.
type EventProofs struct {
	// Checkpoint is the signed note: the checkpoint's three lines, a
	// blank line and the county's signature.
	Checkpoint string           `json:"checkpoint"`
	Events     []InclusionProof `json:"events"`
}

// Proving reports whether the store keeps the Merkle tree and signs
// checkpoints, that is, whether [Config.Signer] was set.
func (s *Store) Proving() bool { return s.merkle != nil }

func (s *Store) prover() (*merkle, error) {
	if s.merkle == nil {
		return nil, Errorf(EINVALID, "this store signs no checkpoints: open it with Config.Signer set to the county's signing key")
	}
	return s.merkle, nil
}

// Checkpoint signs the tree as it stands and returns the signed note (see
// [OpenCheckpoint]). Every event a [View] taken before the call shows is
// in it. Signing is done once per tree size.
func (s *Store) Checkpoint() (string, error) {
	m, err := s.prover()
	if err != nil {
		return "", err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, signed, err := m.checkpoint()
	return signed, err
}

// checkpoint returns the checkpoint of the current tree, signed. Call
// with m.mu held for reading.
func (m *merkle) checkpoint() (Checkpoint, string, error) {
	if m.broken != nil {
		return Checkpoint{}, "", m.broken
	}
	root, err := tlog.TreeHash(m.size, m)
	if err != nil {
		return Checkpoint{}, "", Internal(err, "hashing the Merkle tree")
	}
	cp := Checkpoint{Origin: m.signer.Name(), Size: uint64(m.size), Root: Hash(root)}
	m.sigMu.Lock()
	defer m.sigMu.Unlock()
	if m.lastSize == m.size && m.lastNote != "" {
		return cp, m.lastNote, nil
	}
	signed, err := note.Sign(&note.Note{Text: cp.body()}, m.signer)
	if err != nil {
		return Checkpoint{}, "", Internal(err, "signing the checkpoint")
	}
	m.lastSize, m.lastNote = m.size, string(signed)
	return cp, m.lastNote, nil
}

// ProveEvents returns inclusion proofs of the events with the given
// sequence numbers under a signed checkpoint of the whole tree. r is a
// [View] or a [Tx]; every event a View shows is in the tree. It returns
// nil and no error when the store signs no checkpoints ([Config.Signer]
// unset).
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
	m := s.merkle
	if m == nil {
		return nil, nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, signed, err := m.checkpoint()
	if err != nil {
		return nil, err
	}
	out := &EventProofs{Checkpoint: signed, Events: make([]InclusionProof, 0, len(seqs))}
	for _, seq := range seqs {
		p, err := m.prove(seq, uint64(m.size))
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, p)
	}
	return out, nil
}

// ProveInclusion returns the proof that event seq is in the tree of the
// first size events; size is that of a checkpoint the caller holds.
func (s *Store) ProveInclusion(seq, size uint64) (InclusionProof, error) {
	m, err := s.prover()
	if err != nil {
		return InclusionProof{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.broken != nil {
		return InclusionProof{}, m.broken
	}
	return m.prove(seq, size)
}

// prove builds an inclusion proof. Call with m.mu held for reading.
func (m *merkle) prove(seq, size uint64) (InclusionProof, error) {
	if size > uint64(m.size) {
		return InclusionProof{}, Invalid("size", "the tree holds %d events, not %d: ask for a size no larger than the latest checkpoint's", m.size, size)
	}
	if seq == 0 || seq > size {
		return InclusionProof{}, Invalid("seq", "event %d is not among the first %d events", seq, size)
	}
	path, err := tlog.ProveRecord(int64(size), int64(seq-1), m)
	if err != nil {
		return InclusionProof{}, Internal(err, "proving event %d", seq)
	}
	p := InclusionProof{Seq: seq, Leaf: m.eventHash(seq), Size: size, Path: make([]Hash, len(path))}
	for i, h := range path {
		p.Path[i] = Hash(h)
	}
	return p, nil
}

// ProveConsistency returns the proof that the tree of the first to events
// extends the tree of the first from events unchanged. from and to are
// the sizes of two checkpoints; to is at most the current tree's size.
func (s *Store) ProveConsistency(from, to uint64) (ConsistencyProof, error) {
	m, err := s.prover()
	if err != nil {
		return ConsistencyProof{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.broken != nil {
		return ConsistencyProof{}, m.broken
	}
	if to > uint64(m.size) {
		return ConsistencyProof{}, Invalid("to", "the tree holds %d events, not %d: ask for a size no larger than the latest checkpoint's", m.size, to)
	}
	if from > to {
		return ConsistencyProof{}, Invalid("from", "the older checkpoint's size (%d) is larger than the newer one's (%d)", from, to)
	}
	p := ConsistencyProof{From: from, To: to, Path: []Hash{}}
	if from == 0 || from == to {
		return p, nil
	}
	path, err := tlog.ProveTree(int64(to), int64(from), m)
	if err != nil {
		return ConsistencyProof{}, Internal(err, "proving the tree of %d events extends that of %d", to, from)
	}
	for _, h := range path {
		p.Path = append(p.Path, Hash(h))
	}
	return p, nil
}

// OpenCheckpoint verifies a signed checkpoint with the county's public key
// and returns what it states. publicKey is a note verifier key,
// "name+hash+key" as golang.org/x/mod/sumdb/note writes it; the
// checkpoint's origin must be the key's name. Errors are EINVALID for a
// key or note that does not parse and ECORRUPT for a signature that does
// not verify.
func OpenCheckpoint(signed, publicKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(publicKey))
	if err != nil {
		return Checkpoint{}, Invalid("publicKey", "the county's public key does not parse (%v): give it as name+hash+key, as it was published", err)
	}
	n, err := note.Open([]byte(signed), note.VerifierList(v))
	if err != nil {
		switch err.(type) {
		case *note.UnverifiedNoteError, *note.InvalidSignatureError:
			return Checkpoint{}, &Error{Code: ECORRUPT, Field: "checkpoint", Message: "the checkpoint is not signed by the key " + v.Name() + ": it was altered, or another key signed it", Err: err}
		}
		return Checkpoint{}, &Error{Code: EINVALID, Field: "checkpoint", Message: "the checkpoint is not a signed note", Err: err}
	}
	// note.Open reads signatures in base64 that need not be canonical, so
	// a flipped padding bit would pass unnoticed: insist on the one form.
	_, sigs, _ := strings.Cut(signed, "\n\n")
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			return Checkpoint{}, Invalid("checkpoint", "a signature line of the checkpoint is not \"— name signature\"")
		}
		if _, err := base64.StdEncoding.Strict().DecodeString(f[2]); err != nil {
			return Checkpoint{}, &Error{Code: ECORRUPT, Field: "checkpoint", Message: "a signature of the checkpoint is not in canonical base64: it was altered", Err: err}
		}
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, Invalid("checkpoint", "a checkpoint has three lines: origin, size, root hash")
	}
	cp := Checkpoint{Origin: lines[0]}
	if cp.Origin != v.Name() {
		return Checkpoint{}, &Error{Code: ECORRUPT, Field: "checkpoint", Message: "the checkpoint's origin " + strconv.Quote(cp.Origin) + " is not the key's name " + strconv.Quote(v.Name())}
	}
	size, err := strconv.ParseUint(lines[1], 10, 63)
	if err != nil || lines[1] != strconv.FormatUint(size, 10) {
		return Checkpoint{}, Invalid("checkpoint", "the checkpoint's second line is not a tree size")
	}
	cp.Size = size
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != len(cp.Root) {
		return Checkpoint{}, Invalid("checkpoint", "the checkpoint's third line is not a base64 SHA-256 root hash")
	}
	copy(cp.Root[:], root)
	return cp, nil
}

// Verify checks that the proof leads from its leaf to the checkpoint's
// root: the event with sequence number p.Seq and chain hash p.Leaf is in
// the history the checkpoint signs. Open the checkpoint first with
// [OpenCheckpoint]. It fails with ECORRUPT when the proof does not hold.
func (p InclusionProof) Verify(cp Checkpoint) error {
	if p.Size != cp.Size {
		return Invalid("size", "the proof is for a tree of %d events and the checkpoint signs %d: verify it against the checkpoint it came with", p.Size, cp.Size)
	}
	if p.Seq == 0 || p.Seq > p.Size || p.Size > 1<<62 {
		return Invalid("seq", "event %d is not among the first %d events", p.Seq, p.Size)
	}
	path := make(tlog.RecordProof, len(p.Path))
	for i, h := range p.Path {
		path[i] = tlog.Hash(h)
	}
	if err := tlog.CheckRecord(path, int64(cp.Size), tlog.Hash(cp.Root), int64(p.Seq-1), leafHash(p.Leaf)); err != nil {
		return &Error{Code: ECORRUPT, Field: "proof", Message: "the inclusion proof of event " + strconv.FormatUint(p.Seq, 10) + " does not lead to the checkpoint's root: the event, the proof or the checkpoint was altered", Err: err}
	}
	return nil
}

// Verify checks that newer extends older unchanged: every event the older
// checkpoint signs is still there, in the same place, with the same hash.
// Open both checkpoints first with [OpenCheckpoint]. It fails with
// ECORRUPT when the history was rewritten or the proof altered.
func (p ConsistencyProof) Verify(older, newer Checkpoint) error {
	if p.From != older.Size || p.To != newer.Size {
		return Invalid("proof", "the proof is from %d to %d events and the checkpoints sign %d and %d: ask for the proof between these two", p.From, p.To, older.Size, newer.Size)
	}
	if older.Origin != newer.Origin {
		return Invalid("checkpoint", "the checkpoints are of two journals, %q and %q", older.Origin, newer.Origin)
	}
	if older.Size > newer.Size || newer.Size > 1<<62 {
		return Invalid("proof", "the older checkpoint (%d events) is larger than the newer one (%d)", older.Size, newer.Size)
	}
	fail := func(err error) error {
		return &Error{Code: ECORRUPT, Field: "proof", Message: "the tree of " + strconv.FormatUint(newer.Size, 10) + " events does not extend the signed tree of " + strconv.FormatUint(older.Size, 10) + ": the earlier history was removed or rewritten, or the proof altered", Err: err}
	}
	switch {
	case older.Size == 0:
		if len(p.Path) != 0 {
			return fail(nil)
		}
		return nil
	case older.Size == newer.Size:
		if len(p.Path) != 0 || older.Root != newer.Root {
			return fail(nil)
		}
		return nil
	}
	path := make(tlog.TreeProof, len(p.Path))
	for i, h := range p.Path {
		path[i] = tlog.Hash(h)
	}
	if err := tlog.CheckTree(path, int64(newer.Size), tlog.Hash(newer.Root), int64(older.Size), tlog.Hash(older.Root)); err != nil {
		return fail(err)
	}
	return nil
}

// Verify opens the checkpoint with the county's public key and checks
// every event's inclusion proof under it. It needs nothing else: no
// journal, no store, no network. It returns the checkpoint, which the
// holder may keep to ask later for a consistency proof.
func (e *EventProofs) Verify(publicKey string) (Checkpoint, error) {
	cp, err := OpenCheckpoint(e.Checkpoint, publicKey)
	if err != nil {
		return Checkpoint{}, err
	}
	for _, p := range e.Events {
		if err := p.Verify(cp); err != nil {
			return Checkpoint{}, err
		}
	}
	return cp, nil
}

// GenerateSigningKey makes a new Ed25519 key pair for signing checkpoints
// under name (the journal's origin, such as "example-county.fi/osallisuus"):
// the private key for [NewSigner] and the public key to publish. Keep the
// private key as secret as the vault's keys.
func GenerateSigningKey(rand interface{ Read([]byte) (int, error) }, name string) (private, public string, err error) {
	private, public, err = note.GenerateKey(rand, name)
	if err != nil {
		return "", "", Invalid("name", "%v: a key name has no spaces and no '+'", err)
	}
	return private, public, nil
}

// NewSigner reads a private key written by [GenerateSigningKey] (or by
// note.GenerateKey) for [Config.Signer].
func NewSigner(private string) (note.Signer, error) {
	s, err := note.NewSigner(string(bytes.TrimSpace([]byte(private))))
	if err != nil {
		return nil, Invalid("signer", "the signing key does not parse (%v): give it as written by GenerateSigningKey", err)
	}
	return s, nil
}
