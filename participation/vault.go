package participation

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// KeyStore keeps the vault's per-subject keys, outside the journal. When a
// key is deleted, every sealed field of that subject becomes unreadable in
// every replay, while the journal and its hash chain stay as they were.
type KeyStore interface {
	// Get returns the subject's key, or ok false when there is none.
	Get(subject ID) (key []byte, ok bool, err error)
	// Put stores a new key durably before it returns. If the subject
	// already has a key — another store over the same keys made one
	// first — Put keeps that one: the vault reads the key back after
	// Put, so two stores never seal one subject's data under two keys.
	Put(subject ID, key []byte) error
	// Delete destroys the key; deleting a missing key is not an error.
	Delete(subject ID) error
}

// MemoryKeyStore keeps keys in memory.
type MemoryKeyStore struct {
	mu   sync.RWMutex
	keys map[ID][]byte
}

// NewMemoryKeyStore returns an empty in-memory key store.
func NewMemoryKeyStore() *MemoryKeyStore { return &MemoryKeyStore{keys: map[ID][]byte{}} }

// Get implements [KeyStore].
func (m *MemoryKeyStore) Get(subject ID) ([]byte, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	k, ok := m.keys[subject]
	return k, ok, nil
}

// Put implements [KeyStore]; a key already there is kept.
func (m *MemoryKeyStore) Put(subject ID, key []byte) error {
	m.mu.Lock()
	if _, ok := m.keys[subject]; !ok {
		m.keys[subject] = key
	}
	m.mu.Unlock()
	return nil
}

// Subjects lists the subjects that have a key, in id order: for saving
// the keys somewhere of one's own, as the browser demo does.
func (m *MemoryKeyStore) Subjects() []ID {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]ID, 0, len(m.keys))
	for id := range m.keys {
		out = append(out, id)
	}
	slices.SortFunc(out, func(a, b ID) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// Delete implements [KeyStore]; it overwrites the key before dropping it.
func (m *MemoryKeyStore) Delete(subject ID) error {
	m.mu.Lock()
	if k, ok := m.keys[subject]; ok {
		clear(k)
		delete(m.keys, subject)
	}
	m.mu.Unlock()
	return nil
}

// DirKeyStore keeps one file per subject in a directory, synced on write
// and removed on erasure. Keep the directory apart from the journal (and
// out of the journal's backups): the journal alone must not be able to
// open sealed data.
type DirKeyStore struct {
	dir string
	mem *MemoryKeyStore
}

// OpenDirKeyStore opens or creates a key directory and loads its keys.
func OpenDirKeyStore(dir string) (*DirKeyStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, Internal(err, "creating key directory")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, Internal(err, "reading key directory")
	}
	d := &DirKeyStore{dir: dir, mem: NewMemoryKeyStore()}
	for _, e := range ents {
		id, err := ParseID(e.Name())
		if err != nil {
			continue // not a key file (a temporary one, say)
		}
		k, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, Internal(err, "reading key %s", e.Name())
		}
		if len(k) != 32 {
			return nil, Errorf(ECORRUPT, "key file %s holds %d bytes, not 32", e.Name(), len(k))
		}
		d.mem.keys[id] = k
	}
	return d, nil
}

// Get implements [KeyStore].
func (d *DirKeyStore) Get(subject ID) ([]byte, bool, error) { return d.mem.Get(subject) }

// Put implements [KeyStore]: it writes a temporary file, syncs it and
// renames it into place, then syncs the directory.
func (d *DirKeyStore) Put(subject ID, key []byte) error {
	name := filepath.Join(d.dir, subject.String())
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Internal(err, "writing key")
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err == nil {
		err = syncDir(d.dir)
	}
	if err != nil {
		os.Remove(tmp)
		return Internal(err, "writing key")
	}
	return d.mem.Put(subject, append([]byte(nil), key...))
}

// Delete implements [KeyStore]: it overwrites the key file with zeros,
// syncs, removes it and syncs the directory.
func (d *DirKeyStore) Delete(subject ID) error {
	name := filepath.Join(d.dir, subject.String())
	if f, err := os.OpenFile(name, os.O_WRONLY, 0); err == nil {
		_, _ = f.Write(make([]byte, 32))
		_ = f.Sync()
		f.Close()
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Internal(err, "removing key")
	}
	if err := syncDir(d.dir); err != nil {
		return Internal(err, "syncing key directory")
	}
	return d.mem.Delete(subject)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Sealed is personal data encrypted under its subject's key (AES-256-GCM).
// It travels in events and rows as it is; only [Vault.Open] with the
// subject's key still in place reads it.
type Sealed struct {
	Subject ID     `json:"subject"`
	Nonce   []byte `json:"nonce"`
	Box     []byte `json:"box"`
}

// IsZero reports whether nothing was sealed.
func (s Sealed) IsZero() bool { return s.Subject.IsZero() && len(s.Box) == 0 }

// Vault seals and opens personal data with per-subject keys (see
// "Personal data" in the design). Erase destroys a subject's key.
type Vault struct {
	keys KeyStore
	rand io.Reader
	mu   sync.Mutex // serialises key creation
}

// NewVault returns a vault over keys, drawing keys and nonces from r
// (crypto/rand when r is nil).
func NewVault(keys KeyStore, r io.Reader) *Vault {
	if keys == nil {
		keys = NewMemoryKeyStore()
	}
	if r == nil {
		r = rand.Reader
	}
	return &Vault{keys: keys, rand: r}
}

// Seal encrypts plaintext for subject, making the subject's key if it has
// none. The subject id is bound into the ciphertext, so a box cannot be
// moved to another subject.
func (v *Vault) Seal(subject ID, plaintext []byte) (Sealed, error) {
	if subject.IsZero() {
		return Sealed{}, Invalid("subject", "sealed data needs the id of the person it is about")
	}
	key, err := v.key(subject)
	if err != nil {
		return Sealed{}, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return Sealed{}, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(v.rand, nonce); err != nil {
		return Sealed{}, Internal(err, "reading randomness for a nonce")
	}
	return Sealed{Subject: subject, Nonce: nonce, Box: aead.Seal(nil, nonce, plaintext, subject[:])}, nil
}

// Open decrypts s. It returns [ErrErased] when the subject's key is gone.
func (v *Vault) Open(s Sealed) ([]byte, error) {
	key, ok, err := v.keys.Get(s.Subject)
	if err != nil {
		return nil, Internal(err, "reading key")
	}
	if !ok {
		return nil, ErrErased
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(s.Nonce) != aead.NonceSize() {
		return nil, Errorf(ECORRUPT, "sealed data has a nonce of %d bytes", len(s.Nonce))
	}
	out, err := aead.Open(nil, s.Nonce, s.Box, s.Subject[:])
	if err != nil {
		return nil, Errorf(ECORRUPT, "sealed data of %s does not open with its key", s.Subject)
	}
	return out, nil
}

// Erased reports whether subject's key is gone (or was never made).
func (v *Vault) Erased(subject ID) bool {
	_, ok, err := v.keys.Get(subject)
	return err == nil && !ok
}

// Erase destroys subject's key. Prefer [Store.EraseSubject], which also
// records the erasure in the journal.
func (v *Vault) Erase(subject ID) error { return v.keys.Delete(subject) }

func (v *Vault) key(subject ID) ([]byte, error) {
	if k, ok, err := v.keys.Get(subject); err != nil {
		return nil, Internal(err, "reading key")
	} else if ok {
		return k, nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok, err := v.keys.Get(subject); err == nil && ok {
		return k, nil
	}
	k := make([]byte, 32)
	if _, err := io.ReadFull(v.rand, k); err != nil {
		return nil, Internal(err, "reading randomness for a key")
	}
	if err := v.keys.Put(subject, k); err != nil {
		return nil, err
	}
	// Read it back: a store sharing the keys may have made one first.
	stored, ok, err := v.keys.Get(subject)
	if err != nil {
		return nil, Internal(err, "reading key")
	}
	if !ok {
		return nil, Errorf(EINTERNAL, "the key store lost the key it was just given")
	}
	return stored, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, Internal(err, "making cipher")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, Internal(err, "making cipher")
	}
	return aead, nil
}
