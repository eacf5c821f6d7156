package participation

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The Merkle tree's proofs at county scale, and what the tree adds to a
// commit (LOOP-2):
//
//	OSALLISUUS_PROOF_EVENTS=1000000 go test -run '^$' -bench 'Proof|CommitTree' -benchmem ./participation/
//
// Without the variable the tree holds 10,000 events, for CI's single run.

func benchSigner(b *testing.B) note.Signer {
	private, _, err := note.GenerateKey(&benchRand{}, "bench.example/osallisuus")
	if err != nil {
		b.Fatal(err)
	}
	s, err := note.NewSigner(private)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

type benchRand struct{ x uint64 }

func (r *benchRand) Read(p []byte) (int, error) {
	for i := range p {
		r.x = r.x*6364136223846793005 + 1442695040888963407
		p[i] = byte(r.x >> 56)
	}
	return len(p), nil
}

// benchTree builds the tree the store would keep over n events, from
// made-up chain hashes: the tree sees nothing else of an event.
func benchTree(b *testing.B, n int) (*merkle, string) {
	signer := benchSigner(b)
	m := newMerkle(signer)
	evs := make([]Event, 0, 4096)
	for seq := 1; seq <= n; seq++ {
		var e Event
		e.Seq = uint64(seq)
		e.Hash = sha256.Sum256(binary.BigEndian.AppendUint64(nil, e.Seq))
		evs = append(evs, e)
		if len(evs) == cap(evs) || seq == n {
			m.add(evs)
			evs = evs[:0]
		}
	}
	_, public, _ := note.GenerateKey(&benchRand{}, "bench.example/osallisuus")
	return m, public
}

func proofEvents() int {
	if n, err := strconv.Atoi(os.Getenv("OSALLISUUS_PROOF_EVENTS")); err == nil && n > 1 {
		return n
	}
	return 10_000
}

// BenchmarkProof: a receipt's proof of one event in a tree of
// OSALLISUUS_PROOF_EVENTS events: producing it, its size, verifying it
// with the public key (checkpoint signature and audit path), and a
// consistency proof between a checkpoint of half the events and the
// whole.
func BenchmarkProof(b *testing.B) {
	n := proofEvents()
	m, public := benchTree(b, n)
	s := &Store{merkle: m}
	v := &View{s: s}
	seqs := func(i int) uint64 { return uint64(i*7919%n) + 1 }

	b.Run("events="+strconv.Itoa(n)+"/produce", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := ProveEvents(v, seqs(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("events="+strconv.Itoa(n)+"/sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.sigMu.Lock()
			m.lastNote = "" // sign again, as after every commit
			m.sigMu.Unlock()
			if _, err := s.Checkpoint(); err != nil {
				b.Fatal(err)
			}
		}
	})
	proofs, err := ProveEvents(v, seqs(1))
	if err != nil {
		b.Fatal(err)
	}
	js, _ := json.Marshal(proofs)
	raw := len(proofs.Checkpoint) + 8 + 32 + 8 + 32*len(proofs.Events[0].Path)
	b.Run("events="+strconv.Itoa(n)+"/verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proofs.Verify(public); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(js)), "json-bytes")
		b.ReportMetric(float64(raw), "bytes")
		b.ReportMetric(float64(len(proofs.Events[0].Path)), "hashes")
	})
	cp, err := OpenCheckpoint(proofs.Checkpoint, public)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("events="+strconv.Itoa(n)+"/verify-path", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := proofs.Events[0].Verify(cp); err != nil {
				b.Fatal(err)
			}
		}
	})
	half := Checkpoint{Origin: cp.Origin, Size: uint64(n / 2)}
	{
		m.mu.RLock()
		// The root of the first half, as its checkpoint would state it.
		r, err := tlog.TreeHash(int64(n/2), m)
		m.mu.RUnlock()
		if err != nil {
			b.Fatal(err)
		}
		half.Root = Hash(r)
	}
	b.Run("events="+strconv.Itoa(n)+"/consistency", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for b.Loop() {
			p, err := s.ProveConsistency(half.Size, cp.Size)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.Verify(half, cp); err != nil {
				b.Fatal(err)
			}
			size = 32 * len(p.Path)
		}
		b.ReportMetric(float64(size), "bytes")
	})
}

// BenchmarkCommitTree: BenchmarkCommitMemory's one-event command without
// and with the tree, in one run, for the ratio.
func BenchmarkCommitTree(b *testing.B) {
	for _, c := range []struct {
		name   string
		signer note.Signer
	}{{"without", nil}, {"with", benchSigner(b)}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, &Config{Signer: c.signer})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			in := benchInput()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Submit(ctx, benchActor, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTreeAdd: what the tree adds to a commit of one event, alone:
// its stored hashes (two SHA-256 on average) under the tree's lock.
func BenchmarkTreeAdd(b *testing.B) {
	m := newMerkle(benchSigner(b))
	evs := make([]Event, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		evs[0].Seq = uint64(i + 1)
		evs[0].Hash[0], evs[0].Hash[1] = byte(i), byte(i>>8)
		m.add(evs)
	}
}
