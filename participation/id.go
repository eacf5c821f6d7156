package participation

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"
)

// ID identifies every entity and event: a UUID, version 7 when made by the
// store, so keys are ordered by creation time and memdb's radix trees stay
// local. The zero ID means "none".
type ID [16]byte

// ParseID parses the canonical 36-character form of a UUID.
func ParseID(s string) (ID, error) {
	if len(s) != 36 {
		return ID{}, Errorf(EINVALID, "id %q must be a UUID of 36 characters", s)
	}
	var id ID
	j := 0
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return ID{}, Errorf(EINVALID, "id %q is not a UUID: hyphens go after 8, 12, 16 and 20 digits", s)
			}
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return ID{}, Errorf(EINVALID, "id %q is not a UUID: it has a character that is not hexadecimal", s)
		}
		id[j] = hi<<4 | lo
		j++
		i++
	}
	return id, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// MustParseID is ParseID for constants in tests and examples; it panics on
// a malformed string and must never see input.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the canonical form, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
func (id ID) String() string {
	var b [36]byte
	return string(appendID(b[:0], id))
}

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// MarshalText encodes the canonical form; the zero ID encodes as "".
func (id ID) MarshalText() ([]byte, error) {
	if id.IsZero() {
		return []byte{}, nil
	}
	return []byte(id.String()), nil
}

// UnmarshalText decodes the canonical form; "" decodes to the zero ID.
func (id *ID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = ID{}
		return nil
	}
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// IDGen makes version 7 UUIDs from an injected clock and source of
// randomness. IDs made in the same millisecond stay ordered: the 12 bits
// after the timestamp count up within a millisecond.
type IDGen struct {
	mu     sync.Mutex
	rand   io.Reader
	lastMs int64
	seq    uint16
}

// NewIDGen returns a generator reading randomness from r (crypto/rand when
// r is nil).
func NewIDGen(r io.Reader) *IDGen {
	if r == nil {
		r = rand.Reader
	}
	return &IDGen{rand: r}
}

// New returns a version 7 UUID for time t.
func (g *IDGen) New(t time.Time) (ID, error) {
	var id ID
	if _, err := io.ReadFull(g.rand, id[6:]); err != nil {
		return ID{}, Internal(err, "reading randomness for an id")
	}
	ms := t.UnixMilli()
	g.mu.Lock()
	if ms <= g.lastMs {
		ms = g.lastMs
		g.seq++
		if g.seq > 0x0fff {
			// 4096 ids in one millisecond: borrow the next millisecond.
			ms++
			g.seq = 0
		}
	} else {
		g.seq = binary.BigEndian.Uint16(id[6:8]) & 0x07ff // leave room to count up
	}
	g.lastMs = ms
	seq := g.seq
	g.mu.Unlock()

	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(ms))
	copy(id[0:6], ts[2:8])
	id[6] = 0x70 | byte(seq>>8)&0x0f
	id[7] = byte(seq)
	id[8] = id[8]&0x3f | 0x80
	return id, nil
}

// NewHourID returns an id for something an anonymous sender caused
// (PRIV-1): a version 7 UUID whose timestamp is the start of t's hour and
// whose other 74 bits are all random, read from r (crypto/rand when r is
// nil). It holds no time finer than the hour, and ids made in the same
// hour carry no order: nothing counts up.
func NewHourID(r io.Reader, t time.Time) (ID, error) {
	if r == nil {
		r = rand.Reader
	}
	var id ID
	if _, err := io.ReadFull(r, id[6:]); err != nil {
		return ID{}, Internal(err, "reading randomness for an id")
	}
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(t.Truncate(time.Hour).UnixMilli()))
	copy(id[0:6], ts[2:8])
	id[6] = 0x70 | id[6]&0x0f
	id[8] = id[8]&0x3f | 0x80
	return id, nil
}

// Hash is a SHA-256 digest, written as 64 hexadecimal characters.
type Hash [32]byte

// String returns the hexadecimal form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zeros (the predecessor of the first event).
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText encodes h as hexadecimal.
func (h Hash) MarshalText() ([]byte, error) {
	out := make([]byte, 64)
	hex.Encode(out, h[:])
	return out, nil
}

// UnmarshalText decodes 64 hexadecimal characters.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 64 {
		return fmt.Errorf("hash must be 64 hexadecimal characters, got %d", len(b))
	}
	_, err := hex.Decode(h[:], b)
	return err
}
