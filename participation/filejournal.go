package participation

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/osallisuus/osallisuus/internal/vfs"
)

// SyncPolicy says when a [FileJournal] forces its writes to stable storage.
// README "Guarantees" states what each policy can lose and which test
// proves it.
type SyncPolicy int

const (
	// SyncEveryCommit writes and fsyncs a command before it is reported
	// committed: an acknowledged command survives a crash of the process
	// or the machine.
	SyncEveryCommit SyncPolicy = iota
	// SyncInterval gathers commits in memory and writes and fsyncs them
	// every Interval, and sooner when MaxGather/4 bytes wait. A crash of
	// the process or the machine loses at most the commands acknowledged
	// since the last completed sync: at most one Interval and at most
	// MaxGather bytes of them. It never leaves a partial command behind.
	SyncInterval
	// SyncNever gathers commits like SyncInterval and writes them every
	// Interval, leaving fsync to the operating system: a crash of the
	// process loses at most what SyncInterval loses; a crash of the
	// machine loses what the operating system had not yet written.
	SyncNever
)

// DefaultMaxGather is the most a gathering journal holds unwritten.
const DefaultMaxGather = 8 << 20

// FileOptions configures a [FileJournal]. A nil *FileOptions means
// SyncEveryCommit.
type FileOptions struct {
	// Sync is the sync policy; the zero value is SyncEveryCommit.
	Sync SyncPolicy
	// Interval is the period of SyncInterval and SyncNever; zero means
	// 100 ms.
	Interval time.Duration
	// MaxGather bounds the bytes that SyncInterval and SyncNever hold
	// unwritten; an append that would pass it waits for the writer. Zero
	// means DefaultMaxGather.
	MaxGather int
}

// Recovery says what [OpenFile] dropped from the end of the file: the
// bytes of a command that was being written when the process died. Such a
// command was never reported committed.
type Recovery struct {
	// TornBytes is the number of bytes cut from the end of the file.
	TornBytes int64 `json:"tornBytes"`
	// DroppedEvents counts whole lines dropped with them, because the
	// command they belonged to had not been written to its end.
	DroppedEvents int `json:"droppedEvents"`
}

// Progress says how far a [FileJournal] has got, as the sequence numbers
// of the last events accepted, handed to the operating system, and known
// to be on stable storage. Under SyncEveryCommit the three are equal.
type Progress struct {
	Accepted uint64 `json:"accepted"`
	Written  uint64 `json:"written"`
	Synced   uint64 `json:"synced"`
}

// FileJournal stores events as lines of JSON in one file, appended and
// never rewritten, except that [OpenFile] cuts off a torn tail.
//
// One FileJournal at a time holds a file: OpenFile takes an exclusive
// lock, and a second opener — in this process or another — is refused
// with EUNAVAILABLE. After a write, fsync or truncate fails, the journal
// refuses every append with EUNAVAILABLE, naming the cause, until it is
// closed and opened again; it never fsyncs again after a failed fsync.
type FileJournal struct {
	mu   sync.Mutex
	cond *sync.Cond // broadcast when a flush ends
	// flushMu lets one flush run at a time; it is held without mu while
	// the flush writes, so appends go on meanwhile.
	flushMu sync.Mutex
	f       vfs.File
	opts    FileOptions
	fs      vfs.FS
	path    string
	inbox   *FileInbox // synced with the journal, once Inbox opened it

	// The accepted bytes are the file up to written, then flushing (being
	// written by a flush, which alone may change it), then pending
	// (gathered, appended to under mu). spare is a written buffer that
	// nothing refers to any more, kept to gather into again.
	size     int64 // accepted bytes: written + len(flushing) + len(pending)
	written  int64
	flushing []byte
	pending  []byte
	spare    []byte
	marks    []mark // where the commands not yet written end
	markBase uint64 // the last command written before marks begin

	prog    Progress
	last    uint64  // seq of the last accepted event
	offsets []int64 // offsets[k] is where seq k*indexEvery+1 starts
	buf     []byte

	failed     error // the first I/O failure: appends are refused
	syncFailed bool  // a sync failed: never sync again

	kick   chan struct{}
	stop   chan struct{}
	done   chan struct{}
	rec    Recovery
	closed bool
}

// mark is the end of a command in the accepted bytes.
type mark struct {
	end int64
	seq uint64
}

const indexEvery = 256

// pendingCap is the largest gathering buffer kept for reuse.
const pendingCap = 4 << 20

// OpenFile opens or creates a journal file and locks it against every
// other opener. A torn tail — the part of a command that was being
// written when a crash came — is cut off and reported by
// [FileJournal.Recovered]; damage anywhere else is left for Read to report
// as a *CorruptError.
func OpenFile(path string, opts *FileOptions) (*FileJournal, error) {
	return openFile(vfs.OS, path, opts)
}

func openFile(fsys vfs.FS, path string, opts *FileOptions) (*FileJournal, error) {
	o := FileOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Sync < SyncEveryCommit || o.Sync > SyncNever {
		return nil, Invalid("sync", "sync policy %d is not one of SyncEveryCommit, SyncInterval, SyncNever", o.Sync)
	}
	if o.Interval <= 0 {
		o.Interval = 100 * time.Millisecond
	}
	if o.MaxGather <= 0 {
		o.MaxGather = DefaultMaxGather
	}
	f, err := fsys.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, Unavailable(err, "opening journal file %s", path)
	}
	if err := f.Lock(); err != nil {
		f.Close()
		if errors.Is(err, vfs.ErrLocked) {
			return nil, Unavailable(nil, "the journal %s is in use by another store; close it first (one store, in one process, writes a journal)", path)
		}
		return nil, Unavailable(err, "locking journal file %s", path)
	}
	j := &FileJournal{f: f, opts: o, fs: fsys, path: path}
	j.cond = sync.NewCond(&j.mu)
	if err := j.scan(); err != nil {
		f.Close()
		return nil, err
	}
	j.prog = Progress{Accepted: j.last, Written: j.last, Synced: j.last}
	j.markBase = j.last
	if o.Sync != SyncEveryCommit {
		j.kick = make(chan struct{}, 1)
		j.stop = make(chan struct{})
		j.done = make(chan struct{})
		go j.syncLoop()
	}
	return j, nil
}

// Unavailable returns an EUNAVAILABLE error: storage failed or is held
// elsewhere. err, when not nil, is the cause.
func Unavailable(err error, format string, args ...any) *Error {
	return &Error{Code: EUNAVAILABLE, Message: fmt.Sprintf(format, args...), Err: err}
}

// scan finds the lines, the end of the last whole command and the torn
// tail, and cuts the tail off.
func (j *FileJournal) scan() error {
	st, err := j.f.Stat()
	if err != nil {
		return Unavailable(err, "reading journal file size")
	}
	r := bufio.NewReaderSize(io.NewSectionReader(j.f, 0, st.Size()), 1<<16)
	var (
		off, wholeEnd int64
		lines         uint64
		wholeLines    uint64
		// The whole lines after the last command's end: how many, and
		// where the first starts (they are read again below).
		pending int
		tailAt  int64
		// A run of NUL bytes is space the file grew by whose data never
		// reached the disk (a sector at least; a journal line holds no
		// NUL, and a flipped bit makes one, not a run). Only the command
		// being written when a crash came can hold one, so a last
		// command with such a run is torn like an unfinished one.
		prevEnd      int64 // where the last whole command starts
		prevLines    uint64
		nul, lastNul bool // in the command being read; in the last whole one
	)
	for {
		line, err := readRaw(r)
		if err != nil && !errors.Is(err, io.EOF) {
			return Unavailable(err, "reading the journal")
		}
		if len(line) == 0 || line[len(line)-1] != '\n' {
			break // EOF; a partial line is torn
		}
		if lines%indexEvery == 0 {
			j.offsets = append(j.offsets, off)
		}
		start := off
		lines++
		off += int64(len(line))
		nul = nul || bytes.Contains(line, unwritten[:])
		if endsCommand(line) {
			prevEnd, prevLines = wholeEnd, wholeLines
			wholeEnd, wholeLines = off, lines
			lastNul, nul = nul, false
			pending = 0
		} else {
			if pending == 0 {
				tailAt = start
			}
			pending++
		}
	}
	dropped := pending
	if lastNul {
		dropped += int(wholeLines - prevLines)
		wholeEnd, wholeLines = prevEnd, prevLines
	}
	// Lines after the last command's end are a torn command only if each
	// of them is a well-formed event that does not end a command and
	// continues the sequence; anything else is damage, not a crash.
	var tail *bufio.Reader
	if pending > 0 {
		tail = bufio.NewReader(io.NewSectionReader(j.f, tailAt, st.Size()-tailAt))
	}
	for i := range pending {
		if lastNul || nul {
			break // torn, whatever they hold
		}
		seq := wholeLines + 1 + uint64(i)
		l, err := readRaw(tail)
		if err != nil {
			return Unavailable(err, "reading the journal")
		}
		e, err := ParseEvent(bytes.TrimSuffix(l, []byte{'\n'}))
		if err != nil {
			return &CorruptError{Seq: seq, Reason: err.Error()}
		}
		if e.Seq != seq || e.End {
			return &CorruptError{Seq: seq, Reason: "the line does not continue the journal"}
		}
	}
	j.size, j.written, j.last = wholeEnd, wholeEnd, wholeLines
	j.offsets = j.offsets[:(wholeLines+indexEvery-1)/indexEvery]
	if torn := st.Size() - wholeEnd; torn > 0 {
		j.rec = Recovery{TornBytes: torn, DroppedEvents: dropped}
		if err := j.f.Truncate(wholeEnd); err != nil {
			return Unavailable(err, "cutting the torn tail off the journal")
		}
	}
	// What was read is made durable before the store acts on it: a
	// process killed between a write and its fsync leaves lines that only
	// the page cache holds, and the store opening over them lets the inbox
	// go of the commands they release and destroys the keys of the
	// subjects they erase — acts a machine crash would not take back.
	if st.Size() != 0 {
		if err := j.f.Sync(); err != nil {
			return Unavailable(err, "syncing the journal as it opens")
		}
	}
	return nil
}

// unwritten is the shortest run of NUL bytes taken for space a crash
// kept from being written.
var unwritten [16]byte

// endsCommand reports whether a line written by AppendJSON carries
// "end":true. It looks at the fixed-width tail of the line instead of
// parsing it: `,"end":true,"prev":"<64>","hash":"<64>"}` and a newline.
func endsCommand(line []byte) bool {
	const tail = len(`,"prev":"`) + 64 + len(`","hash":"`) + 64 + len(`"}`) + 1
	const marker = `,"end":true`
	if len(line) < tail+len(marker) {
		return false
	}
	return string(line[len(line)-tail-len(marker):len(line)-tail]) == marker
}

// Recovered says what opening the file cut off its end.
func (j *FileJournal) Recovered() Recovery { return j.rec }

// Progress says how far the journal has got.
func (j *FileJournal) Progress() Progress {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.prog
}

// Err returns the failure that stopped the journal, or nil.
func (j *FileJournal) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.failed
}

// refusal is the error an append gets once the journal has stopped.
func (j *FileJournal) refusal() error {
	return Unavailable(j.failed, "the journal stopped after a storage failure and takes no more changes; close the store, mend the storage and open it again")
}

// fail stops the journal after an I/O failure. Call with mu held.
func (j *FileJournal) fail(err error, what string) {
	if j.failed == nil {
		j.failed = fmt.Errorf("%s: %w", what, err)
	}
}

// Append implements [Journal].
func (j *FileJournal) Append(ctx context.Context, events []Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.usable(); err != nil {
		return err
	}
	if err := checkContinues(j.last, events); err != nil {
		return err
	}
	if j.opts.Sync == SyncEveryCommit {
		return j.appendNow(events)
	}
	// Gather, within the bound: wait for the writer while the bytes not
	// yet written would pass it (a command alone larger than the bound
	// waits until nothing else is unwritten).
	enc := j.encode(events)
	n := int64(len(enc))
	if j.size-j.written > 0 && j.size-j.written+n > int64(j.opts.MaxGather) {
		enc = bytes.Clone(enc) // j.buf is free to others while this waits
		for j.size-j.written > 0 && j.size-j.written+n > int64(j.opts.MaxGather) {
			j.wake()
			j.cond.Wait()
			if err := j.usable(); err != nil {
				return err
			}
		}
		if err := checkContinues(j.last, events); err != nil {
			return err
		}
	}
	if len(j.pending) == 0 && int64(cap(j.pending)) < n {
		j.pending = make([]byte, 0, max(n, 64<<10))
	}
	j.pending = append(j.pending, enc...)
	j.index(events, j.size, enc)
	j.size += n
	j.last += uint64(len(events))
	j.marks = append(j.marks, mark{end: j.size, seq: j.last})
	j.prog.Accepted = j.last
	if j.size-j.written >= int64(j.opts.MaxGather/4) {
		j.wake()
	}
	return nil
}

// usable says why the journal takes no append, if it does not. Call with
// mu held.
func (j *FileJournal) usable() error {
	if j.closed {
		return Errorf(EINTERNAL, "the journal is closed")
	}
	if j.failed != nil {
		return j.refusal()
	}
	return nil
}

// encode writes events as lines into the journal's scratch buffer, which
// the next append reuses (a large one is let go). Call with mu held.
func (j *FileJournal) encode(events []Event) []byte {
	buf := j.buf[:0]
	for i := range events {
		buf = events[i].AppendJSON(buf)
		buf = append(buf, '\n')
	}
	j.buf = buf
	if cap(j.buf) > 1<<20 {
		j.buf = nil
	}
	return buf
}

// index records where the events that enc holds, starting at off, begin
// when they start a block of the offset index.
func (j *FileJournal) index(events []Event, off int64, enc []byte) {
	pos := 0
	for i := range events {
		if (j.last+uint64(i))%indexEvery == 0 {
			j.offsets = append(j.offsets, off+int64(pos))
		}
		pos += bytes.IndexByte(enc[pos:], '\n') + 1
	}
}

// wake asks the flusher to write now.
func (j *FileJournal) wake() {
	select {
	case j.kick <- struct{}{}:
	default:
	}
}

// appendNow writes and syncs one command (SyncEveryCommit). Call with mu
// held. A failure stops the journal; what was written of the command is
// cut off again if the file allows, and is a torn tail to the next open
// otherwise.
func (j *FileJournal) appendNow(events []Event) error {
	buf := j.encode(events)
	n, err := j.f.WriteAt(buf, j.size)
	if err == nil && n < len(buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		j.fail(err, "writing to the journal")
		if terr := j.f.Truncate(j.size); terr != nil {
			j.fail(terr, "cutting a failed write off the journal")
		}
		return j.refusal()
	}
	if err := j.f.Sync(); err != nil {
		j.fail(err, "syncing the journal")
		j.syncFailed = true
		_ = j.f.Truncate(j.size)
		return j.refusal()
	}
	j.index(events, j.size, buf)
	j.size += int64(len(buf))
	j.written = j.size
	j.last += uint64(len(events))
	j.prog = Progress{Accepted: j.last, Written: j.last, Synced: j.last}
	return nil
}

// flush writes the gathered commits, and fsyncs them when sync is set.
// Appends go on while it writes. A write that fails stops the journal;
// what it did not write stays gathered, and later flushes (the ticker's,
// Sync's, Close's) write it when the storage takes it again, so that
// acknowledged commands reach the file if they can. After a failed sync
// nothing is written or synced again.
func (j *FileJournal) flush(sync bool) error {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.mu.Lock()
	if j.syncFailed {
		err := j.refusal()
		j.mu.Unlock()
		return err
	}
	if len(j.pending) > 0 {
		if len(j.flushing) == 0 {
			j.flushing, j.pending, j.spare = j.pending, j.spare[:0], nil
		} else {
			// The rest of a failed write: only flushes touch it.
			j.flushing = append(j.flushing, j.pending...)
			j.pending = j.pending[:0]
		}
	}
	buf, off := j.flushing, j.written
	needSync := sync && j.prog.Synced < j.last
	j.mu.Unlock()

	var n int
	var werr, serr error
	if len(buf) > 0 {
		n, werr = j.f.WriteAt(buf, off)
		if werr == nil && n < len(buf) {
			werr = io.ErrShortWrite
		}
	}
	if werr == nil && needSync {
		serr = j.f.Sync()
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	defer j.cond.Broadcast()
	j.written += int64(n)
	if n == len(buf) {
		j.flushing = nil
		if cap(buf) <= pendingCap && j.spare == nil {
			j.spare = buf[:0]
		}
	} else {
		j.flushing = buf[n:]
	}
	j.prog.Written = j.seqAt(j.written)
	k := 0
	for k < len(j.marks) && j.marks[k].end <= j.written {
		k++
	}
	if k > 0 {
		j.markBase = j.marks[k-1].seq
		j.marks = append(j.marks[:0], j.marks[k:]...)
	}
	switch {
	case werr != nil:
		j.fail(werr, "writing to the journal")
		return j.refusal()
	case serr != nil:
		j.fail(serr, "syncing the journal")
		j.syncFailed = true
		return j.refusal()
	}
	if needSync {
		j.prog.Synced = j.prog.Written
	}
	if j.failed != nil {
		return j.refusal()
	}
	return nil
}

// seqAt is the last command wholly within the first end bytes, for end at
// or past the first byte not yet written. Call with mu held.
func (j *FileJournal) seqAt(end int64) uint64 {
	seq := j.markBase
	for _, m := range j.marks {
		if m.end > end {
			break
		}
		seq = m.seq
	}
	return seq
}

// Read implements [Journal].
func (j *FileJournal) Read(ctx context.Context, from uint64, fn func(Event) error) error {
	j.mu.Lock()
	// Copies: the gathering buffers are reused once written.
	last, written := j.last, j.written
	flushing, pending := bytes.Clone(j.flushing), bytes.Clone(j.pending)
	if from == 0 {
		from = 1
	}
	if from > last {
		j.mu.Unlock()
		return nil
	}
	k := (from - 1) / indexEvery
	start, seq := j.offsets[k], k*indexEvery+1
	j.mu.Unlock()

	// The file up to what is written, then what is being written, then
	// what is still gathered.
	var src io.Reader
	switch gathered := written + int64(len(flushing)); {
	case start < written:
		src = io.MultiReader(io.NewSectionReader(j.f, start, written-start), bytes.NewReader(flushing), bytes.NewReader(pending))
	case start < gathered:
		src = io.MultiReader(bytes.NewReader(flushing[start-written:]), bytes.NewReader(pending))
	default:
		src = bytes.NewReader(pending[start-gathered:])
	}
	r := bufio.NewReaderSize(src, 1<<16)
	for ; seq <= last; seq++ {
		if seq%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := readRaw(r)
		if err != nil && !errors.Is(err, io.EOF) {
			return Unavailable(err, "reading the journal at sequence %d", seq)
		}
		if len(line) == 0 || line[len(line)-1] != '\n' {
			return &CorruptError{Seq: seq, Reason: "the journal ends inside this event"}
		}
		if seq < from {
			continue
		}
		e, err := ParseEvent(line[:len(line)-1])
		if err != nil {
			return &CorruptError{Seq: seq, Reason: err.Error()}
		}
		if e.Seq != seq {
			return &CorruptError{Seq: seq, Reason: fmt.Sprintf("found sequence %d where %d belongs", e.Seq, seq)}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// readRaw reads one line with its newline; at the end of the input it
// returns what is left (possibly a partial line) and io.EOF.
func readRaw(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	return line, err
}

// Sync writes gathered commits and forces them to stable storage now,
// whatever the policy.
func (j *FileJournal) Sync() error {
	j.mu.Lock()
	closed := j.closed
	j.mu.Unlock()
	if closed {
		return nil
	}
	if err := j.flush(true); err != nil {
		return err
	}
	return j.flushInbox(true)
}

func (j *FileJournal) syncLoop() {
	defer close(j.done)
	t := time.NewTicker(j.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
		case <-j.kick:
		}
		if err := j.flush(j.opts.Sync == SyncInterval); err == nil {
			_ = j.flushInbox(j.opts.Sync == SyncInterval)
		}
	}
}

// Close writes and syncs what is gathered and closes the file, giving up
// its lock. It reports a failure that kept acknowledged commands from
// stable storage.
func (j *FileJournal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true // appends are refused from here on
	j.cond.Broadcast()
	j.mu.Unlock()
	if j.stop != nil {
		close(j.stop)
		<-j.done
	}
	_ = j.flush(true)
	j.mu.Lock()
	defer j.mu.Unlock()
	var err error
	if j.prog.Synced < j.last {
		err = Unavailable(j.failed, "the journal closed with commands %d to %d not on stable storage", j.prog.Synced+1, j.last)
	}
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = Unavailable(cerr, "closing the journal")
	}
	return err
}
