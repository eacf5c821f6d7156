//go:build !js

package participation

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/go-memdb"

	"github.com/osallisuus/osallisuus/internal/vfs"
)

// SnapshotConfig makes a store keep snapshots of its state in a directory
// (make it with [SnapshotsIn]),
// so that opening loads the newest one and replays only the journal after
// it. The journal stays the only source of truth: a snapshot is used only
// when the event at its position in the journal has the hash it records,
// and one that is missing, stale, damaged, written by another build or
// under another module configuration is passed over with a note
// ([Store.Opened]). Deleting snapshots is always safe.
//
// A snapshot holds texts that appliers opened from sealed data. When a
// subject is erased, the store deletes every snapshot in Dir taken before
// the erasure (and writes a new one when Every is set), so that the
// erased data survives in no snapshot of its own; snapshots written
// elsewhere with [Store.Snapshot] are the caller's to delete, and so is
// Dir while a store runs without it. An erasure that cannot delete one
// is answered unavailable, and the store does not open again over that
// snapshot until it can.
type SnapshotConfig struct {
	// Dir is the directory of the snapshot files; it is made if missing.
	// Snapshot files are local to the process, whatever the journal.
	Dir string
	// Every, if not zero, makes the store write a snapshot in the
	// background each time this many events have been committed since the
	// last one. Zero means only on request ([Store.SaveSnapshot]).
	Every uint64
	// Keep is how many snapshots to keep in Dir, newest first; zero
	// means 2.
	Keep int

	// fsys is the vfs.FS the snapshots go through: the operating
	// system's, unless a test sets another. It is held as any so that
	// the store's type does not bring the file system's types into
	// programs without snapshots.
	fsys   any
	engine snapshotEngine
}

// fs returns the file system of the snapshots.
func (c *SnapshotConfig) fs() vfs.FS {
	if f, ok := c.fsys.(vfs.FS); ok {
		return f
	}
	return vfs.OS
}

// SnapshotsIn returns the configuration of snapshots kept in dir, to set
// Every and Keep on as wanted and give to [Open] as Config.Snapshots. A
// SnapshotConfig made otherwise is refused: the code of snapshots is
// reached only through it, so that a program without snapshots, such as
// the browser demo, does not carry it.
func SnapshotsIn(dir string) *SnapshotConfig {
	return &SnapshotConfig{Dir: dir, engine: dirSnapshots{}}
}

// snapshotEngine does the work of a store's snapshot directory.
type snapshotEngine interface {
	open(s *Store, ctx context.Context, cfg *SnapshotConfig, modules []Module) error
	start(s *Store)
	erased(s *Store, seq uint64)
}

type dirSnapshots struct{}

func (dirSnapshots) open(s *Store, ctx context.Context, cfg *SnapshotConfig, modules []Module) error {
	return openSnapshotDir(s, ctx, cfg, modules)
}
func (dirSnapshots) start(s *Store) { startSnapshotter(s) }
func (dirSnapshots) erased(s *Store, seq uint64) {
	err := dropSnapshotsBefore(s, seq)
	s.snapDropMu.Lock()
	defer s.snapDropMu.Unlock()
	switch {
	case err != nil:
		s.snapDropErr, s.snapDropSeq = err, seq
		s.snapLeft = max(s.snapLeft, seq)
	case seq >= s.snapLeft:
		s.snapLeft = 0 // what an earlier erasure left is gone too
	}
}

// OpenInfo says how [Open] built the state: from which snapshot, how many
// journal events it replayed, and why it passed over any snapshot.
type OpenInfo struct {
	// Snapshot is the position of the snapshot loaded; zero when none
	// was.
	Snapshot Head `json:"snapshot"`
	// Replayed counts the events replayed from the journal.
	Replayed uint64 `json:"replayed"`
	// Notes says, one line each, which snapshots were passed over and
	// why.
	Notes []string `json:"notes,omitempty"`
}

// Opened returns how the store was built when it opened.
func (s *Store) Opened() OpenInfo {
	out := s.opened
	out.Notes = slices.Clone(out.Notes)
	return out
}

// SnapshotsLeft reports whether the snapshot directory still holds a
// snapshot taken before an erasure that could not be removed (PRIV-2):
// nil when it does not, otherwise an unavailable error saying so. Until
// it is removed no other snapshot is written; an operator's health check
// reads it, as the erasing command that met the failure may have been
// another instance's, or the background snapshotter's to meet.
func (s *Store) SnapshotsLeft() error {
	s.snapDropMu.Lock()
	left := s.snapLeft
	s.snapDropMu.Unlock()
	if left == 0 {
		return nil
	}
	return Errorf(EUNAVAILABLE, "the snapshot directory %s holds snapshots taken before the erasure at position %d, which hold the erased subject's texts and could not be removed; no other snapshot is written until they are: mend the directory, or remove them by hand", s.snapCfg.Dir, left)
}

const snapshotMagic = "osallisuus snapshot 1\n"

// snapshotCodec is the version of the codec's encoding (snapcodec.go),
// part of the layout fingerprint: change it with the encoding.
const snapshotCodec = 4

// snapshotLayout is the fingerprint of the layout of every type a
// snapshot of this store holds: its tables' rows and the modules' states.
func snapshotLayout(s *Store) ([]byte, error) {
	codecTypes()
	h := sha256.New()
	seen := map[reflect.Type]bool{}
	fmt.Fprintf(h, "%scodec %d\n", snapshotMagic, snapshotCodec)
	for _, t := range s.tables {
		rt, err := rowType(s, t)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "table %s:", t)
		fingerprint(h, rt, seen)
	}
	for _, name := range stateNames(s) {
		fmt.Fprintf(h, "module %s:", name)
		fingerprint(h, reflect.TypeOf(s.states[name]), seen)
		h.Write(configPrint(reflect.ValueOf(s.states[name])))
	}
	return h.Sum(nil), nil
}

// rowTyper is implemented by the kernel's indexers: the type of the rows
// they index.
type rowTyper interface{ rowType() reflect.Type }

// (The type is read from the key function's parameter rather than with
// reflect.TypeFor, which would add to every program a descriptor per row
// type, snapshots or not.)
func (x *IDIndex[T]) rowType() reflect.Type     { return reflect.TypeOf(x.Of).In(0) }
func (x *StringIndex[T]) rowType() reflect.Type { return reflect.TypeOf(x.Of).In(0) }

// rowType returns the type of table's rows, read from its id index.
func rowType(s *Store, table string) (reflect.Type, error) {
	if table == TableContributions {
		return reflect.TypeOf((*Contribution)(nil)), nil
	}
	ts := s.schema.Tables[table]
	if rt, ok := ts.Indexes["id"].Indexer.(rowTyper); ok {
		return rt.rowType(), nil
	}
	return nil, Errorf(EINTERNAL, "table %s: its id index is not built with IndexID or IndexString, so a snapshot cannot tell the type of its rows", table)
}

// stateNames lists the modules with state outside memdb, sorted.
func stateNames(s *Store) []string {
	var out []string
	for name, st := range s.states {
		if st != nil {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Snapshot writes a snapshot of the store's state to w and returns the
// journal position it reflects. Placed in a snapshot directory as
// snapshot-<the position's sequence number in 20 digits>.bin, it is loaded
// like one the store wrote. Writers wait only while the modules'
// states outside memdb are frozen ([Freezer]); the tables are read from
// a published, unchanging view, and everything is encoded once writers
// may go on. A snapshot holds, in clear, texts sealed under
// subjects' keys: keep it as safe as the key store, and delete it when
// one of those subjects is erased (the store does this for its own
// snapshot directory, see [SnapshotConfig]).
func (s *Store) Snapshot(ctx context.Context, w io.Writer) (Head, error) {
	b, h, err := encodeSnapshot(s, ctx)
	if err != nil {
		return Head{}, err
	}
	if _, err := w.Write(b); err != nil {
		return Head{}, Unavailable(err, "writing the snapshot")
	}
	return h, nil
}

func encodeSnapshot(s *Store, ctx context.Context) ([]byte, Head, error) {
	b, h, _, err := encodeSnapshotAt(s, ctx)
	return b, h, err
}

// encodeSnapshotAt is encodeSnapshot that also returns how many erasures
// the store had committed when the snapshot was taken.
func encodeSnapshotAt(s *Store, ctx context.Context) ([]byte, Head, uint64, error) {
	layout, err := snapshotLayout(s)
	if err != nil {
		return nil, Head{}, 0, err
	}
	e := newStateEncoder()
	e.buf = append(e.buf, snapshotMagic...)
	e.buf = append(e.buf, layout...)

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, Head{}, 0, Errorf(EINTERNAL, "the store is closed")
	}
	// What readers see: the commit pipeline publishes nothing meanwhile.
	s.pmu.Lock()
	h := *s.published.Load()
	erasures := s.snapErasures.Load()
	txn := readTxn(s.pub.Load())
	e.uvarint(h.Seq)
	e.buf = append(e.buf, h.Hash[:]...)
	// The modules' states are a section of their own, each state in
	// bytes of its own, so that loading decodes them beside the tables.
	// A state that can freeze is frozen here, at the tables' position,
	// and encoded once writers may go on; another is encoded now.
	names := stateNames(s)
	blobs := make([][]byte, len(names))
	frozen := make([]any, len(names))
	for i, name := range names {
		if f, ok := s.states[name].(Freezer); ok {
			frozen[i] = f.Freeze()
			continue
		}
		b, err := encodeState(s.states[name], name)
		if err != nil {
			s.pmu.Unlock()
			s.mu.Unlock()
			return nil, Head{}, 0, err
		}
		blobs[i] = b
	}
	s.pmu.Unlock()
	s.mu.Unlock()
	if s.snapHook != nil {
		s.snapHook()
	}
	se := newStateEncoder()
	se.uvarint(uint64(len(names)))
	for i, name := range names {
		if frozen[i] != nil {
			b, err := encodeState(frozen[i], name)
			if err != nil {
				return nil, Head{}, 0, err
			}
			blobs[i], frozen[i] = b, nil
		}
		se.bytes([]byte(name))
		se.bytes(blobs[i])
		blobs[i] = nil
	}
	e.bytes(se.buf)
	se = nil

	e.uvarint(uint64(len(s.tables)))
	for _, t := range s.tables {
		if err := ctx.Err(); err != nil {
			return nil, Head{}, 0, err
		}
		rt, err := rowType(s, t)
		if err != nil {
			return nil, Head{}, 0, err
		}
		e.bytes([]byte(t))
		it, err := txn.Get(t, "id")
		if err != nil {
			return nil, Head{}, 0, Internal(err, "reading %s", t)
		}
		var rows []any
		for obj := it.Next(); obj != nil; obj = it.Next() {
			rows = append(rows, obj)
		}
		e.uvarint(uint64(len(rows)))
		row := reflect.New(rt).Elem()
		for _, obj := range rows {
			v := reflect.ValueOf(obj)
			if v.Type() != rt {
				return nil, Head{}, 0, Errorf(EINTERNAL, "table %s holds a %s where its id index reads %s", t, v.Type(), rt)
			}
			row.Set(v)
			if err := e.value(row, t); err != nil {
				return nil, Head{}, 0, Internal(err, "snapshot of table %s", t)
			}
		}
	}
	sum := sha256.Sum256(e.buf)
	return append(e.buf, sum[:]...), h, erasures, nil
}

// encodeState encodes a module's state (a pointer to it) with pointers
// of its own.
func encodeState(st any, name string) ([]byte, error) {
	se := newStateEncoder()
	if err := se.value(reflect.ValueOf(st).Elem(), name); err != nil {
		return nil, Internal(err, "snapshot of module %s", name)
	}
	return se.buf, nil
}

// freezes says that this build freezes module state: shards of
// aggregates made before a freeze are copied before they change.
const freezes = true

// freezeState returns a frozen copy of a module's state if it can freeze
// ([Freezer]). (In the browser, whose module counts its bytes, no state
// is frozen: an export there dumps under the lock.)
func freezeState(st any) (any, bool) {
	if f, ok := st.(Freezer); ok {
		return f.Freeze(), true
	}
	return nil, false
}

// loaded is a snapshot decoded into fresh tables and module states.
type loaded struct {
	head   Head
	state  world
	states map[string]any
}

// decodeSnapshot checks and decodes a snapshot written by this build of
// the program with these modules and their configuration.
func decodeSnapshot(s *Store, b []byte, newState map[string]func() any) (*loaded, error) {
	if len(b) < len(snapshotMagic)+2*sha256.Size || !bytes.HasPrefix(b, []byte(snapshotMagic)) {
		return nil, errors.New("it is not a snapshot")
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("its checksum does not match: it is damaged or was cut short")
	}
	layout, err := snapshotLayout(s)
	if err != nil {
		return nil, err
	}
	d := newStateDecoder(body)
	d.off = len(snapshotMagic)
	got, err := d.take(uint64(len(layout)))
	if err != nil || !bytes.Equal(got, layout) {
		return nil, errors.New("it was written by another version of the program or under another module configuration")
	}
	out := &loaded{states: map[string]any{}}
	if out.head.Seq, err = d.uvarint(); err != nil {
		return nil, err
	}
	hb, err := d.take(uint64(len(out.head.Hash)))
	if err != nil {
		return nil, err
	}
	copy(out.head.Hash[:], hb)
	section, err := d.bytes()
	if err != nil {
		return nil, err
	}
	statesDone := make(chan error, 1)
	go func() { statesDone <- decodeStates(s, section, newState, out.states) }()
	defer func() {
		if statesDone != nil {
			<-statesDone
		}
	}()
	db, err := memdb.NewMemDB(s.schema)
	if err != nil {
		return nil, err
	}
	out.state = newWorld(db.Snapshot()) // tracks no mutations, as in Open
	// Rows are decoded here and inserted by a goroutine of their own, in
	// batches: decoding and go-memdb's inserts take about as long.
	type batch struct {
		table string
		rows  []any
	}
	batches := make(chan batch, 4)
	inserted := make(chan error, 1)
	go func() {
		txn := writeTxn(&out.state)
		defer txn.Abort()
		var err error
		for b := range batches {
			for _, row := range b.rows {
				if err == nil {
					if e := txn.Insert(b.table, row); e != nil {
						err = fmt.Errorf("table %s: %w", b.table, e)
					}
				}
			}
		}
		if err == nil {
			txn.Commit()
		}
		inserted <- err
	}()
	decodeErr := func() error {
		defer close(batches)
		n, err := d.uvarint()
		if err != nil {
			return err
		}
		if n != uint64(len(s.tables)) {
			return errors.New("it holds other tables")
		}
		for _, t := range s.tables {
			got, err := d.bytes()
			if err != nil {
				return err
			}
			if string(got) != t {
				return fmt.Errorf("it holds table %q where %q belongs", got, t)
			}
			rt, err := rowType(s, t)
			if err != nil {
				return err
			}
			rows, err := d.uvarint()
			if err != nil {
				return err
			}
			if rows > uint64(len(d.buf)-d.off) {
				return errShort
			}
			b := batch{table: t}
			for range rows {
				row := reflect.New(rt).Elem()
				if err := d.value(row); err != nil {
					return fmt.Errorf("table %s: %w", t, err)
				}
				b.rows = append(b.rows, row.Interface())
				if len(b.rows) == 1024 {
					batches <- b
					b = batch{table: t}
				}
			}
			if len(b.rows) > 0 {
				batches <- b
			}
		}
		return nil
	}()
	if err := <-inserted; decodeErr == nil {
		decodeErr = err
	}
	if err := <-statesDone; decodeErr == nil {
		decodeErr = err
	}
	statesDone = nil
	if decodeErr != nil {
		return nil, decodeErr
	}
	if d.off != len(body) {
		return nil, errors.New("it holds more than its tables and modules")
	}
	return out, nil
}

// decodeStates decodes the modules' states section into out.
func decodeStates(s *Store, section []byte, newState map[string]func() any, out map[string]any) error {
	d := newStateDecoder(section)
	n, err := d.uvarint()
	if err != nil {
		return err
	}
	names := stateNames(s)
	if n != uint64(len(names)) {
		return errors.New("it holds other modules")
	}
	for _, name := range names {
		got, err := d.bytes()
		if err != nil {
			return err
		}
		if string(got) != name {
			return fmt.Errorf("it holds module %q where %q belongs", got, name)
		}
		b, err := d.bytes()
		if err != nil {
			return err
		}
		st := newState[name]()
		sd := newStateDecoder(b)
		if err := sd.value(reflect.ValueOf(st).Elem()); err != nil {
			return fmt.Errorf("module %s: %w", name, err)
		}
		if sd.off != len(b) {
			return fmt.Errorf("module %s: its state holds more than it decodes to", name)
		}
		out[name] = st
	}
	if d.off != len(section) {
		return errors.New("its modules' section holds more than their states")
	}
	return nil
}

// snapshotName is the file name of a snapshot at seq: names sort by
// position.
func snapshotName(seq uint64) string { return fmt.Sprintf("snapshot-%020d.bin", seq) }

// snapshotFile is a snapshot in the directory.
type snapshotFile struct {
	name string
	seq  uint64
}

// listSnapshots returns the snapshots in dir, newest first, and removes
// temporary files that a crash left behind.
func listSnapshots(fsys vfs.FS, dir string) ([]snapshotFile, error) {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var out []snapshotFile
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "snapshot-") && strings.HasSuffix(name, ".tmp") {
			_ = fsys.Remove(filepath.Join(dir, name))
			continue
		}
		num, ok := strings.CutPrefix(name, "snapshot-")
		if num, ok2 := strings.CutSuffix(num, ".bin"); ok && ok2 {
			if seq, err := strconv.ParseUint(num, 10, 64); err == nil {
				out = append(out, snapshotFile{name, seq})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq > out[j].seq })
	return out, nil
}

// loadSnapshot loads the newest usable snapshot of the directory into the
// store, noting why it passed over any other. A snapshot is usable when
// it decodes and the journal holds, at its position, the end of a
// command with the hash it records.
func loadSnapshot(s *Store, ctx context.Context, cfg *SnapshotConfig, newState map[string]func() any) error {
	files, err := listSnapshots(cfg.fs(), cfg.Dir)
	if err != nil {
		s.opened.Notes = append(s.opened.Notes, fmt.Sprintf("the snapshot directory could not be read (%v); the journal is replayed", err))
		return nil
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		note := func(why string) {
			s.opened.Notes = append(s.opened.Notes, fmt.Sprintf("snapshot %s passed over: %s", f.name, why))
		}
		// The position first: a stale snapshot is not worth decoding.
		if why := checkPosition(s, ctx, f.seq, nil); why != "" {
			note(why)
			continue
		}
		b, err := cfg.fs().ReadFile(filepath.Join(cfg.Dir, f.name))
		if err != nil {
			note(err.Error())
			continue
		}
		l, err := decodeSnapshot(s, b, newState)
		if err != nil {
			note(err.Error())
			continue
		}
		if l.head.Seq != f.seq {
			note(fmt.Sprintf("it holds position %d, not the one its name says", l.head.Seq))
			continue
		}
		if why := checkPosition(s, ctx, l.head.Seq, &l.head.Hash); why != "" {
			note(why)
			continue
		}
		s.side = l.state
		for name, st := range l.states {
			s.states[name] = st
		}
		s.seq, s.head = l.head.Seq, l.head.Hash
		s.setPublished(s.side.snapshot(), s.seq, s.head)
		s.opened.Snapshot = l.head
		return nil
	}
	return nil
}

// errFound stops a journal read at the first event.
var errFound = errors.New("found")

// checkPosition reports why the journal does not hold, at seq, the end of
// a command (with hash, when given); "" when it does.
func checkPosition(s *Store, ctx context.Context, seq uint64, hash *Hash) string {
	if seq == 0 {
		return "it is at the start of the journal"
	}
	var e Event
	found := false
	err := s.journal.Read(ctx, seq, func(ev Event) error {
		e, found = ev, true
		return errFound
	})
	switch {
	case err != nil && !errors.Is(err, errFound):
		return "the journal at its position could not be read: " + err.Error()
	case !found || e.Seq != seq:
		return fmt.Sprintf("the journal ends before its position %d (stale, or of another journal)", seq)
	case !e.End:
		return fmt.Sprintf("the event at its position %d does not end a command", seq)
	case e.ComputeHash() != e.Hash:
		return fmt.Sprintf("the event at its position %d does not match its own hash", seq)
	case hash != nil && e.Hash != *hash:
		return fmt.Sprintf("the journal's event %d has another hash (the snapshot is of another history)", seq)
	}
	return ""
}

// SaveSnapshot writes a snapshot into the store's snapshot directory
// (see [SnapshotConfig]) and returns its position: to a temporary file,
// synced, renamed into place, and the directory synced, so that a crash
// at any point leaves the snapshots that were there usable. Older
// snapshots beyond Keep are removed. While a snapshot taken before an
// erasure could not be removed ([Store.SnapshotsLeft]), it tries again
// first and, failing, writes nothing and returns unavailable; a subject
// erased while it is written makes it remove itself and return conflict.
func (s *Store) SaveSnapshot(ctx context.Context) (Head, error) {
	cfg := s.snapCfg
	if cfg == nil {
		return Head{}, Errorf(EINVALID, "the store has no snapshot directory: open it with Config.Snapshots")
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	b, h, erasures, err := encodeSnapshotAt(s, ctx)
	if err != nil {
		return Head{}, err
	}
	// What an erasure could not remove is removed before this snapshot,
	// which the next open would load, stands over it. Checked after the
	// encoding: an erasure's removal runs in its commit hook, which the
	// encoding's reading of the head and the erasures does not overlap,
	// so one counted there has already left what it could not remove,
	// and one after it makes the count differ below.
	if err := removeLeft(s); err != nil {
		return Head{}, err
	}
	if err := writeFileAtomic(cfg.fs(), cfg.Dir, snapshotName(h.Seq), b); err != nil {
		return Head{}, err
	}
	written := filepath.Join(cfg.Dir, snapshotName(h.Seq))
	if s.snapErasures.Load() != erasures {
		// An erasure was committed while the snapshot was written, and
		// may have cleared the directory before it was in place.
		if err := cfg.fs().Remove(written); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// Left for the next snapshot to remove first (removeLeft).
			s.snapDropMu.Lock()
			s.snapLeft = max(s.snapLeft, h.Seq+1)
			s.snapDropMu.Unlock()
			return Head{}, Unavailable(err, "a subject was erased while the snapshot was written, and the snapshot, which holds the subject's texts, could not be removed: remove %s from %s", snapshotName(h.Seq), cfg.Dir)
		}
		return Head{}, Errorf(ECONFLICT, "a subject was erased while the snapshot was written, so it was removed; take another")
	}
	s.lastSnap.Store(h.Seq)
	files, err := listSnapshots(cfg.fs(), cfg.Dir)
	if err != nil {
		return h, nil // written; pruning waits for the next one
	}
	keep := cfg.Keep
	if keep <= 0 {
		keep = 2
	}
	for i, f := range files {
		if i >= keep && f.seq != h.Seq {
			_ = cfg.fs().Remove(filepath.Join(cfg.Dir, f.name))
		}
	}
	return h, nil
}

// writeFileAtomic writes b as dir/name through a synced temporary file
// and a rename, and syncs the directory.
func writeFileAtomic(fsys vfs.FS, dir, name string, b []byte) error {
	if err := fsys.MkdirAll(dir, 0o700); err != nil {
		return Unavailable(err, "making the snapshot directory %s", dir)
	}
	tmp := filepath.Join(dir, strings.TrimSuffix(name, ".bin")+".tmp")
	f, err := fsys.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Unavailable(err, "creating %s", tmp)
	}
	fail := func(err error, what string) error {
		f.Close()
		_ = fsys.Remove(tmp)
		return Unavailable(err, "%s the snapshot %s", what, tmp)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err, "writing")
	}
	if err := f.Sync(); err != nil {
		return fail(err, "syncing")
	}
	if err := f.Close(); err != nil {
		_ = fsys.Remove(tmp)
		return Unavailable(err, "closing the snapshot %s", tmp)
	}
	if err := fsys.Rename(tmp, filepath.Join(dir, name)); err != nil {
		_ = fsys.Remove(tmp)
		return Unavailable(err, "renaming the snapshot %s into place", tmp)
	}
	if err := fsys.SyncDir(dir); err != nil {
		return Unavailable(err, "syncing the snapshot directory %s", dir)
	}
	return nil
}

// waitSnapshotter waits for the background snapshotter to stop, once
// the store is closed.
func waitSnapshotter(s *Store) {
	if s.snapDone != nil {
		<-s.snapDone
	}
}

// snapshotter runs in the background of a store that writes a snapshot
// every cfg.Every events: it follows the change feed and writes one each
// time that many have been committed since the last, and one after each
// erasure (which removed the older ones, see snapshotsErased).
func snapshotter(s *Store, from uint64) {
	defer close(s.snapDone)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.done
		cancel()
	}()
	sub := s.Subscribe(from + 1)
	erased := false
	for {
		e, err := sub.Next(ctx)
		if err != nil {
			return
		}
		erased = erased || e.Type == (SubjectErased{}).EventType()
		if e.End && (erased || e.Seq >= s.lastSnap.Load()+s.snapCfg.Every) {
			if _, err := s.SaveSnapshot(ctx); err == nil || ErrorCode(err) != ECONFLICT {
				erased = false
			}
		}
		s.snapSeenMu.Lock()
		s.snapSeen = e.Seq
		close(s.snapSeenWake)
		s.snapSeenWake = make(chan struct{})
		s.snapSeenMu.Unlock()
	}
}

// waitSnapshotterAt waits until the background snapshotter has handled
// the events up to seq (for tests).
func waitSnapshotterAt(s *Store, seq uint64) {
	for {
		s.snapSeenMu.Lock()
		seen, wake := s.snapSeen, s.snapSeenWake
		s.snapSeenMu.Unlock()
		if seen >= seq {
			return
		}
		<-wake
	}
}

// snapshotsErased runs once the erasure journalled at seq is committed
// (or replayed): it removes the directory's snapshots taken before it,
// which hold the subject's opened texts. A snapshot being written at the
// same time removes itself (see SaveSnapshot).
func snapshotsErased(s *Store, seq uint64) {
	if s.snapCfg != nil {
		s.snapCfg.engine.erased(s, seq)
	}
}

// dropSnapshotsBefore removes the snapshots taken before the erasure at
// seq and reports the first failure: a snapshot left in place still
// holds the subject's opened texts.
func dropSnapshotsBefore(s *Store, seq uint64) error {
	s.snapErasures.Add(1)
	return removeSnapshotsBefore(s, seq)
}

// removeLeft removes what an erasure could not, before another snapshot
// is written: a snapshot written after the erasure would be the one the
// next open loads, and that open would not replay the erasure to try
// again. Call with snapMu held, after the snapshot is encoded.
func removeLeft(s *Store) error {
	s.snapDropMu.Lock()
	left := s.snapLeft
	s.snapDropMu.Unlock()
	if left == 0 {
		return nil
	}
	if err := removeSnapshotsBefore(s, left); err != nil {
		return Unavailable(err, "a snapshot taken before an erasure, which holds the erased subject's texts, could not be removed, and no other snapshot is written until it is: mend the snapshot directory, or remove the snapshot by hand")
	}
	s.snapDropMu.Lock()
	if s.snapLeft == left {
		s.snapLeft = 0
	}
	s.snapDropMu.Unlock()
	return nil
}

func removeSnapshotsBefore(s *Store, seq uint64) error {
	fsys := s.snapCfg.fs()
	files, err := listSnapshots(fsys, s.snapCfg.Dir)
	if err != nil {
		return err
	}
	var first error
	removed := false
	for _, f := range files {
		if f.seq >= seq {
			continue
		}
		if err := fsys.Remove(filepath.Join(s.snapCfg.Dir, f.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			first = cmp.Or(first, err)
			continue
		}
		removed = true
	}
	if removed {
		if err := fsys.SyncDir(s.snapCfg.Dir); err != nil {
			first = cmp.Or(first, err)
		}
	}
	if first != nil {
		return fmt.Errorf("removing the snapshots before position %d from %s: %w", seq, s.snapCfg.Dir, first)
	}
	return nil
}

// takeSnapDropErr returns, and forgets, the last failure to remove the
// snapshots taken before an erasure, and the erasure's position.
func takeSnapDropErr(s *Store) (uint64, error) {
	s.snapDropMu.Lock()
	defer s.snapDropMu.Unlock()
	seq, err := s.snapDropSeq, s.snapDropErr
	s.snapDropErr, s.snapDropSeq = nil, 0
	return seq, err
}

// snapshotsLeft answers the commands of a group that erased a subject
// with unavailable if a snapshot taken before the group's erasure could
// not be removed, as when the subject's key could not be destroyed. A
// failure of an erasure of another group (a catch-up's) is not theirs;
// its snapshot is kept from staying unnoticed by removeLeft.
func snapshotsLeft(s *Store, ran []member) {
	seq, left := takeSnapDropErr(s)
	if left == nil || !slices.ContainsFunc(ran, func(m member) bool {
		return slices.ContainsFunc(m.events, func(e Event) bool { return e.Seq == seq })
	}) {
		return
	}
	for _, m := range ran {
		if len(m.tx.erased) > 0 && m.r.err == nil {
			m.r.err = Unavailable(left, "the erasure is recorded and its data no longer opens, but a snapshot taken before it, which holds the subject's texts, could not be removed; remove it by hand or mend the snapshot directory: until then no other snapshot is written, and the store tries again before each one and when it next opens")
		}
	}
}

// snapshotsLeftErr is the failure to remove a snapshot taken before an
// erasure that the replay of an open applied, if there was one. A
// catch-up's failure is left for no one: snapshotsLeft gives a group
// only its own erasure's, and removeLeft keeps the snapshot from staying.
func snapshotsLeftErr(s *Store) error {
	_, left := takeSnapDropErr(s)
	if left == nil {
		return nil
	}
	return Unavailable(left, "the journal records an erasure, but a snapshot taken before it, which holds the subject's texts, could not be removed; the store does not open until it can be (make the snapshot directory writable, or remove the snapshot)")
}

// snapshotState is the store's part for snapshots. The work is done by
// functions rather than methods of the store: a method's name stays in
// the store's type in every program, and the browser module counts its
// bytes.
type snapshotState struct {
	snapCfg  *SnapshotConfig
	snapMu   sync.Mutex // one snapshot written at a time
	lastSnap atomic.Uint64
	// snapErasures counts the erasures committed since the store opened.
	snapErasures atomic.Uint64
	// snapDropErr is the last failure to remove the snapshots taken
	// before an erasure (at snapDropSeq), until it is handed on;
	// snapLeft is the latest erasure whose removal failed and is still
	// to be made (see removeLeft).
	snapDropMu  sync.Mutex
	snapDropErr error
	snapDropSeq uint64
	snapLeft    uint64
	// snapSeen is the last event the snapshotter handled.
	snapSeenMu   sync.Mutex
	snapSeenWake chan struct{} // closed when snapSeen moves
	snapSeen     uint64
	snapDone     chan struct{}
	opened       OpenInfo
	schema       *memdb.DBSchema
	// snapHook, set only by tests, runs in every snapshot just before
	// the modules' states are encoded.
	snapHook func()
}

// openSnapshots loads the newest usable snapshot, if the store keeps
// any, before the journal's tail is replayed. Called by Open.
func openSnapshots(s *Store, ctx context.Context, cfg *SnapshotConfig, modules []Module) error {
	if cfg == nil {
		return nil
	}
	if cfg.engine == nil || cfg.Dir == "" {
		return Invalid("snapshots", "make Config.Snapshots with participation.SnapshotsIn(dir), and give it a directory")
	}
	return cfg.engine.open(s, ctx, cfg, modules)
}

func openSnapshotDir(s *Store, ctx context.Context, cfg *SnapshotConfig, modules []Module) error {
	c := *cfg
	s.snapCfg = &c
	newState := map[string]func() any{}
	for _, m := range modules {
		if m.NewState != nil {
			newState[m.Name] = m.NewState
		}
	}
	return loadSnapshot(s, ctx, &c, newState)
}

// startSnapshots starts the background snapshotter once the store is
// open. Called by Open.
func startSnapshots(s *Store) {
	if s.snapCfg != nil && s.snapCfg.Every > 0 {
		s.snapCfg.engine.start(s)
	}
}

func startSnapshotter(s *Store) {
	s.lastSnap.Store(s.opened.Snapshot.Seq)
	s.snapSeen = s.seq
	s.snapSeenWake = make(chan struct{})
	s.snapDone = make(chan struct{})
	go snapshotter(s, s.seq)
}
