//go:build !(js && wasm)

package participation

import (
	"context"
	"errors"
)

// readAhead is readDecoded's reading ahead: a goroutine reads the journal,
// checks each line's form and hash and decodes its payload, in batches of
// 256, while fn applies what came before: on two cores an open takes
// about the longer of the two rather than both. An event that does not
// decode is handed on like any other, and reported once every event
// before it has been applied (TestReplayReadsAhead).
func (s *Store) readAhead(ctx context.Context, from uint64, fn func(e Event, d EventData, err error, hashed bool) error) error {
	type decoded struct {
		e      Event
		d      EventData
		err    error
		hashed bool
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Applied batches go back to the reader to be filled again.
	batches, free := make(chan []decoded, 8), make(chan []decoded, 10)
	read := make(chan error, 1)
	go func() {
		defer close(batches)
		b := make([]decoded, 0, 256)
		send := func() error {
			select {
			case batches <- b:
				select {
				case b = <-free:
				default:
					b = make([]decoded, 0, 256)
				}
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := s.journal.Read(ctx, from, func(e Event) error {
			d, err := s.decodeEvent(e)
			b = append(b, decoded{e, d, err, e.ComputeHash() == e.Hash})
			if err != nil {
				// Handed on, to be reported once every event before it
				// has been applied; nothing after it is read.
				if serr := send(); serr != nil {
					return serr
				}
				return errStopReading
			}
			if len(b) == cap(b) {
				return send()
			}
			return nil
		})
		// What was read before the end, or before a failure to read, is
		// applied first: an event among it may be what to report.
		if len(b) > 0 && ctx.Err() == nil {
			if serr := send(); err == nil {
				err = serr
			}
		}
		read <- err
	}()
	var ferr error
	for b := range batches {
		for _, x := range b {
			if ferr != nil {
				break
			}
			ferr = fn(x.e, x.d, x.err, x.hashed)
		}
		if ferr != nil {
			cancel() // and drain what the reader sends meanwhile
		}
		clear(b)
		select {
		case free <- b[:0]:
		default:
		}
	}
	rerr := <-read
	if ferr != nil {
		return ferr
	}
	if errors.Is(rerr, errStopReading) {
		return nil
	}
	return rerr
}

// errStopReading stops a read ahead at an event that does not decode.
var errStopReading = errors.New("stop reading")
