//go:build js && wasm

package participation

import "context"

// readAhead: in the browser one goroutine runs at a time, so an open
// reads in step (readDecoded with ahead false); the read-ahead is left
// out of the module.
func (s *Store) readAhead(ctx context.Context, from uint64, fn func(e Event, d EventData, err error, hashed bool) error) error {
	return s.readDecoded(ctx, from, false, fn)
}
