package participation

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// The indexers below read a row's key through a typed function instead of
// reflection: faster, and a renamed field is a compile error, not a
// runtime one. Use them in module table schemas.

// IDIndex indexes rows of type T by an [ID] (16 raw bytes; memdb's
// UUIDFieldIndex wants a 36-character string instead). A zero ID leaves
// the row out of the index. With no arguments, a prefix query returns all.
type IDIndex[T any] struct {
	Of func(T) ID
}

// IndexID returns an [IDIndex] reading the key with of.
func IndexID[T any](of func(T) ID) *IDIndex[T] { return &IDIndex[T]{Of: of} }

// FromObject implements memdb.SingleIndexer.
func (x *IDIndex[T]) FromObject(obj any) (bool, []byte, error) {
	row, ok := obj.(T)
	if !ok {
		return false, nil, fmt.Errorf("index wants %T, got %T", row, obj)
	}
	id := x.Of(row)
	if id.IsZero() {
		return false, nil, nil
	}
	return true, append([]byte(nil), id[:]...), nil
}

// FromArgs implements memdb.Indexer.
func (x *IDIndex[T]) FromArgs(args ...any) ([]byte, error) { return idArg(args) }

// PrefixFromArgs implements memdb.PrefixIndexer.
func (x *IDIndex[T]) PrefixFromArgs(args ...any) ([]byte, error) {
	if len(args) == 0 {
		return []byte{}, nil
	}
	return idArg(args)
}

func idArg(args []any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("one ID argument wanted, got %d", len(args))
	}
	id, ok := args[0].(ID)
	if !ok {
		return nil, fmt.Errorf("an ID argument wanted, got %T", args[0])
	}
	return append([]byte(nil), id[:]...), nil
}

// IDsIndex indexes rows of type T under each of several ids, so a row is
// found by any of them (a contribution by each of its contributors).
type IDsIndex[T any] struct {
	Of func(T) []ID
}

// IndexIDs returns an [IDsIndex] reading the keys with of.
func IndexIDs[T any](of func(T) []ID) *IDsIndex[T] { return &IDsIndex[T]{Of: of} }

// FromObject implements memdb.MultiIndexer.
func (x *IDsIndex[T]) FromObject(obj any) (bool, [][]byte, error) {
	row, ok := obj.(T)
	if !ok {
		return false, nil, fmt.Errorf("index wants %T, got %T", row, obj)
	}
	ids := x.Of(row)
	out := make([][]byte, 0, len(ids))
	for _, id := range ids {
		if !id.IsZero() {
			out = append(out, append([]byte(nil), id[:]...))
		}
	}
	return len(out) > 0, out, nil
}

// FromArgs implements memdb.Indexer.
func (x *IDsIndex[T]) FromArgs(args ...any) ([]byte, error) { return idArg(args) }

// StringIndex indexes rows of type T by a string; an empty string leaves
// the row out. Prefix queries work as with memdb's StringFieldIndex.
type StringIndex[T any] struct {
	Of func(T) string
}

// IndexString returns a [StringIndex] reading the key with of.
func IndexString[T any](of func(T) string) *StringIndex[T] { return &StringIndex[T]{Of: of} }

// FromObject implements memdb.SingleIndexer.
func (x *StringIndex[T]) FromObject(obj any) (bool, []byte, error) {
	row, ok := obj.(T)
	if !ok {
		return false, nil, fmt.Errorf("index wants %T, got %T", row, obj)
	}
	s := x.Of(row)
	if s == "" {
		return false, nil, nil
	}
	return true, append([]byte(s), 0), nil
}

// FromArgs implements memdb.Indexer.
func (x *StringIndex[T]) FromArgs(args ...any) ([]byte, error) {
	b, err := x.PrefixFromArgs(args...)
	if err != nil {
		return nil, err
	}
	return append(b, 0), nil
}

// PrefixFromArgs implements memdb.PrefixIndexer.
func (x *StringIndex[T]) PrefixFromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("one string argument wanted, got %d", len(args))
	}
	switch v := args[0].(type) {
	case string:
		return []byte(v), nil
	case fmt.Stringer:
		return []byte(v.String()), nil
	}
	return nil, fmt.Errorf("a string argument wanted, got %T", args[0])
}

// TimeIndex indexes rows of type T by a time, in time order. A zero time
// leaves the row out, so a function that returns zero for closed rows
// makes "open rows by deadline" a short range scan.
type TimeIndex[T any] struct {
	Of func(T) time.Time
}

// IndexTime returns a [TimeIndex] reading the key with of.
func IndexTime[T any](of func(T) time.Time) *TimeIndex[T] { return &TimeIndex[T]{Of: of} }

// FromObject implements memdb.SingleIndexer.
func (x *TimeIndex[T]) FromObject(obj any) (bool, []byte, error) {
	row, ok := obj.(T)
	if !ok {
		return false, nil, fmt.Errorf("index wants %T, got %T", row, obj)
	}
	t := x.Of(row)
	if t.IsZero() {
		return false, nil, nil
	}
	return true, timeKey(t), nil
}

// FromArgs implements memdb.Indexer.
func (x *TimeIndex[T]) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("one time argument wanted, got %d", len(args))
	}
	t, ok := args[0].(time.Time)
	if !ok {
		return nil, fmt.Errorf("a time argument wanted, got %T", args[0])
	}
	return timeKey(t), nil
}

// timeKey encodes t so that byte order is time order.
func timeKey(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, timeBits(t)) }

// timeBits is t in nanoseconds since 1970 with the sign bit flipped, so
// that unsigned order is time order. A time nanoseconds cannot count
// (before 1678 or after 2262, such as a period's far end) takes the
// first or the last value, rather than one wrapped around.
func timeBits(t time.Time) uint64 {
	switch {
	case t.Before(minNanoTime):
		return 0
	case t.After(maxNanoTime):
		return math.MaxUint64
	}
	return uint64(t.UnixNano()) ^ (1 << 63)
}

var minNanoTime, maxNanoTime = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)
