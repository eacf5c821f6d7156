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
// submission makes two (it seals the title and opens it again). The key
// is still read from the key store every time, and the cipher is used
// only while that key is the one it was made from, so an erasure by
// another store over the same keys stops it as it stops the key. An
// erasure through this vault drops it first ([Vault.Erase]). A cipher of
// the standard library's GCM keeps no state between calls, so readers
// use one at once.
//
// The browser's module, which seals little, makes a cipher each time
// (vault_aead_js.go).
type aeadCache struct {
	mu sync.Mutex
	m  map[ID]*keyedAEAD
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

// cachedAEAD returns the cipher for subject's key, made or kept.
func (v *Vault) cachedAEAD(subject ID, key []byte) (cipher.AEAD, error) {
	c := &v.aeads
	c.mu.Lock()
	e := c.m[subject]
	c.mu.Unlock()
	if e != nil && len(key) == keySize && subtle.ConstantTimeCompare(e.key[:], key) == 1 {
		return e.aead, nil
	}
	aead, err := newAEAD(key)
	if err != nil || len(key) != keySize {
		return aead, err
	}
	e = &keyedAEAD{aead: aead}
	copy(e.key[:], key)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxAEADs {
		c.m = make(map[ID]*keyedAEAD)
	}
	c.m[subject] = e
	c.mu.Unlock()
	return aead, nil
}

// forget drops the cipher kept for subject, its key's copy wiped.
func (v *Vault) forget(subject ID) {
	c := &v.aeads
	c.mu.Lock()
	if e := c.m[subject]; e != nil {
		clear(e.key[:])
		delete(c.m, subject)
	}
	c.mu.Unlock()
}
