package merkle

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

	p "github.com/osallisuus/osallisuus/participation"
)

// The Merkle tree's proofs at county scale, and what the tree adds to a
// commit (LOOP-2):
//
//	OSALLISUUS_PROOF_EVENTS=1000000 go test -run '^$' -bench . -benchmem ./participation/merkle/
//
// Without the variable the tree holds 10,000 events, for CI's single run.

type benchRand struct{ x uint64 }

func (r *benchRand) Read(b []byte) (int, error) {
	for i := range b {
		r.x = r.x*6364136223846793005 + 1442695040888963407
		b[i] = byte(r.x >> 56)
	}
	return len(b), nil
}

func benchKey(b *testing.B) (note.Signer, string) {
	private, public, err := GenerateKey(&benchRand{}, "bench.example/osallisuus")
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewSigner(private)
	if err != nil {
		b.Fatal(err)
	}
	return s, public
}

// benchTree builds the tree a store would keep over n events, from
// made-up chain hashes: the tree sees nothing else of an event.
func benchTree(b *testing.B, n int) (*Tree, string) {
	signer, public := benchKey(b)
	m := New(signer)
	evs := make([]p.Event, 0, 4096)
	for seq := 1; seq <= n; seq++ {
		var e p.Event
		e.Seq = uint64(seq)
		e.Hash = sha256.Sum256(binary.BigEndian.AppendUint64(nil, e.Seq))
		evs = append(evs, e)
		if len(evs) == cap(evs) || seq == n {
			m.Append(evs)
			evs = evs[:0]
		}
	}
	return m, public
}

func proofEvents() int {
	if n, err := strconv.Atoi(os.Getenv("OSALLISUUS_PROOF_EVENTS")); err == nil && n > 1 {
		return n
	}
	return 10_000
}

// BenchmarkProof: a receipt's proof of one event in a tree of
// OSALLISUUS_PROOF_EVENTS events: producing it, signing a checkpoint,
// its size, verifying it with the public key (signature and audit path)
// and the audit path alone, and a consistency proof between a checkpoint
// of half the events and the whole, produced and verified.
func BenchmarkProof(b *testing.B) {
	n := proofEvents()
	m, public := benchTree(b, n)
	seqs := func(i int) uint64 { return uint64(i*7919%n) + 1 }
	name := "events=" + strconv.Itoa(n)

	b.Run(name+"/produce", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := m.Prove(seqs(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(name+"/sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.sigMu.Lock()
			m.lastNote = "" // sign again, as after every commit
			m.sigMu.Unlock()
			if _, err := m.Checkpoint(); err != nil {
				b.Fatal(err)
			}
		}
	})
	proofs, err := m.Prove(seqs(1))
	if err != nil {
		b.Fatal(err)
	}
	js, _ := json.Marshal(proofs)
	raw := len(proofs.Checkpoint) + 8 + 32 + 8 + 32*len(proofs.Events[0].Path)
	b.Run(name+"/verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := VerifyProofs(proofs, public); err != nil {
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
	b.Run(name+"/verify-path", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := VerifyInclusion(proofs.Events[0], cp); err != nil {
				b.Fatal(err)
			}
		}
	})
	half := p.Checkpoint{Origin: cp.Origin, Size: uint64(n / 2)}
	m.mu.RLock()
	r, err := tlog.TreeHash(int64(n/2), m.reader()) // the root the older checkpoint states
	m.mu.RUnlock()
	if err != nil {
		b.Fatal(err)
	}
	half.Root = p.Hash(r)
	b.Run(name+"/consistency", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for b.Loop() {
			pr, err := m.ProveConsistency(half.Size, cp.Size)
			if err != nil {
				b.Fatal(err)
			}
			if err := VerifyConsistency(pr, half, cp); err != nil {
				b.Fatal(err)
			}
			size = 32 * len(pr.Path)
		}
		b.ReportMetric(float64(size), "bytes")
	})
}

// BenchmarkCommitTree: a one-event command (Store.Submit, memory
// journal, as BenchmarkCommitMemory in participation) without and with
// the tree, in one run, for the ratio.
func BenchmarkCommitTree(b *testing.B) {
	actor := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-000000000003"), Role: p.RoleClient}
	in := p.ContributionInput{
		Source: p.Source{Module: "bench", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient,
		Unit: "aikuissosiaalityo", Service: "sosiaalinen_kuntoutus", Title: "Iltavastaanotto kerran viikossa",
		Contributors: []p.ID{actor.ID},
	}
	for _, with := range []bool{false, true} {
		name := "without"
		if with {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			cfg := &p.Config{}
			if with {
				signer, _ := benchKey(b)
				cfg.History = New(signer)
			}
			s, err := p.Open(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Submit(ctx, actor, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTreeAdd: what the tree adds to a commit of one event, alone:
// its stored hashes (two SHA-256 on average) under the tree's lock.
func BenchmarkTreeAdd(b *testing.B) {
	signer, _ := benchKey(b)
	m := New(signer)
	evs := make([]p.Event, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		evs[0].Seq = uint64(i + 1)
		evs[0].Hash[0], evs[0].Hash[1] = byte(i), byte(i>>8)
		m.Append(evs)
	}
}
