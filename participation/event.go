package participation

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// Event is one committed change, as the journal stores it and the change
// feed delivers it. Events carry their own time and ids, so replaying them
// rebuilds exactly the same state. Each event carries the SHA-256 of its
// predecessor (Prev) and its own (Hash), so the journal is a hash chain
// that [Verify] can walk.
type Event struct {
	// Seq is the event's position in the journal, from 1, without gaps.
	Seq uint64 `json:"seq"`
	// ID is the event's own id.
	ID ID `json:"id"`
	// Time is when the command ran, in UTC. Anonymous events keep it to
	// the hour (PRIV-1, [Tx.Anonymous]).
	Time time.Time `json:"time"`
	// Type names the event, as "module.what_happened".
	Type string `json:"type"`
	// Actor is who ran the command.
	Actor Actor `json:"actor"`
	// Data is the event's payload as JSON. Personal data in it is sealed.
	Data json.RawMessage `json:"data"`
	// End marks the last event of a command; a command's events commit
	// together or not at all.
	End bool `json:"end,omitempty"`
	// Prev is the hash of the event before, zero for the first.
	Prev Hash `json:"prev"`
	// Hash is this event's hash, see [Event.ComputeHash].
	Hash Hash `json:"hash"`
}

// ComputeHash returns the SHA-256 of the event's content and its
// predecessor's hash, over a fixed binary framing that does not depend on
// how the JSON is spaced.
func (e *Event) ComputeHash() Hash {
	h := sha256.New()
	var buf [64]byte
	b := buf[:0]
	b = append(b, e.Prev[:]...)
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = append(b, e.ID[:]...)
	h.Write(b)
	b = buf[:0]
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(e.Type)))
	h.Write(b)
	h.Write([]byte(e.Type))
	b = buf[:0]
	b = append(b, e.Actor.ID[:]...)
	b = binary.AppendUvarint(b, uint64(len(e.Actor.Role)))
	h.Write(b)
	h.Write([]byte(e.Actor.Role))
	b = buf[:0]
	b = binary.AppendUvarint(b, uint64(len(e.Data)))
	h.Write(b)
	h.Write(e.Data)
	if e.End {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}
	var out Hash
	h.Sum(out[:0])
	return out
}

// AppendJSON appends the event as one line of JSON, without the newline.
// It writes the same bytes as encoding/json would, only faster, because the
// journal writes one line per event.
func (e *Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"id":"`...)
	b = appendID(b, e.ID)
	b = append(b, `","time":"`...)
	b = e.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","type":`...)
	b = appendName(b, e.Type)
	b = append(b, `,"actor":{`...)
	if !e.Actor.ID.IsZero() {
		b = append(b, `"id":"`...)
		b = appendID(b, e.Actor.ID)
		b = append(b, `",`...)
	}
	b = append(b, `"role":`...)
	b = appendName(b, string(e.Actor.Role))
	b = append(b, `},"data":`...)
	if len(e.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Data...)
	}
	if e.End {
		b = append(b, `,"end":true`...)
	}
	b = append(b, `,"prev":"`...)
	b = appendHex(b, e.Prev[:])
	b = append(b, `","hash":"`...)
	b = appendHex(b, e.Hash[:])
	b = append(b, `"}`...)
	return b
}

// ParseEvent decodes one journal line written by [Event.AppendJSON]. The
// line must be in exactly that canonical form, byte for byte, so that no
// change to a journal goes unnoticed (encoding/json alone would accept a
// key in another case, for one). It checks the shape, not the hash chain.
func ParseEvent(line []byte) (Event, error) {
	if e, ok := parseCanonical(line); ok {
		return e, nil
	}
	var e Event
	if err := json.Unmarshal(line, &e); err != nil {
		return Event{}, fmt.Errorf("not a journal event: %w", err)
	}
	if e.Seq == 0 || e.Type == "" || len(e.Data) == 0 {
		return Event{}, fmt.Errorf("journal event lacks seq, type or data")
	}
	var buf [1024]byte // a contribution's line is 700 to 900 bytes
	if !bytes.Equal(e.AppendJSON(buf[:0]), line) {
		return Event{}, fmt.Errorf("journal line is not in canonical form")
	}
	return e, nil
}

// parseCanonical reads a line in the canonical form by position, without
// reflection — replay reads every line of a journal — and confirms the
// form by writing the event again. ok is false for anything else, which
// ParseEvent then reads the slow way to say what is wrong.
func parseCanonical(line []byte) (e Event, ok bool) {
	rest := line
	take := func(prefix string) bool {
		if !bytes.HasPrefix(rest, []byte(prefix)) {
			return false
		}
		rest = rest[len(prefix):]
		return true
	}
	until := func(c byte) ([]byte, bool) {
		i := bytes.IndexByte(rest, c)
		if i < 0 {
			return nil, false
		}
		v := rest[:i]
		rest = rest[i:]
		return v, true
	}
	if !take(`{"seq":`) {
		return e, false
	}
	digits, ok := until(',')
	if !ok || len(digits) == 0 || len(digits) > 20 {
		return e, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return e, false
		}
		e.Seq = e.Seq*10 + uint64(c-'0')
	}
	if !take(`,"id":"`) || len(rest) < 36 {
		return e, false
	}
	id, err := ParseID(string(rest[:36]))
	if err != nil {
		return e, false
	}
	e.ID, rest = id, rest[36:]
	if !take(`","time":"`) {
		return e, false
	}
	ts, ok := until('"')
	if !ok {
		return e, false
	}
	if e.Time, err = time.Parse(time.RFC3339Nano, string(ts)); err != nil {
		return e, false
	}
	if !take(`","type":"`) {
		return e, false
	}
	typ, ok := until('"')
	if !ok {
		return e, false
	}
	e.Type = string(typ)
	if !take(`","actor":{`) {
		return e, false
	}
	if take(`"id":"`) {
		if len(rest) < 36 {
			return e, false
		}
		if e.Actor.ID, err = ParseID(string(rest[:36])); err != nil {
			return e, false
		}
		rest = rest[36:]
		if !take(`",`) {
			return e, false
		}
	}
	if !take(`"role":"`) {
		return e, false
	}
	role, ok := until('"')
	if !ok {
		return e, false
	}
	e.Actor.Role = Role(role)
	if !take(`"},"data":`) {
		return e, false
	}
	const tail = len(`,"prev":"`) + 64 + len(`","hash":"`) + 64 + len(`"}`)
	if len(rest) < tail {
		return e, false
	}
	data, suffix := rest[:len(rest)-tail], rest[len(rest)-tail:]
	if bytes.HasSuffix(data, []byte(`,"end":true`)) {
		e.End, data = true, data[:len(data)-len(`,"end":true`)]
	}
	rest = suffix
	if !take(`,"prev":"`) || e.Prev.UnmarshalText(rest[:64]) != nil {
		return e, false
	}
	rest = rest[64:]
	if !take(`","hash":"`) || e.Hash.UnmarshalText(rest[:64]) != nil {
		return e, false
	}
	if len(data) == 0 || !json.Valid(data) || e.Seq == 0 || e.Type == "" {
		return e, false
	}
	// The line may be a reused buffer.
	e.Data = append(json.RawMessage(nil), data...)
	var buf [1024]byte // a contribution's line is 700 to 900 bytes
	if !bytes.Equal(e.AppendJSON(buf[:0]), line) {
		return e, false
	}
	return e, true
}

// appendName quotes an event type or role: registered names of plain
// letters, digits, dots and underscores go as they are; anything else
// (never seen from the store) is quoted the slow way.
func appendName(b []byte, s string) []byte {
	if validEventName(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return strconv.AppendQuote(b, s)
}

const hexDigits = "0123456789abcdef"

func appendHex(b, src []byte) []byte {
	for _, c := range src {
		b = append(b, hexDigits[c>>4], hexDigits[c&0x0f])
	}
	return b
}

func appendID(b []byte, id ID) []byte {
	b = appendHex(b, id[0:4])
	b = append(b, '-')
	b = appendHex(b, id[4:6])
	b = append(b, '-')
	b = appendHex(b, id[6:8])
	b = append(b, '-')
	b = appendHex(b, id[8:10])
	b = append(b, '-')
	return appendHex(b, id[10:16])
}

// EventData is the payload of an event. Each module declares one type per
// event and registers it with [Handle].
type EventData interface {
	// EventType returns the event's name, "module.what_happened".
	EventType() string
}

// JSONAppender is implemented by event payloads of high-volume events
// that encode themselves faster than encoding/json would. The bytes must
// be compact JSON that encoding/json decodes into the same payload. The
// store uses it only for event types marked with [SelfEncoding]: a
// payload that embeds a JSONAppender has its method too, and the
// embedded AppendJSON would leave the payload's other fields out.
type JSONAppender interface {
	AppendJSON(b []byte) []byte
}

// EventMeta is what an applier knows about the event besides its payload.
type EventMeta struct {
	Seq   uint64
	ID    ID
	Time  time.Time
	Actor Actor
}

// EventType registers one kind of event with the store: how to decode its
// payload and how to apply it to the tables. Build it with [Handle].
type EventType struct {
	// Name is the event's type name.
	Name string
	// Anonymous events keep their time only to the hour, carry an id from
	// [NewHourID], and record an actor without an id, whatever command
	// emits them (FB-1, PRIV-1). Every event of an anonymous command is
	// treated so, whatever its type ([Tx.Anonymous]).
	Anonymous bool
	payload   reflect.Type
	// appends: the payload writes its own JSON ([SelfEncoding]).
	appends bool
	decode  func(data []byte) (EventData, error)
	apply   func(tx *Tx, m EventMeta, d EventData) error
}

// Handle builds the [EventType] for payload type T with the applier that
// writes it into the tables. Appliers run both when a command emits the
// event and when the journal is replayed, so they must depend only on the
// payload and the meta, never on the clock or on randomness.
func Handle[T EventData](apply func(tx *Tx, m EventMeta, d T) error) EventType {
	// Only the type assertion needs T; the rest is shared by every
	// payload type, so each one adds little to a binary (the browser
	// demo's module carries some sixty).
	t := newEventType(reflect.TypeOf((*T)(nil)).Elem())
	name, fn := t.Name, any(apply)
	t.apply = func(tx *Tx, m EventMeta, d EventData) error {
		if v, ok := d.(T); ok {
			return fn.(func(*Tx, EventMeta, T) error)(tx, m, v)
		}
		return wrongPayload(name, d)
	}
	return t
}

// wrongPayload is the error of the applier of event name given another
// type's payload.
func wrongPayload(name string, d EventData) error {
	return Errorf(EINTERNAL, "event %s applied with payload %T", name, d)
}

// newEventType is [Handle] without its type parameter and applier; the
// name is the EventType of the payload's zero value.
func newEventType(payload reflect.Type) EventType {
	fast := canonicalReads && readsCanonical(payload)
	return EventType{
		Name:    reflect.Zero(payload).Interface().(EventData).EventType(),
		payload: payload,
		decode: func(data []byte) (EventData, error) {
			v := reflect.New(payload)
			// canonicalReads is a constant: the browser's build drops this.
			if canonicalReads && fast {
				if readCanonical(v, data) {
					return v.Elem().Interface().(EventData), nil
				}
				v = reflect.New(payload) // what the reading by position filled in goes
			}
			if err := json.Unmarshal(data, v.Interface()); err != nil {
				return nil, err
			}
			return v.Elem().Interface().(EventData), nil
		},
	}
}

// SelfEncoding marks t's payload as writing its own JSON: [Tx.Emit]
// uses its AppendJSON ([JSONAppender]) instead of encoding/json. Only the
// module that declares the payload type marks it.
func SelfEncoding(t EventType) EventType {
	t.appends = true
	return t
}

// AnonymousEvent marks t as anonymous (see [EventType.Anonymous]).
func AnonymousEvent(t EventType) EventType {
	t.Anonymous = true
	return t
}

func validEventName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
