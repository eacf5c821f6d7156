// Package merkle keeps the verifiable history of a journal (LOOP-2): an
// RFC 6962 Merkle tree whose leaf i is the chain hash of the event with
// sequence number i+1, with checkpoints signed by the county's key as C2SP
// signed notes (Ed25519). A store extends it with every command
// ([participation.Config.History]); a receipt carries inclusion proofs
// under a checkpoint; anyone who keeps an old checkpoint can later ask
// for a consistency proof and see that the newer tree extends it
// unchanged. The hashing and the proofs are golang.org/x/mod/sumdb/tlog's;
// the signatures golang.org/x/mod/sumdb/note's.
//
// Verifying needs only this package, the proof, the checkpoint and the
// county's public key: [VerifyProofs], [OpenCheckpoint],
// [VerifyInclusion], [VerifyConsistency].
package merkle

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	p "github.com/osallisuus/osallisuus/participation"
)

// Tree is a store's verifiable history: the hashes tlog stores for each leaf
// (about two per event), in tlog's stored-hash order, except that a leaf's
// place holds the event's chain hash, from which the leaf hash is one
// SHA-256 away: so a proof can name the event's hash as the journal
// records it without keeping it twice. It is derived from the journal:
// built while the store opens, and extended by the write path before
// readers see a command, so every event a View shows is in the tree. It
// keeps about 64 bytes an event in memory. A Tree is safe for concurrent
// use.
type Tree struct {
	signer note.Signer

	mu     sync.RWMutex
	hashes []tlog.Hash
	size   int64
	broken error // set if an event arrived out of order; no proofs after

	sigMu    sync.Mutex // guards the latest signed checkpoint
	lastSize int64
	lastNote string
}

// New makes an empty tree whose checkpoints signer signs: the county's key
// (see [NewSigner]), whose name is the journal's origin. Give it to one
// store, new, in participation.Config.History.
func New(signer note.Signer) *Tree {
	return &Tree{signer: signer}
}

// leafHash is the tree's leaf for an event: the RFC 6962 leaf hash of the
// event's chain hash.
func leafHash(h p.Hash) tlog.Hash { return tlog.RecordHash(h[:]) }

// Append extends the tree by committed events, in sequence order. The
// store calls it with its write lock held, before it publishes the events
// to readers.
func (m *Tree) Append(evs []p.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range evs {
		if m.broken != nil {
			return
		}
		if m.signer == nil {
			m.broken = p.Errorf(p.EINTERNAL, "the Merkle tree has no signing key: make it with New and the county's key")
			return
		}
		if evs[i].Seq != uint64(m.size)+1 {
			m.broken = p.Errorf(p.EINTERNAL, "the Merkle tree holds %d events and was handed event %d; open the store again to rebuild it", m.size, evs[i].Seq)
			return
		}
		hs, err := tlog.StoredHashesForRecordHash(m.size, leafHash(evs[i].Hash), m.reader())
		if err != nil {
			m.broken = p.Internal(err, "extending the Merkle tree by event %d", evs[i].Seq)
			return
		}
		hs[0] = tlog.Hash(evs[i].Hash)
		m.hashes = append(m.hashes, hs...)
		m.size++
	}
}

// reader reads the stored hashes for tlog. Call with m.mu held.
func (m *Tree) reader() tlog.HashReader { return tlog.HashReaderFunc(m.readHashes) }

// readHashes reads stored hashes, making the leaf hash of a leaf's place
// from the event hash it holds. Call with m.mu held.
func (m *Tree) readHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, p.Errorf(p.EINTERNAL, "the Merkle tree has no stored hash %d", x)
		}
		out[i] = m.hashes[x]
		if level, _ := tlog.SplitStoredHashIndex(x); level == 0 {
			out[i] = leafHash(p.Hash(out[i]))
		}
	}
	return out, nil
}

// eventHash returns the chain hash of event seq. Call with m.mu held.
func (m *Tree) eventHash(seq uint64) p.Hash {
	return p.Hash(m.hashes[tlog.StoredHashIndex(0, int64(seq-1))])
}

// body is the checkpoint's text in the C2SP tlog-checkpoint form: the
// origin, the tree size in decimal and the root hash in base64, each on
// a line of its own.
func body(c p.Checkpoint) string {
	return c.Origin + "\n" + strconv.FormatUint(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n"
}

// Size returns the number of events in the tree.
func (m *Tree) Size() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return uint64(m.size)
}

// Checkpoint signs the tree as it stands and returns the signed note (see
// [OpenCheckpoint]). Signing is done once per tree size.
func (m *Tree) Checkpoint() (string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, signed, err := m.checkpoint()
	return signed, err
}

// checkpoint returns the checkpoint of the current tree, signed. Call
// with m.mu held for reading.
func (m *Tree) checkpoint() (p.Checkpoint, string, error) {
	if m.broken != nil {
		return p.Checkpoint{}, "", m.broken
	}
	root, err := tlog.TreeHash(m.size, m.reader())
	if err != nil {
		return p.Checkpoint{}, "", p.Internal(err, "hashing the Merkle tree")
	}
	if m.signer == nil {
		return p.Checkpoint{}, "", p.Errorf(p.EINTERNAL, "the Merkle tree has no signing key: make it with New and the county's key")
	}
	cp := p.Checkpoint{Origin: m.signer.Name(), Size: uint64(m.size), Root: p.Hash(root)}
	m.sigMu.Lock()
	defer m.sigMu.Unlock()
	if m.lastSize == m.size && m.lastNote != "" {
		return cp, m.lastNote, nil
	}
	signed, err := note.Sign(&note.Note{Text: body(cp)}, m.signer)
	if err != nil {
		return p.Checkpoint{}, "", p.Internal(err, "signing the checkpoint")
	}
	m.lastSize, m.lastNote = m.size, string(signed)
	return cp, m.lastNote, nil
}

// Prove returns inclusion proofs of the events with the given sequence
// numbers under one signed checkpoint of the whole tree.
func (m *Tree) Prove(seqs ...uint64) (*p.EventProofs, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, signed, err := m.checkpoint()
	if err != nil {
		return nil, err
	}
	out := &p.EventProofs{Checkpoint: signed, Events: make([]p.InclusionProof, 0, len(seqs))}
	for _, seq := range seqs {
		pr, err := m.prove(seq, uint64(m.size))
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, pr)
	}
	return out, nil
}

// ProveInclusion returns the proof that event seq is in the tree of the
// first size events; size is that of a checkpoint the caller holds.
func (m *Tree) ProveInclusion(seq, size uint64) (p.InclusionProof, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.broken != nil {
		return p.InclusionProof{}, m.broken
	}
	return m.prove(seq, size)
}

// prove builds an inclusion proof. Call with m.mu held for reading.
func (m *Tree) prove(seq, size uint64) (p.InclusionProof, error) {
	if size > uint64(m.size) {
		return p.InclusionProof{}, p.Invalid("size", "the tree holds %d events, not %d: ask for a size no larger than the latest checkpoint's", m.size, size)
	}
	if seq == 0 || seq > size {
		return p.InclusionProof{}, p.Invalid("seq", "event %d is not among the first %d events", seq, size)
	}
	path, err := tlog.ProveRecord(int64(size), int64(seq-1), m.reader())
	if err != nil {
		return p.InclusionProof{}, p.Internal(err, "proving event %d", seq)
	}
	out := p.InclusionProof{Seq: seq, Leaf: m.eventHash(seq), Size: size, Path: make([]p.Hash, len(path))}
	for i, h := range path {
		out.Path[i] = p.Hash(h)
	}
	return out, nil
}

// ProveConsistency returns the proof that the tree of the first to events
// extends the tree of the first from events unchanged. from and to are
// the sizes of two checkpoints; to is at most the current tree's size.
func (m *Tree) ProveConsistency(from, to uint64) (p.ConsistencyProof, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.broken != nil {
		return p.ConsistencyProof{}, m.broken
	}
	if to > uint64(m.size) {
		return p.ConsistencyProof{}, p.Invalid("to", "the tree holds %d events, not %d: ask for a size no larger than the latest checkpoint's", m.size, to)
	}
	if from > to {
		return p.ConsistencyProof{}, p.Invalid("from", "the older checkpoint's size (%d) is larger than the newer one's (%d)", from, to)
	}
	out := p.ConsistencyProof{From: from, To: to, Path: []p.Hash{}}
	if from == 0 || from == to {
		return out, nil
	}
	path, err := tlog.ProveTree(int64(to), int64(from), m.reader())
	if err != nil {
		return p.ConsistencyProof{}, p.Internal(err, "proving the tree of %d events extends that of %d", to, from)
	}
	for _, h := range path {
		out.Path = append(out.Path, p.Hash(h))
	}
	return out, nil
}

// OpenCheckpoint verifies a signed checkpoint with the county's public key
// and returns what it states. publicKey is a note verifier key,
// "name+hash+key" as [GenerateKey] writes it; the checkpoint's origin
// must be the key's name. Errors are EINVALID for a key or note that does
// not parse and ECORRUPT for a signature that does not verify.
func OpenCheckpoint(signed, publicKey string) (p.Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(publicKey))
	if err != nil {
		return p.Checkpoint{}, p.Invalid("publicKey", "the county's public key does not parse (%v): give it as name+hash+key, as it was published", err)
	}
	n, err := note.Open([]byte(signed), note.VerifierList(v))
	if err != nil {
		switch err.(type) {
		case *note.UnverifiedNoteError, *note.InvalidSignatureError:
			return p.Checkpoint{}, &p.Error{Code: p.ECORRUPT, Field: "checkpoint", Message: "the checkpoint is not signed by the key " + v.Name() + ": it was altered, or another key signed it", Err: err}
		}
		return p.Checkpoint{}, &p.Error{Code: p.EINVALID, Field: "checkpoint", Message: "the checkpoint is not a signed note", Err: err}
	}
	// note.Open reads signatures in base64 that need not be canonical, so
	// a flipped padding bit would pass unnoticed: insist on the one form.
	_, sigs, _ := strings.Cut(signed, "\n\n")
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			return p.Checkpoint{}, p.Invalid("checkpoint", "a signature line of the checkpoint is not \"— name signature\"")
		}
		if _, err := base64.StdEncoding.Strict().DecodeString(f[2]); err != nil {
			return p.Checkpoint{}, &p.Error{Code: p.ECORRUPT, Field: "checkpoint", Message: "a signature of the checkpoint is not in canonical base64: it was altered", Err: err}
		}
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return p.Checkpoint{}, p.Invalid("checkpoint", "a checkpoint has three lines: origin, size, root hash")
	}
	cp := p.Checkpoint{Origin: lines[0]}
	if cp.Origin != v.Name() {
		return p.Checkpoint{}, &p.Error{Code: p.ECORRUPT, Field: "checkpoint", Message: "the checkpoint's origin " + strconv.Quote(cp.Origin) + " is not the key's name " + strconv.Quote(v.Name())}
	}
	size, err := strconv.ParseUint(lines[1], 10, 63)
	if err != nil || lines[1] != strconv.FormatUint(size, 10) {
		return p.Checkpoint{}, p.Invalid("checkpoint", "the checkpoint's second line is not a tree size")
	}
	cp.Size = size
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != len(cp.Root) {
		return p.Checkpoint{}, p.Invalid("checkpoint", "the checkpoint's third line is not a base64 SHA-256 root hash")
	}
	copy(cp.Root[:], root)
	return cp, nil
}

// VerifyInclusion checks that the proof leads from its leaf to the
// checkpoint's root: the event with sequence number pr.Seq and chain hash
// pr.Leaf is in the history the checkpoint signs. Open the checkpoint
// first with [OpenCheckpoint]. It fails with ECORRUPT when the proof does
// not hold.
func VerifyInclusion(pr p.InclusionProof, cp p.Checkpoint) error {
	if pr.Size != cp.Size {
		return p.Invalid("size", "the proof is for a tree of %d events and the checkpoint signs %d: verify it against the checkpoint it came with", pr.Size, cp.Size)
	}
	if pr.Seq == 0 || pr.Seq > pr.Size || pr.Size > 1<<62 {
		return p.Invalid("seq", "event %d is not among the first %d events", pr.Seq, pr.Size)
	}
	path := make(tlog.RecordProof, len(pr.Path))
	for i, h := range pr.Path {
		path[i] = tlog.Hash(h)
	}
	if err := tlog.CheckRecord(path, int64(cp.Size), tlog.Hash(cp.Root), int64(pr.Seq-1), leafHash(pr.Leaf)); err != nil {
		return &p.Error{Code: p.ECORRUPT, Field: "proof", Message: "the inclusion proof of event " + strconv.FormatUint(pr.Seq, 10) + " does not lead to the checkpoint's root: the event, the proof or the checkpoint was altered", Err: err}
	}
	return nil
}

// VerifyConsistency checks that newer extends older unchanged: every
// event the older checkpoint signs is still there, in the same place,
// with the same hash. Open both checkpoints first with [OpenCheckpoint].
// It fails with ECORRUPT when the history was rewritten or the proof
// altered.
func VerifyConsistency(pr p.ConsistencyProof, older, newer p.Checkpoint) error {
	if pr.From != older.Size || pr.To != newer.Size {
		return p.Invalid("proof", "the proof is from %d to %d events and the checkpoints sign %d and %d: ask for the proof between these two", pr.From, pr.To, older.Size, newer.Size)
	}
	if older.Origin != newer.Origin {
		return p.Invalid("checkpoint", "the checkpoints are of two journals, %q and %q", older.Origin, newer.Origin)
	}
	if older.Size > newer.Size || newer.Size > 1<<62 {
		return p.Invalid("proof", "the older checkpoint (%d events) is larger than the newer one (%d)", older.Size, newer.Size)
	}
	fail := func(err error) error {
		return &p.Error{Code: p.ECORRUPT, Field: "proof", Message: "the tree of " + strconv.FormatUint(newer.Size, 10) + " events does not extend the signed tree of " + strconv.FormatUint(older.Size, 10) + ": the earlier history was removed or rewritten, or the proof altered", Err: err}
	}
	switch {
	case older.Size == 0:
		if len(pr.Path) != 0 {
			return fail(nil)
		}
		return nil
	case older.Size == newer.Size:
		if len(pr.Path) != 0 || older.Root != newer.Root {
			return fail(nil)
		}
		return nil
	}
	path := make(tlog.TreeProof, len(pr.Path))
	for i, h := range pr.Path {
		path[i] = tlog.Hash(h)
	}
	if err := tlog.CheckTree(path, int64(newer.Size), tlog.Hash(newer.Root), int64(older.Size), tlog.Hash(older.Root)); err != nil {
		return fail(err)
	}
	return nil
}

// VerifyProofs opens the checkpoint of a receipt's proofs with the
// county's public key and checks every event's inclusion proof under it.
// It needs nothing else: no journal, no store, no network. It returns the
// checkpoint, which the holder may keep to ask later for a consistency
// proof.
func VerifyProofs(e *p.EventProofs, publicKey string) (p.Checkpoint, error) {
	if e == nil {
		return p.Checkpoint{}, p.Invalid("proof", "there is no proof to verify: the county's store keeps no verifiable history")
	}
	cp, err := OpenCheckpoint(e.Checkpoint, publicKey)
	if err != nil {
		return p.Checkpoint{}, err
	}
	for _, pr := range e.Events {
		if err := VerifyInclusion(pr, cp); err != nil {
			return p.Checkpoint{}, err
		}
	}
	return cp, nil
}

// GenerateKey makes a new Ed25519 key pair for signing checkpoints under
// name (the journal's origin, such as "example-county.fi/osallisuus"):
// the private key for [NewSigner] and the public key to publish. Keep the
// private key as secret as the vault's keys.
func GenerateKey(rand io.Reader, name string) (private, public string, err error) {
	private, public, err = note.GenerateKey(rand, name)
	if err != nil {
		return "", "", p.Invalid("name", "%v: a key name has no spaces and no '+'", err)
	}
	return private, public, nil
}

// NewSigner reads a private key written by [GenerateKey] (or by
// note.GenerateKey), for [New].
func NewSigner(private string) (note.Signer, error) {
	s, err := note.NewSigner(strings.TrimSpace(private))
	if err != nil {
		return nil, p.Invalid("signer", "the signing key does not parse (%v): give it as written by GenerateKey", err)
	}
	return s, nil
}
