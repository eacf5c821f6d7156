package participation

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/osallisuus/osallisuus/internal/vfs"
)

// FileInbox is the [Inbox] a [FileJournal] keeps beside itself, in a
// file named after the journal with ".inbox" added: one line per held
// command, written before the command is answered and synced as the
// journal's policy syncs: before the answer under SyncEveryCommit, with
// the journal's own syncs under SyncInterval, by the system under
// SyncNever — so a held command can be lost exactly as a journalled one
// can. When the
// journal has taken an hour's commands the file is written anew without
// them (a new file synced, renamed over the old one, the directory
// synced), so it only ever holds the hour that is still open. While an
// hour is open its file holds that hour's commands in the order they
// came; see the README's Guarantees.
type FileInbox struct {
	mu       sync.Mutex // the journal's sync loop syncs it too
	syncEach bool       // sync every Hold (SyncEveryCommit)
	dirty    bool       // written since the last sync
	gathered []byte     // held, not yet written (the gathering policies)
	fs       vfs.FS
	path     string
	f        vfs.File
	size     int64
	recs     map[ID][]byte
	order    []ID  // recs' keys, in the file's order
	failed   error // the first failure: every later Hold is refused
}

// Inbox implements [InboxJournal]: it opens the journal's inbox file.
func (j *FileJournal) Inbox() (Inbox, error) {
	in, err := openFileInbox(j.fs, j.path+".inbox", j.opts.Sync == SyncEveryCommit)
	if err != nil {
		return nil, err
	}
	j.mu.Lock()
	j.inbox = in
	j.mu.Unlock()
	return in, nil
}

// kept is the last event the journal keeps as well as its policy
// promises: synced, or under SyncNever written. The store lets its inbox
// go of released commands up to it.
func (j *FileJournal) kept() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.opts.Sync == SyncNever {
		return j.prog.Written
	}
	return j.prog.Synced
}

// flushInbox writes what the journal's inbox gathered, with the
// journal's own flush, and syncs it with the journal's sync.
func (j *FileJournal) flushInbox(sync bool) error {
	j.mu.Lock()
	in := j.inbox
	j.mu.Unlock()
	if in == nil {
		return nil
	}
	return in.flush(sync)
}

func openFileInbox(fsys vfs.FS, path string, syncEach bool) (*FileInbox, error) {
	in := &FileInbox{fs: fsys, path: path, recs: map[ID][]byte{}, syncEach: syncEach}
	data, err := fsys.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, Unavailable(err, "reading the inbox %s", path)
	}
	good := 0
	for good < len(data) {
		end := bytes.IndexByte(data[good:], '\n')
		if end < 0 {
			break // a line torn by a crash: its command was never answered
		}
		line := data[good : good+end]
		key, err := HeldKey(line)
		if err != nil {
			if good+end+1 == len(data) {
				break // torn at its end
			}
			return nil, &CorruptError{Reason: "the inbox " + path + " holds a line that is not a held command"}
		}
		if _, dup := in.recs[key]; !dup {
			in.order = append(in.order, key)
		}
		in.recs[key] = slices.Clone(line)
		good += end + 1
	}
	f, err := fsys.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, Unavailable(err, "opening the inbox %s", path)
	}
	if good < len(data) {
		if err := f.Truncate(int64(good)); err != nil {
			f.Close()
			return nil, Unavailable(err, "cutting a torn line off the inbox %s", path)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, Unavailable(err, "syncing the inbox %s", path)
		}
	}
	in.f, in.size = f, int64(good)
	return in, nil
}

// Hold implements [Inbox]: the records are written in one write and
// synced. After a failure the inbox refuses every Hold until reopened.
func (in *FileInbox) Hold(_ context.Context, records [][]byte) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.failed != nil {
		return Unavailable(in.failed, "the inbox failed earlier; reopen the store")
	}
	var b []byte
	keys := make([]ID, len(records))
	for i, r := range records {
		k, err := HeldKey(r)
		if err != nil {
			return Internal(err, "reading a held command's key")
		}
		keys[i] = k
		b = append(append(b, r...), '\n')
	}
	if in.syncEach {
		// A refused hold is cut off the file, as the journal cuts a failed
		// append: its commands are answered unavailable, and whole lines
		// of it left behind would be released on the next open.
		old := in.size
		if _, err := in.f.WriteAt(b, in.size); err != nil {
			in.failed = err
			_ = in.f.Truncate(old)
			return Unavailable(err, "writing the inbox")
		}
		in.size += int64(len(b))
		in.dirty = true
		if err := in.syncLocked(); err != nil {
			_ = in.f.Truncate(old)
			in.size = old
			return err
		}
	} else {
		// Gathered, as the journal gathers its commands: written by the
		// journal's next flush.
		in.gathered = append(in.gathered, b...)
	}
	for i, k := range keys {
		if _, dup := in.recs[k]; !dup {
			in.order = append(in.order, k)
		}
		in.recs[k] = slices.Clone(records[i])
	}
	return nil
}

// flush writes what was gathered and, with sync, forces what was held to
// stable storage.
func (in *FileInbox) flush(sync bool) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.writeLocked(); err != nil || !sync {
		return err
	}
	return in.syncLocked()
}

func (in *FileInbox) writeLocked() error {
	if len(in.gathered) == 0 || in.f == nil || in.failed != nil {
		return in.failed
	}
	if _, err := in.f.WriteAt(in.gathered, in.size); err != nil {
		in.failed = err
		return Unavailable(err, "writing the inbox")
	}
	in.size += int64(len(in.gathered))
	in.gathered, in.dirty = in.gathered[:0], true
	return nil
}

func (in *FileInbox) syncLocked() error {
	if err := in.writeLocked(); err != nil {
		return err
	}
	if !in.dirty || in.f == nil || in.failed != nil {
		return in.failed
	}
	if err := in.f.Sync(); err != nil {
		// Never sync again over pages whose sync failed: the inbox
		// refuses every later Hold until reopened.
		in.failed = err
		return Unavailable(err, "syncing the inbox")
	}
	in.dirty = false
	return nil
}

// Load implements [Inbox].
func (in *FileInbox) Load(context.Context) ([][]byte, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([][]byte, 0, len(in.order))
	for _, k := range in.order {
		out = append(out, slices.Clone(in.recs[k]))
	}
	return out, nil
}

// Drop implements [Inbox]: the file is written anew with what is left.
func (in *FileInbox) Drop(_ context.Context, keys []ID) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.failed != nil {
		return Unavailable(in.failed, "the inbox failed earlier; reopen the store")
	}
	drop := map[ID]bool{}
	for _, k := range keys {
		if _, ok := in.recs[k]; ok {
			drop[k] = true
		}
	}
	if len(drop) == 0 {
		return nil
	}
	var b []byte
	var order []ID
	for _, k := range in.order {
		if drop[k] {
			continue
		}
		order = append(order, k)
		b = append(append(b, in.recs[k]...), '\n')
	}
	if len(order) == 0 {
		// Nothing left, as at most ends of hours: cut the file to nothing.
		// No sync: the store lets go only of what the journal has on
		// stable storage, so records that a crash brings back are found
		// released on the next open and dropped.
		if err := in.f.Truncate(0); err != nil {
			in.failed = err
			return Unavailable(err, "emptying the inbox")
		}
		in.size, in.order, in.dirty, in.gathered = 0, nil, false, nil
		clear(in.recs)
		return nil
	}
	tmp := in.path + ".new"
	f, err := in.fs.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Unavailable(err, "writing the inbox anew")
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		f.Close()
		return Unavailable(err, "writing the inbox anew")
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return Unavailable(err, "syncing the new inbox")
	}
	if err := in.fs.Rename(tmp, in.path); err != nil {
		f.Close()
		return Unavailable(err, "replacing the inbox")
	}
	if err := in.fs.SyncDir(filepath.Dir(in.path)); err != nil {
		// The rename may not be durable: the old file may come back,
		// holding commands the journal took; the next open drops them.
		in.failed = err
	}
	in.f.Close()
	in.f, in.size, in.order, in.dirty, in.gathered = f, int64(len(b)), order, false, nil
	for _, k := range keys {
		delete(in.recs, k)
	}
	return nil
}

// Close implements [Inbox].
func (in *FileInbox) Close() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.f == nil {
		return nil
	}
	serr := in.syncLocked() // as the journal syncs what it gathered on closing
	err := in.f.Close()
	if err == nil && serr != nil {
		err = serr
	}
	in.f = nil
	if err != nil {
		return Unavailable(err, "closing the inbox")
	}
	return nil
}
