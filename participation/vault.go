package participation

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/osallisuus/osallisuus/internal/vfs"
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
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
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
// open sealed data. One DirKeyStore at a time holds a directory: opening
// takes an exclusive lock on its lock file, and [DirKeyStore.Close] (which
// [Store.Close] calls) gives it up.
type DirKeyStore struct {
	fs   vfs.FS
	dir  string
	lock vfs.File
	mem  *MemoryKeyStore
}

// keyLockName is the lock file inside a key directory.
const keyLockName = ".lock"

// OpenDirKeyStore opens or creates a key directory, locks it against
// every other opener (who gets EUNAVAILABLE) and loads its keys.
func OpenDirKeyStore(dir string) (*DirKeyStore, error) {
	return openDirKeyStore(vfs.OS, dir)
}

func openDirKeyStore(fsys vfs.FS, dir string) (*DirKeyStore, error) {
	if err := fsys.MkdirAll(dir, 0o700); err != nil {
		return nil, Unavailable(err, "creating key directory")
	}
	lock, err := fsys.OpenFile(filepath.Join(dir, keyLockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, Unavailable(err, "opening the key directory's lock file")
	}
	if err := lock.Lock(); err != nil {
		lock.Close()
		if errors.Is(err, vfs.ErrLocked) {
			return nil, Unavailable(nil, "the key directory %s is in use by another store; close it first", dir)
		}
		return nil, Unavailable(err, "locking the key directory")
	}
	d := &DirKeyStore{fs: fsys, dir: dir, lock: lock, mem: NewMemoryKeyStore()}
	if err := d.load(); err != nil {
		lock.Close()
		return nil, err
	}
	return d, nil
}

func (d *DirKeyStore) load() error {
	ents, err := d.fs.ReadDir(d.dir)
	if err != nil {
		return Unavailable(err, "reading key directory")
	}
	for _, e := range ents {
		id, err := ParseID(e.Name())
		if err != nil {
			continue // the lock file, or a temporary file of a failed Put
		}
		k, err := d.fs.ReadFile(filepath.Join(d.dir, e.Name()))
		if err != nil {
			return Unavailable(err, "reading key %s", e.Name())
		}
		if len(k) != 32 {
			return Errorf(ECORRUPT, "key file %s holds %d bytes, not 32", e.Name(), len(k))
		}
		d.mem.keys[id] = k
	}
	return nil
}

// Get implements [KeyStore].
func (d *DirKeyStore) Get(subject ID) ([]byte, bool, error) { return d.mem.Get(subject) }

// Put implements [KeyStore]: it writes a temporary file, syncs it and
// renames it into place, then syncs the directory.
func (d *DirKeyStore) Put(subject ID, key []byte) error {
	name := filepath.Join(d.dir, subject.String())
	tmp := name + ".tmp"
	f, err := d.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Unavailable(err, "writing key")
	}
	n, err := f.Write(key)
	if err == nil && n < len(key) {
		err = io.ErrShortWrite
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = d.fs.Rename(tmp, name)
	}
	if err == nil {
		err = d.fs.SyncDir(d.dir)
	}
	if err != nil {
		_ = d.fs.Remove(tmp)
		return Unavailable(err, "writing key")
	}
	return d.mem.Put(subject, append([]byte(nil), key...))
}

// Delete implements [KeyStore]. The key leaves memory first, so nothing
// opens the subject's data from here on whatever happens next; then the
// file is overwritten with zeros, synced and removed, and the directory
// synced. A failure to remove the file is returned: the key is then still
// on disk, and [Open] tries again (see [Store.EraseSubject]).
func (d *DirKeyStore) Delete(subject ID) error {
	_, had, _ := d.mem.Get(subject)
	_ = d.mem.Delete(subject)
	name := filepath.Join(d.dir, subject.String())
	if !had {
		// Not loaded, so no file was there when the store opened: an
		// erasure carried out before. Remove a file that a failed Delete
		// may have left, and spare the directory sync otherwise.
		err := d.fs.Remove(name)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return Unavailable(err, "removing the key file of %s", subject)
		}
		if err := d.fs.SyncDir(d.dir); err != nil {
			return Unavailable(err, "syncing the key directory after removing the key of %s", subject)
		}
		return nil
	}
	if f, err := d.fs.OpenFile(name, os.O_WRONLY, 0); err == nil {
		_, _ = f.Write(make([]byte, 32))
		_ = f.Sync()
		_ = f.Close()
	}
	if err := d.fs.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Unavailable(err, "removing the key file of %s", subject)
	}
	if err := d.fs.SyncDir(d.dir); err != nil {
		return Unavailable(err, "syncing the key directory after removing the key of %s", subject)
	}
	return nil
}

// Close gives up the directory's lock.
func (d *DirKeyStore) Close() error {
	if d.lock == nil {
		return nil
	}
	err := d.lock.Close()
	d.lock = nil
	return err
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
	aeads aeadCache // the ciphers made lately, by subject (none in the browser)
	keys  KeyStore
	rand  io.Reader
	mu    sync.Mutex // serialises key creation; guards missing

	// recorded, once a store has replayed its journal, says whether the
	// journal records the erasure of a subject: a subject whose key is
	// missing without one is damage, not an erasure. Until then the
	// subjects found without a key are noted in missing, for the store
	// to check when replay ends.
	recorded func(ID) bool
	missing  map[ID]struct{}
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
	var aead cipher.AEAD
	if cacheCiphers {
		aead, err = v.cachedAEAD(subject, key)
	} else {
		aead, err = newAEAD(key)
	}
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
		if cacheCiphers {
			v.forget(s.Subject)
		}
		if err := v.noteMissing(s.Subject); err != nil {
			return nil, err
		}
		return nil, ErrErased
	}
	var aead cipher.AEAD
	if cacheCiphers {
		aead, err = v.cachedAEAD(s.Subject, key)
	} else {
		aead, err = newAEAD(key)
	}
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

// noteMissing checks a subject found without a key: once the store has
// replayed, it is corrupt unless its erasure is recorded; before, it is
// noted for the check at the end of replay.
func (v *Vault) noteMissing(subject ID) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.recorded == nil {
		if v.missing == nil {
			v.missing = map[ID]struct{}{}
		}
		v.missing[subject] = struct{}{}
		return nil
	}
	if !v.recorded(subject) {
		return missingKey(subject)
	}
	return nil
}

func missingKey(subject ID) error {
	return Errorf(ECORRUPT, "the key of %s is missing from the key store, yet the journal records no erasure of %s: restore the key store from its backup", subject, subject)
}

// checkMissing ends replay: every subject found without a key must have
// its erasure recorded, and from now on recorded decides.
func (v *Vault) checkMissing(recorded func(ID) bool) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.recorded = recorded
	for subject := range v.missing {
		if !recorded(subject) {
			return missingKey(subject)
		}
	}
	v.missing = nil
	return nil
}

// Erased reports whether subject's key is gone (or was never made).
func (v *Vault) Erased(subject ID) bool {
	_, ok, err := v.keys.Get(subject)
	return err == nil && !ok
}

// Erase destroys subject's key. Prefer [Store.EraseSubject], which also
// records the erasure in the journal. A key store that fails to destroy
// the key durably reports it; the key stores of this package have then
// dropped it from memory already.
func (v *Vault) Erase(subject ID) error {
	if cacheCiphers {
		defer v.forget(subject) // once the key is gone: see aeadCache
	}
	if err := v.keys.Delete(subject); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return Unavailable(err, "destroying the key of %s", subject)
	}
	return nil
}

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
