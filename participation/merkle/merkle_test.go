package merkle_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

// countyKey makes a signing key pair for the tests, from a fixed seed.
func countyKey(tb testing.TB, name string, seed uint64) (note.Signer, string) {
	tb.Helper()
	private, public, err := merkle.GenerateKey(&rng{x: seed}, name)
	require.NoError(tb, err)
	signer, err := merkle.NewSigner(private)
	require.NoError(tb, err)
	return signer, public
}

// openSigned opens a store that keeps the Merkle tree, over j (memory
// when nil).
func openSigned(tb testing.TB, j p.Journal, keys p.KeyStore, signer note.Signer) *p.Store {
	tb.Helper()
	s, err := p.Open(context.Background(), &p.Config{
		Journal: j, Keys: keys, Clock: p.NewManualClock(t0), Rand: &rng{x: 42},
		History: merkle.New(signer),
	})
	require.NoError(tb, err)
	tb.Cleanup(func() { s.Close() })
	return s
}

// referenceRoot is the RFC 6962 Merkle tree hash, written out from the
// RFC's definition, of leaves whose data are the given event hashes: an
// independent check of the tree the store keeps.
func referenceRoot(hashes []p.Hash) [32]byte {
	if len(hashes) == 0 {
		return sha256.Sum256(nil)
	}
	if len(hashes) == 1 {
		return sha256.Sum256(append([]byte{0}, hashes[0][:]...))
	}
	k := 1
	for k*2 < len(hashes) {
		k *= 2
	}
	l, r := referenceRoot(hashes[:k]), referenceRoot(hashes[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func openCP(tb testing.TB, signed, public string) p.Checkpoint {
	tb.Helper()
	cp, err := merkle.OpenCheckpoint(signed, public)
	require.NoError(tb, err)
	return cp
}

func TestMerkleVectors(t *testing.T) {
	t.Run("LOOP-2_tlog_is_rfc6962_on_the_certificate_transparency_vectors", func(t *testing.T) {
		// The leaves and roots of the Certificate Transparency reference
		// tests (RFC 6962 Merkle tree hash of the first n leaves).
		leaves := []string{"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}
		roots := []string{
			"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
			"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
			"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
			"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
			"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
			"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
			"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
		}
		var stored []tlog.Hash
		reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for i, x := range idx {
				out[i] = stored[x]
			}
			return out, nil
		})
		for i, l := range leaves {
			data, err := hex.DecodeString(l)
			require.NoError(t, err)
			hs, err := tlog.StoredHashes(int64(i), data, reader)
			require.NoError(t, err)
			stored = append(stored, hs...)
			root, err := tlog.TreeHash(int64(i+1), reader)
			require.NoError(t, err)
			assert.Equal(t, roots[i], hex.EncodeToString(root[:]), "root of %d leaves", i+1)
		}
	})

	t.Run("LOOP-2_store_root_is_the_rfc6962_root_of_the_event_hashes", func(t *testing.T) {
		signer, public := countyKey(t, "test.example/osallisuus", 7)
		j := p.NewMemoryJournal()
		s := openSigned(t, j, nil, signer)
		var hashes []p.Hash
		for i := 0; i < 37; i++ {
			_, err := s.Submit(context.Background(), client, input("Aukioloajat iltaisin"))
			require.NoError(t, err)
			signed, err := s.Checkpoint()
			require.NoError(t, err)
			cp := openCP(t, signed, public)
			hashes = hashes[:0]
			for _, e := range journalLines(t, j) {
				hashes = append(hashes, e.Hash)
			}
			require.Equal(t, uint64(len(hashes)), cp.Size)
			assert.Equal(t, hex.EncodeToString(func() []byte { r := referenceRoot(hashes); return r[:] }()), cp.Root.String())
		}
	})
}

// grow submits n contributions one command at a time and returns the
// checkpoint (opened and signed) after each: cps[k] is that of size k.
func grow(t *testing.T, s *p.Store, public string, n int) ([]p.Checkpoint, []string) {
	t.Helper()
	cps, notes := make([]p.Checkpoint, n+1), make([]string, n+1)
	signed, err := s.Checkpoint()
	require.NoError(t, err)
	cps[0], notes[0] = openCP(t, signed, public), signed
	for k := 1; k <= n; k++ {
		_, err := s.Submit(context.Background(), client, input("Aukioloajat iltaisin"))
		require.NoError(t, err)
		signed, err := s.Checkpoint()
		require.NoError(t, err)
		cps[k], notes[k] = openCP(t, signed, public), signed
		require.Equal(t, uint64(k), cps[k].Size)
	}
	return cps, notes
}

func TestMerkleProofs(t *testing.T) {
	const n = 1000
	signer, public := countyKey(t, "test.example/osallisuus", 7)
	j := p.NewMemoryJournal()
	s := openSigned(t, j, nil, signer)
	cps, notes := grow(t, s, public, n)
	events := journalLines(t, j)
	require.Len(t, events, n)

	t.Run("LOOP-2_inclusion_verifies_for_every_leaf_of_every_tree_of_1_to_1000", func(t *testing.T) {
		for size := uint64(1); size <= n; size++ {
			for seq := uint64(1); seq <= size; seq++ {
				pr, err := s.ProveInclusion(seq, size)
				if err != nil {
					t.Fatal(err)
				}
				if pr.Leaf != events[seq-1].Hash {
					t.Fatalf("event %d: the proof's leaf is not the event's chain hash", seq)
				}
				if err := merkle.VerifyInclusion(pr, cps[size]); err != nil {
					t.Fatalf("event %d in tree %d: %v", seq, size, err)
				}
			}
		}
	})

	// Every pair of sizes up to 300, and from the sizes where the shape of
	// the tree changes (powers of two and their neighbours, one less than
	// the newer) and a stride to every size up to 1000: the whole square
	// takes a minute under the race detector.
	froms := func(to uint64) []uint64 {
		var out []uint64
		for from := uint64(0); from <= to; from++ {
			if to <= 300 || from <= 3 || from&(from-1) == 0 || (from+1)&from == 0 || (from-1)&(from-2) == 0 || from+1 >= to || from%29 == to%29 {
				out = append(out, from)
			}
		}
		return out
	}
	t.Run("LOOP-2_consistency_verifies_between_trees_of_1_to_1000", func(t *testing.T) {
		for to := uint64(1); to <= n; to++ {
			for _, from := range froms(to) {
				pr, err := s.ProveConsistency(from, to)
				if err != nil {
					t.Fatal(err)
				}
				if err := merkle.VerifyConsistency(pr, cps[from], cps[to]); err != nil {
					t.Fatalf("from %d to %d: %v", from, to, err)
				}
			}
		}
	})

	// A sample of sizes and leaves for the negative checks: every size up
	// to 70, the powers of two and their neighbours, and the largest.
	var sizes []uint64
	for size := uint64(1); size <= n; size++ {
		if size <= 70 || size&(size-1) == 0 || (size+1)&size == 0 || (size-1)&(size-2) == 0 || size == n {
			sizes = append(sizes, size)
		}
	}
	corrupt := func(t *testing.T, err error) {
		t.Helper()
		require.Error(t, err)
		code := p.ErrorCode(err)
		assert.True(t, code == p.ECORRUPT || code == p.EINVALID, "code %s: %v", code, err)
	}

	t.Run("LOOP-2_inclusion_with_a_flipped_bit_fails", func(t *testing.T) {
		for _, size := range sizes {
			for seq := uint64(1); seq <= size; seq += 1 + size/16 {
				pr, err := s.ProveInclusion(seq, size)
				require.NoError(t, err)
				for i := range pr.Path {
					for bit := 0; bit < 256; bit += 37 {
						pr.Path[i][bit/8] ^= 1 << (bit % 8)
						corrupt(t, merkle.VerifyInclusion(pr, cps[size]))
						pr.Path[i][bit/8] ^= 1 << (bit % 8)
					}
				}
				for bit := 0; bit < 256; bit += 11 {
					pr.Leaf[bit/8] ^= 1 << (bit % 8)
					corrupt(t, merkle.VerifyInclusion(pr, cps[size]))
					pr.Leaf[bit/8] ^= 1 << (bit % 8)
					root := cps[size]
					root.Root[bit/8] ^= 1 << (bit % 8)
					corrupt(t, merkle.VerifyInclusion(pr, root))
				}
				require.NoError(t, merkle.VerifyInclusion(pr, cps[size]), "the proof verifies again once restored")
			}
		}
	})

	t.Run("LOOP-2_inclusion_with_a_wrong_index_or_size_fails", func(t *testing.T) {
		for _, size := range sizes {
			for seq := uint64(1); seq <= size; seq += 1 + size/16 {
				pr, err := s.ProveInclusion(seq, size)
				require.NoError(t, err)
				for _, other := range []uint64{0, seq - 1, seq + 1, size, size + 1, 1 << 62, 1<<64 - 1} {
					if other == seq {
						continue
					}
					bad := pr
					bad.Seq = other
					corrupt(t, merkle.VerifyInclusion(bad, cps[size]))
				}
				for _, other := range []uint64{size - 1, size + 1, size * 2} {
					if other > n || other == 0 || other < seq {
						continue
					}
					bad := pr
					bad.Size = other
					corrupt(t, merkle.VerifyInclusion(bad, cps[size]))
					// Against the honest checkpoint of the other size.
					corrupt(t, merkle.VerifyInclusion(pr, cps[other]))
					corrupt(t, merkle.VerifyInclusion(bad, cps[other]))
				}
				bad := pr
				bad.Path = append(append([]p.Hash(nil), pr.Path...), p.Hash{})
				corrupt(t, merkle.VerifyInclusion(bad, cps[size]))
				if len(pr.Path) > 0 {
					bad.Path = pr.Path[:len(pr.Path)-1]
					corrupt(t, merkle.VerifyInclusion(bad, cps[size]))
				}
			}
		}
	})

	t.Run("LOOP-2_consistency_with_a_flipped_bit_or_wrong_sizes_fails", func(t *testing.T) {
		for _, to := range sizes {
			for from := uint64(1); from < to; from += 1 + to/8 {
				pr, err := s.ProveConsistency(from, to)
				require.NoError(t, err)
				for i := range pr.Path {
					for bit := 0; bit < 256; bit += 41 {
						pr.Path[i][bit/8] ^= 1 << (bit % 8)
						corrupt(t, merkle.VerifyConsistency(pr, cps[from], cps[to]))
						pr.Path[i][bit/8] ^= 1 << (bit % 8)
					}
				}
				for bit := 0; bit < 256; bit += 13 {
					older, newer := cps[from], cps[to]
					older.Root[bit/8] ^= 1 << (bit % 8)
					newer.Root[bit/8] ^= 1 << (bit % 8)
					corrupt(t, merkle.VerifyConsistency(pr, older, cps[to]))
					corrupt(t, merkle.VerifyConsistency(pr, cps[from], newer))
				}
				if from > 1 {
					corrupt(t, merkle.VerifyConsistency(pr, cps[from-1], cps[to]))
					bad := pr
					bad.From = from - 1
					corrupt(t, merkle.VerifyConsistency(bad, cps[from-1], cps[to]))
				}
				if to < n {
					corrupt(t, merkle.VerifyConsistency(pr, cps[from], cps[to+1]))
					bad := pr
					bad.To = to + 1
					corrupt(t, merkle.VerifyConsistency(bad, cps[from], cps[to+1]))
				}
				corrupt(t, merkle.VerifyConsistency(pr, cps[to], cps[from]))
				require.NoError(t, merkle.VerifyConsistency(pr, cps[from], cps[to]), "the proof verifies again once restored")
			}
		}
		// Equal sizes prove with an empty path and equal roots only.
		pr, err := s.ProveConsistency(5, 5)
		require.NoError(t, err)
		require.NoError(t, merkle.VerifyConsistency(pr, cps[5], cps[5]))
		other := cps[5]
		other.Root[0] ^= 1
		corrupt(t, merkle.VerifyConsistency(pr, cps[5], other))
		pr.Path = []p.Hash{{}}
		corrupt(t, merkle.VerifyConsistency(pr, cps[5], cps[5]))
	})

	t.Run("LOOP-2_checkpoint_with_a_wrong_key_or_a_flipped_bit_fails", func(t *testing.T) {
		_, sameName := countyKey(t, "test.example/osallisuus", 8)
		_, otherName := countyKey(t, "other.example/osallisuus", 7)
		for _, size := range []int{0, 1, 2, 3, 64, n} {
			signed := notes[size]
			for _, key := range []string{sameName, otherName} {
				_, err := merkle.OpenCheckpoint(signed, key)
				corrupt(t, err)
				proofs := &p.EventProofs{Checkpoint: signed}
				_, err = merkle.VerifyProofs(proofs, key)
				corrupt(t, err)
			}
			for pos := 0; pos < len(signed); pos++ {
				for _, flip := range []byte{0x01, 0x20} {
					bad := []byte(signed)
					bad[pos] ^= flip
					_, err := merkle.OpenCheckpoint(string(bad), public)
					if err == nil {
						t.Logf("pos %d of %d flip %x: %q", pos, len(signed), flip, bad)
					}
					corrupt(t, err)
				}
			}
			_, err := merkle.OpenCheckpoint(signed, public)
			require.NoError(t, err)
		}
		_, err := merkle.OpenCheckpoint(notes[3], "not a key")
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		_, err = merkle.OpenCheckpoint("", public)
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
	})

	t.Run("LOOP-2_checkpoint_is_in_the_c2sp_signed_note_form", func(t *testing.T) {
		signed := notes[n]
		body, sigs, ok := strings.Cut(signed, "\n\n")
		require.True(t, ok, "a blank line ends the checkpoint's text")
		lines := strings.Split(body, "\n")
		require.Len(t, lines, 3)
		assert.Equal(t, "test.example/osallisuus", lines[0])
		assert.Equal(t, "1000", lines[1])
		assert.Equal(t, cps[n].Root[:], func() []byte { b, _ := base64.StdEncoding.DecodeString(lines[2]); return b }())
		assert.True(t, strings.HasPrefix(sigs, "— test.example/osallisuus "), "a signature line: %q", sigs)
		assert.Equal(t, 1, strings.Count(sigs, "\n"))
	})

	t.Run("LOOP-2_proofs_out_of_range_are_refused", func(t *testing.T) {
		for _, c := range [][2]uint64{{0, 5}, {6, 5}, {1, n + 1}, {1, 0}} {
			_, err := s.ProveInclusion(c[0], c[1])
			assert.Equal(t, p.EINVALID, p.ErrorCode(err), "%v", c)
		}
		for _, c := range [][2]uint64{{6, 5}, {1, n + 1}} {
			_, err := s.ProveConsistency(c[0], c[1])
			assert.Equal(t, p.EINVALID, p.ErrorCode(err), "%v", c)
		}
	})
}

func TestMerkleStore(t *testing.T) {
	ctx := context.Background()
	signer, public := countyKey(t, "test.example/osallisuus", 7)

	t.Run("LOOP-2_no_history_no_proofs", func(t *testing.T) {
		s, err := p.Open(ctx, nil)
		require.NoError(t, err)
		defer s.Close()
		assert.False(t, s.Proving())
		_, err = s.Checkpoint()
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		proofs, err := p.ProveEvents(s.View(), 1)
		assert.NoError(t, err)
		assert.Nil(t, proofs)
		_, err = s.ProveConsistency(0, 0)
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		_, err = s.ProveInclusion(1, 1)
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
	})

	t.Run("LOOP-2_a_used_tree_is_refused", func(t *testing.T) {
		tree := merkle.New(signer)
		s, err := p.Open(ctx, &p.Config{History: tree})
		require.NoError(t, err)
		_, err = s.Submit(ctx, client, input("Aukioloajat iltaisin"))
		require.NoError(t, err)
		require.NoError(t, s.Close())
		_, err = p.Open(ctx, &p.Config{History: tree})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		_, err = merkle.VerifyProofs(nil, public)
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
	})

	t.Run("LOOP-2_tree_is_rebuilt_on_open", func(t *testing.T) {
		keys := p.NewMemoryKeyStore()
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		s := openSigned(t, j, keys, signer)
		_, err = s.Submit(ctx, client, input("Aukioloajat iltaisin"))
		require.NoError(t, err)
		_, err = s.Submit(ctx, staff, input("Maija Meikäläisen toive"))
		require.NoError(t, err)
		before, err := s.Checkpoint()
		require.NoError(t, err)
		require.NoError(t, s.Close())

		j, err = p.OpenFile(path, nil)
		require.NoError(t, err)
		s = openSigned(t, j, keys, signer)
		after, err := s.Checkpoint()
		require.NoError(t, err)
		assert.Equal(t, before, after, "the same journal gives the same signed checkpoint")
		_, err = s.Submit(ctx, client, input("Aukioloajat iltaisin"))
		require.NoError(t, err)
		later, err := s.Checkpoint()
		require.NoError(t, err)
		old, now := openCP(t, before, public), openCP(t, later, public)
		pr, err := s.ProveConsistency(old.Size, now.Size)
		require.NoError(t, err)
		assert.NoError(t, merkle.VerifyConsistency(pr, old, now))
	})

	t.Run("LOOP-2_every_event_a_view_shows_is_proved_under_concurrent_writes", func(t *testing.T) {
		s := openSigned(t, nil, nil, signer)
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					if _, err := s.Submit(ctx, client, input("Aukioloajat iltaisin")); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		errs := make(chan error, 1)
		go func() {
			defer close(errs)
			for i := 0; i < 100; i++ {
				v := s.View()
				cs, _, err := p.FindContributions(v, p.ContributionFilter{})
				if err != nil || len(cs) == 0 {
					continue
				}
				last := cs[len(cs)-1].History[0].Seq
				proofs, err := p.ProveEvents(v, last)
				if err == nil {
					_, err = merkle.VerifyProofs(proofs, public)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
		wg.Wait()
		for err := range errs {
			t.Fatal(err)
		}
	})

	t.Run("LOOP-2_proofs_carry_hashes_only", func(t *testing.T) {
		j := p.NewMemoryJournal()
		s := openSigned(t, j, nil, signer)
		_, err := s.Submit(ctx, staff, input("Maija Meikäläisen toive"))
		require.NoError(t, err)
		c, err := s.Submit(ctx, client, input("Aukioloajat iltaisin"))
		require.NoError(t, err)
		_, err = s.Decide(ctx, manager, c.ID, p.NotAdopted, "Ei resursseja tänä vuonna")
		require.NoError(t, err)
		var seqs []uint64
		for _, e := range journalLines(t, j) {
			seqs = append(seqs, e.Seq)
		}
		proofs, err := p.ProveEvents(s.View(), seqs...)
		require.NoError(t, err)
		b, err := json.Marshal(proofs)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(b, &doc))
		require.Len(t, doc, 2)
		signed, _ := doc["checkpoint"].(string)
		_, err = merkle.OpenCheckpoint(signed, public)
		require.NoError(t, err, "the checkpoint is the signed note and nothing else")
		hexHash := func(v any) {
			s, ok := v.(string)
			assert.True(t, ok && len(s) == 64, "a hash: %v", v)
			_, err := hex.DecodeString(s)
			assert.NoError(t, err)
		}
		for _, ev := range doc["events"].([]any) {
			m := ev.(map[string]any)
			assert.ElementsMatch(t, []string{"seq", "leaf", "size", "path"}, keys(m))
			hexHash(m["leaf"])
			for _, h := range m["path"].([]any) {
				hexHash(h)
			}
		}
		// Nothing of any event's content is in the proofs.
		for _, e := range journalLines(t, j) {
			assert.NotContains(t, string(b), string(e.Data))
			assert.NotContains(t, string(b), e.ID.String())
			assert.NotContains(t, string(b), e.Type)
		}
	})
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestMerkleTamper is what a dishonest operator would do: rewrite an old
// event in the file journal and rebuild the hash chain from there. The
// chain verifies again and the store opens, but the consistency check
// against a checkpoint signed before the rewrite fails.
func TestMerkleTamper(t *testing.T) {
	t.Run("LOOP-2_rewritten_history_fails_the_consistency_check_against_an_earlier_checkpoint", func(t *testing.T) {
		ctx := context.Background()
		signer, public := countyKey(t, "test.example/osallisuus", 7)
		keys := p.NewMemoryKeyStore()
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		j, err := p.OpenFile(path, nil)
		require.NoError(t, err)
		s := openSigned(t, j, keys, signer)
		var target p.ID
		for i := 0; i < 20; i++ {
			c, err := s.Submit(ctx, client, input("Aukioloajat iltaisin"))
			require.NoError(t, err)
			if i == 3 {
				target = c.ID
				_, err = s.Decide(ctx, manager, c.ID, p.NotAdopted, "Ei resursseja tänä vuonna")
				require.NoError(t, err)
			}
		}
		signed, err := s.Checkpoint()
		require.NoError(t, err)
		earlier := openCP(t, signed, public)
		require.NoError(t, s.Close())

		// Rewrite the decision to "adopted" and rebuild every link after it.
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		var out []byte
		var prev p.Hash
		rewritten := false
		for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			e, err := p.ParseEvent(bytes.TrimSuffix(line, []byte("\n")))
			require.NoError(t, err)
			if e.Type == "contribution.decided" {
				e.Data = json.RawMessage(strings.Replace(string(e.Data), `"not_adopted"`, `"adopted"`, 1))
				rewritten = true
			}
			e.Prev = prev
			e.Hash = e.ComputeHash()
			prev = e.Hash
			out = append(e.AppendJSON(out), '\n')
		}
		require.True(t, rewritten)
		require.NoError(t, os.WriteFile(path, out, 0o600))

		j, err = p.OpenFile(path, nil)
		require.NoError(t, err)
		_, err = p.Verify(ctx, j)
		require.NoError(t, err, "the rebuilt chain verifies: the chain alone cannot tell")
		s = openSigned(t, j, keys, signer)
		c, err := p.GetContribution(s.View(), target)
		require.NoError(t, err)
		require.Equal(t, p.Adopted, c.Decision, "the store believes the rewritten decision")

		// More events come; the county signs a new checkpoint.
		_, err = s.Submit(ctx, client, input("Aukioloajat iltaisin"))
		require.NoError(t, err)
		signed, err = s.Checkpoint()
		require.NoError(t, err)
		now := openCP(t, signed, public)
		pr, err := s.ProveConsistency(earlier.Size, now.Size)
		require.NoError(t, err)
		err = merkle.VerifyConsistency(pr, earlier, now)
		require.Error(t, err)
		assert.Equal(t, p.ECORRUPT, p.ErrorCode(err))

		// So does a receipt's inclusion proof of the rewritten event under
		// the earlier checkpoint: its hash is not the one signed then.
		decided := c.History[len(c.History)-1]
		require.Equal(t, p.StateDecided, decided.State)
		inc, err := s.ProveInclusion(decided.Seq, earlier.Size)
		require.NoError(t, err)
		assert.Equal(t, p.ECORRUPT, p.ErrorCode(merkle.VerifyInclusion(inc, earlier)))
	})
}
