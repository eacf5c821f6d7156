//go:build js && wasm

package participation

import "crypto/cipher"

// cacheCiphers: the browser's module makes a cipher each time it seals or
// opens (see vault_aead.go), and the code that keeps them stays out of it.
const cacheCiphers = false

type aeadCache struct{}

func (v *Vault) cachedAEAD(ID, []byte) (cipher.AEAD, error) { panic("unreachable") }

func (v *Vault) forget(ID) {}
