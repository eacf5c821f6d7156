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
)

// SyncPolicy says when a [FileJournal] forces its writes to stable storage.
type SyncPolicy int

const (
	// SyncEveryCommit calls fsync before a command is reported committed:
	// an acknowledged command survives a crash of the process or machine.
	SyncEveryCommit SyncPolicy = iota
	// SyncInterval gathers commits in memory and writes and fsyncs them
	// every Interval (sooner when 1 MiB is waiting): a crash of the
	// process or the machine may lose the commands of the last interval,
	// and never leaves a partial command behind.
	SyncInterval
	// SyncNever gathers commits like SyncInterval and writes them every
	// Interval, leaving fsync to the operating system.
	SyncNever
)

// FileOptions configures a [FileJournal]. A nil *FileOptions means
// SyncEveryCommit.
type FileOptions struct {
	// Sync is the sync policy; the zero value is SyncEveryCommit.
	Sync SyncPolicy
	// Interval is the period of SyncInterval; zero means 100 ms.
	Interval time.Duration
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

// FileJournal stores events as lines of JSON in one file, appended and
// never rewritten, except that [OpenFile] cuts off a torn tail.
type FileJournal struct {
	mu       sync.Mutex
	flushMu  sync.Mutex // one flush at a time; held without mu while writing
	f        *os.File
	size     int64  // bytes of whole commands, written or pending
	written  int64  // bytes written to the file; then flushing, then pending
	flushing []byte // commits being written by a flush
	pending  []byte // commits not yet written (SyncInterval, SyncNever)
	spare    []byte // the buffer of the last flush, to gather into next
	kick     chan struct{}
	last     uint64  // seq of the last stored event
	offsets  []int64 // offsets[k] is where seq k*indexEvery+1 starts
	opts     FileOptions
	buf      []byte
	stop     chan struct{}
	done     chan struct{}
	rec      Recovery
	closed   bool
}

const indexEvery = 256

// pendingCap is the largest gathering buffer kept for reuse; the flusher
// is asked to write when a quarter of it is used.
const pendingCap = 4 << 20

// OpenFile opens or creates a journal file. A torn tail — the part of a
// command that was being written when a crash came — is cut off and
// reported by [FileJournal.Recovered]; damage anywhere else is left for
// Read to report as a *CorruptError.
func OpenFile(path string, opts *FileOptions) (*FileJournal, error) {
	o := FileOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Interval <= 0 {
		o.Interval = 100 * time.Millisecond
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, Internal(err, "opening journal file")
	}
	j := &FileJournal{f: f, opts: o}
	if err := j.scan(); err != nil {
		f.Close()
		return nil, err
	}
	if o.Sync != SyncEveryCommit {
		j.kick = make(chan struct{}, 1)
		j.stop = make(chan struct{})
		j.done = make(chan struct{})
		go j.syncLoop()
	}
	return j, nil
}

// scan finds the lines, the end of the last whole command and the torn
// tail, and cuts the tail off.
func (j *FileJournal) scan() error {
	st, err := j.f.Stat()
	if err != nil {
		return Internal(err, "reading journal file size")
	}
	r := bufio.NewReaderSize(io.NewSectionReader(j.f, 0, st.Size()), 1<<16)
	var (
		off, wholeEnd int64
		lines         uint64
		wholeLines    uint64
		pending       [][]byte // whole lines after the last command's end
	)
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) == 0 || line[len(line)-1] != '\n' {
			break // EOF; a partial line is torn
		}
		if lines%indexEvery == 0 {
			j.offsets = append(j.offsets, off)
		}
		lines++
		off += int64(len(line))
		if endsCommand(line) {
			wholeEnd, wholeLines = off, lines
			pending = pending[:0]
		} else {
			pending = append(pending, append([]byte(nil), line...))
		}
	}
	// Lines after the last command's end are a torn command only if each
	// of them is a well-formed event that does not end a command and
	// continues the sequence; anything else is damage, not a crash.
	for i, l := range pending {
		seq := wholeLines + 1 + uint64(i)
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
		j.rec = Recovery{TornBytes: torn, DroppedEvents: len(pending)}
		if err := j.f.Truncate(wholeEnd); err != nil {
			return Internal(err, "cutting the torn tail off the journal")
		}
		if err := j.f.Sync(); err != nil {
			return Internal(err, "syncing the journal after recovery")
		}
	}
	return nil
}

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

// Append implements [Journal].
func (j *FileJournal) Append(ctx context.Context, events []Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Errorf(EINTERNAL, "the journal is closed")
	}
	if err := checkContinues(j.last, events); err != nil {
		return err
	}
	if j.opts.Sync != SyncEveryCommit {
		// Gather: one write and one fsync per interval.
		start := len(j.pending)
		for i := range events {
			if (j.last+uint64(i))%indexEvery == 0 {
				j.offsets = append(j.offsets, j.size+int64(len(j.pending)-start))
			}
			j.pending = events[i].AppendJSON(j.pending)
			j.pending = append(j.pending, '\n')
		}
		j.size += int64(len(j.pending) - start)
		j.last += uint64(len(events))
		if len(j.pending) >= pendingCap/4 {
			select { // ask the flusher to write now
			case j.kick <- struct{}{}:
			default:
			}
		}
		return nil
	}
	buf := j.buf[:0]
	starts := make([]int64, 0, 1)
	for i := range events {
		if (j.last+uint64(i))%indexEvery == 0 {
			starts = append(starts, j.size+int64(len(buf)))
		}
		buf = events[i].AppendJSON(buf)
		buf = append(buf, '\n')
	}
	j.buf = buf
	if _, err := j.f.WriteAt(buf, j.size); err != nil {
		// Leave no partial command behind.
		_ = j.f.Truncate(j.size)
		return Internal(err, "writing to the journal")
	}
	if err := j.f.Sync(); err != nil {
		_ = j.f.Truncate(j.size)
		return Internal(err, "syncing the journal")
	}
	j.size += int64(len(buf))
	j.written = j.size
	j.last += uint64(len(events))
	j.offsets = append(j.offsets, starts...)
	if cap(j.buf) > 1<<20 {
		j.buf = nil
	}
	return nil
}

// flush writes the gathered commits, and fsyncs them when sync is set.
// Appends go on while it writes: the commits being written stay readable
// in flushing. A write that fails is cut off again and its commits go
// back to pending for the next flush.
func (j *FileJournal) flush(sync bool) error {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.mu.Lock()
	buf, off := j.pending, j.written
	if len(buf) > 0 {
		// Readers copy what they read of these buffers, so the two of
		// them can take turns without allocating.
		j.flushing, j.pending, j.spare = buf, j.spare[:0], nil
	}
	j.mu.Unlock()
	var err error
	if len(buf) > 0 {
		_, err = j.f.WriteAt(buf, off)
	}
	if err == nil && sync {
		err = j.f.Sync()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err != nil {
		_ = j.f.Truncate(off)
		j.pending = append(buf, j.pending...)
		j.flushing = nil
		return Internal(err, "writing to the journal")
	}
	j.written += int64(len(buf))
	j.flushing = nil
	if cap(buf) <= pendingCap {
		j.spare = buf
	}
	return nil
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
		line, err := readLine(r)
		if err != nil {
			return &CorruptError{Seq: seq, Reason: "the journal ends inside this event"}
		}
		if seq < from {
			continue
		}
		e, err := ParseEvent(line)
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

func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		return nil, err
	}
	return line[:len(line)-1], nil
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
	return j.flush(true)
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
			_ = j.flush(j.opts.Sync == SyncInterval)
		case <-j.kick:
			_ = j.flush(j.opts.Sync == SyncInterval)
		}
	}
}

// Close syncs what is written and closes the file.
func (j *FileJournal) Close() error {
	if j.stop != nil {
		close(j.stop)
		<-j.done
		j.stop = nil
	}
	err := j.flush(true)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = Internal(cerr, "closing the journal")
	}
	return err
}
