//go:build !(js && wasm)

package participation

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// The vault keeps the cipher it made for a subject (vault_aead.go). A
// kept cipher must never outlive its key: not an erasure through the
// vault, not one by another store over the same keys, not a new key made
// after one.
func TestVaultKeptCiphers(t *testing.T) {
	subject := MustParseID("0190a000-0000-7000-8000-0000000000a1")
	secret := []byte("Asun Hervannassa, soittakaa iltaisin")

	t.Run("PRIV-2_a_key_erased_by_another_store_opens_nothing", func(t *testing.T) {
		keys := NewMemoryKeyStore()
		v := NewVault(keys, nil)
		sealed, err := v.Seal(subject, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := v.Open(sealed); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("open before the erasure: %q, %v", got, err)
		}
		if v.aeads.m[subject] == nil {
			t.Fatal("the cipher was not kept: this test checks nothing")
		}
		// Another store over the same keys erases the subject.
		if err := NewVault(keys, nil).Erase(subject); err != nil {
			t.Fatal(err)
		}
		if got, err := v.Open(sealed); !errors.Is(err, ErrErased) {
			t.Fatalf("open after another store's erasure: %q, %v; want ErrErased", got, err)
		}
		if v.aeads.m[subject] != nil {
			t.Error("the cipher of an erased key is still kept")
		}
	})

	t.Run("PRIV-2_a_new_key_does_not_open_what_the_old_one_sealed", func(t *testing.T) {
		keys := NewMemoryKeyStore()
		v := NewVault(keys, nil)
		old, err := v.Seal(subject, secret)
		if err != nil {
			t.Fatal(err)
		}
		// Erased elsewhere, then sealed for again before this vault opened
		// anything: it makes a new key, and the kept cipher is of the old.
		if err := keys.Delete(subject); err != nil {
			t.Fatal(err)
		}
		fresh, err := v.Seal(subject, []byte("uusi"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := v.Open(old); ErrorCode(err) != ECORRUPT {
			t.Fatalf("the old box under the new key: %q, %v; want ECORRUPT", got, err)
		}
		if got, err := v.Open(fresh); err != nil || string(got) != "uusi" {
			t.Fatalf("the new box: %q, %v", got, err)
		}
	})

	t.Run("PRIV-2_erasure_through_the_vault_drops_the_cipher_even_when_the_key_store_fails", func(t *testing.T) {
		v := NewVault(failingDelete{NewMemoryKeyStore()}, nil)
		if _, err := v.Seal(subject, secret); err != nil {
			t.Fatal(err)
		}
		if v.aeads.m[subject] == nil {
			t.Fatal("the cipher was not kept: this test checks nothing")
		}
		if err := v.Erase(subject); err == nil {
			t.Fatal("the key store's failure was not reported")
		}
		if v.aeads.m[subject] != nil {
			t.Error("the cipher outlived an erasure whose key store failed")
		}
	})

	t.Run("PRIV-2_a_reader_that_read_the_key_before_an_erasure_keeps_no_cipher", func(t *testing.T) {
		keys := &gatedKeys{m: map[ID][]byte{}}
		v, sealed := sealedKeepingNothing(t, keys, subject, secret)
		read, goOn, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
		keys.gate = func() { close(read); <-goOn }
		go func() {
			defer close(done)
			_, _ = v.Open(sealed)
		}()
		<-read // the reader has the key; the store erases the subject
		keys.setGate(nil)
		if err := v.Erase(subject); err != nil {
			t.Fatal(err)
		}
		close(goOn)
		<-done
		if e := v.aeads.m[subject]; e != nil {
			t.Errorf("after the erasure the vault keeps a cipher for the subject (its key copy wiped: %v)", e.key == [keySize]byte{})
		}
	})

	t.Run("PRIV-2_a_reader_while_the_key_is_being_destroyed_keeps_no_cipher", func(t *testing.T) {
		keys := &gatedKeys{m: map[ID][]byte{}}
		v, sealed := sealedKeepingNothing(t, keys, subject, secret)
		deleting, goOn, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
		keys.beforeDelete = func() { close(deleting); <-goOn }
		go func() {
			defer close(done)
			if err := v.Erase(subject); err != nil {
				t.Error(err)
			}
		}()
		<-deleting // the erasure has begun; the key is still there
		if got, err := v.Open(sealed); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("open before the key is destroyed: %q, %v", got, err)
		}
		close(goOn)
		<-done
		if v.aeads.m[subject] != nil {
			t.Error("the cipher made while the key was being destroyed outlived the erasure")
		}
	})

	t.Run("PRIV-2_an_erasure_while_a_reader_asks_for_the_key_again_keeps_no_cipher", func(t *testing.T) {
		keys := &gatedKeys{m: map[ID][]byte{}}
		v, sealed := sealedKeepingNothing(t, keys, subject, secret)
		gets := 0
		keys.gate = func() {
			// The reader asks a second time before it keeps the cipher:
			// the key is whole, and then the erasure runs to its end.
			if gets++; gets == 2 {
				keys.gate = nil
				if err := v.Erase(subject); err != nil {
					t.Error(err)
				}
			}
		}
		if got, err := v.Open(sealed); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("the open that read the key before the erasure: %q, %v", got, err)
		}
		if v.aeads.m[subject] != nil {
			t.Error("a cipher made before the erasure was kept after it")
		}
	})

	// The package's key stores hand out their own slice and wipe it when
	// the key is erased: a key read just before an erasure is wiped
	// under the reader.
	t.Run("PRIV-2_a_seal_beside_an_erasure_seals_under_no_wiped_key", func(t *testing.T) {
		keys := &erasingKeys{MemoryKeyStore: NewMemoryKeyStore()}
		v, _ := sealedKeepingNothing(t, keys, subject, secret)
		keys.after = func() { _ = v.Erase(subject) }
		sealed, err := v.Seal(subject, secret)
		if !errors.Is(err, ErrErased) {
			zero, _ := newAEAD(make([]byte, keySize))
			_, zerr := zero.Open(nil, sealed.Nonce, sealed.Box, subject[:])
			t.Fatalf("a seal whose key was erased as it was read: %v (it opens under a key of zeros: %v); want ErrErased", err, zerr == nil)
		}
	})

	t.Run("PRIV-2_an_open_beside_an_erasure_is_erased_not_corrupt", func(t *testing.T) {
		keys := &erasingKeys{MemoryKeyStore: NewMemoryKeyStore()}
		v, sealed := sealedKeepingNothing(t, keys, subject, secret)
		keys.after = func() { _ = v.Erase(subject) }
		if got, err := v.Open(sealed); !errors.Is(err, ErrErased) {
			t.Fatalf("an open whose key was erased as it was read: %q, %v; want ErrErased", got, err)
		}
	})

	t.Run("PRIV-2_erasures_beside_readers_keep_no_cipher", func(t *testing.T) {
		v := NewVault(nil, nil)
		ids := make([]ID, maxAEADs/2)
		boxes := make([]Sealed, len(ids))
		for i := range ids {
			ids[i] = MustParseID(fmt.Sprintf("0190a000-0000-7000-8000-%012x", i+1))
			var err error
			if boxes[i], err = v.Seal(ids[i], secret); err != nil {
				t.Fatal(err)
			}
		}
		for round := range 4 {
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					for i := range boxes {
						_, _ = v.Open(boxes[i])
					}
				})
			}
			wg.Go(func() {
				for _, id := range ids {
					_ = v.Erase(id)
				}
			})
			wg.Wait()
			v.aeads.mu.Lock()
			kept := len(v.aeads.m)
			v.aeads.mu.Unlock()
			if kept != 0 {
				t.Fatalf("round %d: %d ciphers kept for subjects whose keys are erased", round, kept)
			}
			// New keys for the next round.
			for i := range ids {
				var err error
				if boxes[i], err = v.Seal(ids[i], secret); err != nil {
					t.Fatal(err)
				}
			}
		}
	})

	t.Run("the_cache_is_bounded", func(t *testing.T) {
		v := NewVault(nil, nil)
		for i := range 3 * maxAEADs {
			id := MustParseID(fmt.Sprintf("0190a000-0000-7000-8000-%012x", i+1))
			if _, err := v.Seal(id, secret); err != nil {
				t.Fatal(err)
			}
			if n := len(v.aeads.m); n > maxAEADs {
				t.Fatalf("%d ciphers kept, more than %d", n, maxAEADs)
			}
		}
	})

	t.Run("readers_share_a_kept_cipher", func(t *testing.T) {
		v := NewVault(nil, nil)
		sealed, err := v.Seal(subject, secret)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				for range 200 {
					got, err := v.Open(sealed)
					if err == nil && !bytes.Equal(got, secret) {
						err = fmt.Errorf("opened %q", got)
					}
					if err == nil {
						_, err = v.Seal(subject, secret)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// sealedKeepingNothing seals secret for subject in a new vault over
// keys, and drops the cipher the seal kept, so that the next reader
// makes its own.
func sealedKeepingNothing(t *testing.T, keys KeyStore, subject ID, secret []byte) (*Vault, Sealed) {
	t.Helper()
	v := NewVault(keys, nil)
	sealed, err := v.Seal(subject, secret)
	if err != nil {
		t.Fatal(err)
	}
	v.forget(subject)
	return v, sealed
}

// gatedKeys is a key store that hands out copies of its keys, as one
// outside the process would, and calls gate, if set, once a key is read,
// and beforeDelete as a Delete begins.
type gatedKeys struct {
	mu           sync.Mutex
	m            map[ID][]byte
	gate         func()
	beforeDelete func() // called as Delete begins
}

func (g *gatedKeys) setGate(f func()) {
	g.mu.Lock()
	g.gate = f
	g.mu.Unlock()
}

func (g *gatedKeys) Get(id ID) ([]byte, bool, error) {
	g.mu.Lock()
	k, ok := g.m[id]
	k, gate := bytes.Clone(k), g.gate
	g.mu.Unlock()
	if ok && gate != nil {
		gate()
	}
	return k, ok, nil
}

func (g *gatedKeys) Put(id ID, k []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.m[id]; !ok {
		g.m[id] = bytes.Clone(k)
	}
	return nil
}

func (g *gatedKeys) Delete(id ID) error {
	if g.beforeDelete != nil {
		g.beforeDelete()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	clear(g.m[id])
	delete(g.m, id)
	return nil
}

// erasingKeys is the package's memory key store, with after, if set,
// run once as a Get returns: another goroutine at that very point.
type erasingKeys struct {
	*MemoryKeyStore
	after func()
}

func (e *erasingKeys) Get(id ID) ([]byte, bool, error) {
	k, ok, err := e.MemoryKeyStore.Get(id)
	if f := e.after; f != nil {
		e.after = nil
		f()
	}
	return k, ok, err
}

// failingDelete is a key store whose Delete fails after dropping nothing.
type failingDelete struct{ *MemoryKeyStore }

func (failingDelete) Delete(ID) error { return errors.New("the disk is full") }
