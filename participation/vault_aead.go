//go:build !(js && wasm)

package participation

import (
	"crypto/cipher"
	"crypto/subtle"
	"sync"
)

// aeadCache keeps the cipher the vault made for each subject it sealed
// or opened for lately, beside the key it was made from. Making one — an
// AES key schedule and GCM's tables — was a tenth of a submission's
// allocations and a fifth of its garbage beside the rows, and a
// submission makes two (it seals the title and opens it again).
//
// A kept cipher never outlives its key:
//   - the key is still read from the key store every time, and a kept
//     cipher is used only while that is the key it was made from, so an
//     erasure by another store over the same keys stops it as it stops
//     the key;
//   - [Vault.Erase] drops the subject's cipher once the key store has
//     destroyed the key (or failed to), and counts the drop; a cipher
//     made is kept only if the key store, asked again, still gives the
//     key it was made from and no drop was counted since the asking
//     began: a reader that read the key just before an erasure keeps
//     nothing after it.
//
// A key store may hand out its own slice and wipe it when the key is
// erased (this package's do), so a key read beside an erasure can be
// torn. The vault copies it at once and asks for the key again before
// it uses a cipher it made: a key that is gone or changed by then is
// [ErrErased], and nothing is sealed or opened under a torn key.
//
// The entries do not change once made; the lock guards the map, the
// count, the comparison of keys and the wiping of a key copy when an
// entry goes. A cipher of the standard library's GCM keeps no state
// between calls, so readers use one at once.
//
// The browser's module, which seals little and runs one goroutine at a
// time, makes a cipher each time (vault_aead_js.go).
type aeadCache struct {
	mu      sync.Mutex
	m       map[ID]*keyedAEAD
	forgets uint64 // how many times an entry was dropped for an erasure
}

type keyedAEAD struct {
	key  [keySize]byte
	aead cipher.AEAD
}

// cacheCiphers: the vault keeps its ciphers (see aeadCache).
const cacheCiphers = true

// keySize is the length of the keys the vault makes (AES-256).
const keySize = 32

// maxAEADs bounds the cache: when it is full it starts again empty. A
// cipher holds about a kilobyte.
const maxAEADs = 256

// cachedAEAD returns the cipher for subject's key, kept or made.
func (v *Vault) cachedAEAD(subject ID, key []byte) (cipher.AEAD, error) {
	if len(key) != keySize {
		return newAEAD(key)
	}
	var k [keySize]byte
	copy(k[:], key) // at once: the store may wipe its slice
	defer clear(k[:])
	c := &v.aeads
	c.mu.Lock()
	if e := c.m[subject]; e != nil && subtle.ConstantTimeCompare(e.key[:], k[:]) == 1 {
		c.mu.Unlock()
		return e.aead, nil
	}
	forgets := c.forgets
	c.mu.Unlock()
	// Asked again: the copy above is whole only if the key is still
	// there, unchanged, after it was made.
	now, ok, err := v.keys.Get(subject)
	if err != nil {
		return nil, Internal(err, "reading key")
	}
	if !ok || subtle.ConstantTimeCompare(now, k[:]) != 1 {
		return nil, ErrErased
	}
	aead, err := newAEAD(k[:])
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.forgets != forgets {
		return aead, nil // an erasure meanwhile: used once, not kept
	}
	if c.m == nil || len(c.m) >= maxAEADs {
		for _, old := range c.m {
			clear(old.key[:])
		}
		c.m = make(map[ID]*keyedAEAD)
	}
	c.m[subject] = &keyedAEAD{key: k, aead: aead}
	return aead, nil
}

// forget drops the cipher kept for subject, its key's copy wiped, and
// counts the drop.
func (v *Vault) forget(subject ID) {
	c := &v.aeads
	c.mu.Lock()
	if e := c.m[subject]; e != nil {
		clear(e.key[:])
		delete(c.m, subject)
	}
	c.forgets++
	c.mu.Unlock()
}
