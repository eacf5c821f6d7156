//go:build !(js && wasm)

package participation

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"sync"
	"time"
	"unicode/utf8"
)

// The contribution loop's events are most of a county's journal, and
// encoding/json's reflection was a quarter of a replay's time. On a
// server they write and read their own canonical bytes: exactly those
// encoding/json writes, so a journal does not depend on which build wrote
// it (the browser's build, kept small, uses encoding/json). A read by
// position is trusted only if the payload it gives writes the same bytes
// again; anything else — escapes, another key order, spaces — is read by
// encoding/json (see [newEventType]).

// canonicalJSON is implemented by the kernel's high-volume payloads (on a
// server) that write the bytes encoding/json writes for them without its
// reflection; ok is false where they cannot, and encoding/json writes
// them.
type canonicalJSON interface {
	EventData
	appendJSON(b []byte) (_ []byte, ok bool)
}

// canonicalParser is implemented by a pointer to such a payload that
// reads those bytes by position, reporting false for any other form.
type canonicalParser interface {
	canonicalJSON
	parseJSON(data []byte) bool
}

// writesAgain reports whether p, read from data by position, writes data
// again: only then is the reading trusted, for encoding/json would read
// those bytes into the same payload.
func writesAgain(p canonicalJSON, data []byte) bool {
	bp := canonicalBufs.Get().(*[]byte)
	b, ok := p.appendJSON((*bp)[:0])
	ok = ok && bytes.Equal(b, data)
	*bp = b
	canonicalBufs.Put(bp)
	return ok
}

var canonicalBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// canonicalReads: payloads may write and read their own JSON.
const canonicalReads = true

// readsCanonical reports whether the payload type reads its own JSON:
// one of the loop's six events itself. A module's payload that embeds one
// has its methods, promoted, but fields of its own in its JSON, so it is
// written and read by encoding/json.
func readsCanonical(payload reflect.Type) bool {
	switch payload {
	case reflect.TypeFor[ContributionReceived](), reflect.TypeFor[ContributionAcknowledged](),
		reflect.TypeFor[ContributionConsidered](), reflect.TypeFor[ContributionDecided](),
		reflect.TypeFor[ContributionImplemented](), reflect.TypeFor[ContributionReportedBack]():
		return true
	}
	return false
}

// readCanonical reads data into *v by position, if it is canonical.
func readCanonical(v reflect.Value, data []byte) bool {
	p := v.Interface().(canonicalParser)
	return p.parseJSON(data) && writesAgain(p, data)
}

// encodeCanonical writes d's JSON without reflection, if it can: into a
// buffer of the pool, and then a copy of the line's own length. One
// allocation, where a guessed capacity took two for a contribution's
// (384 bytes, then 704 for its 521) and kept the larger.
func encodeCanonical(d EventData) ([]byte, bool) {
	c, ok := d.(canonicalJSON)
	if !ok || !readsCanonical(reflect.TypeOf(d)) {
		return nil, false
	}
	buf := canonicalBufs.Get().(*[]byte)
	out, ok := c.appendJSON((*buf)[:0])
	var data []byte
	if ok {
		data = bytes.Clone(out)
	}
	if cap(out) <= 64<<10 {
		*buf = out[:0]
		canonicalBufs.Put(buf)
	}
	return data, ok
}

func (d ContributionReceived) appendJSON(b []byte) ([]byte, bool) {
	var ok bool
	b = append(b, `{"contribution":`...)
	b = appendIDJSON(b, d.Contribution)
	b = append(b, `,"source":{"module":`...)
	b = appendJSONString(b, d.Source.Module)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, d.Source.Kind)
	if !d.Source.Ref.IsZero() {
		b = append(b, `,"ref":`...)
		b = appendIDJSON(b, d.Source.Ref)
	}
	b = append(b, `},"level":`...)
	b = appendJSONString(b, string(d.Level))
	if d.Scope != "" {
		b = append(b, `,"scope":`...)
		b = appendJSONString(b, string(d.Scope))
	}
	b = append(b, `,"origin":`...)
	b = appendJSONString(b, string(d.Origin))
	if d.Unit != "" {
		b = append(b, `,"unit":`...)
		b = appendJSONString(b, d.Unit)
	}
	if d.Service != "" {
		b = append(b, `,"service":`...)
		b = appendJSONString(b, d.Service)
	}
	b = append(b, `,"title":`...)
	b = appendJSONString(b, d.Title)
	if !d.SealedTitle.IsZero() {
		s := d.SealedTitle
		b = append(b, `,"sealedTitle":{"subject":`...)
		b = appendIDJSON(b, s.Subject)
		b = append(b, `,"nonce":`...)
		b = appendBytesJSON(b, s.Nonce)
		b = append(b, `,"box":`...)
		b = appendBytesJSON(b, s.Box)
		b = append(b, '}')
	}
	if len(d.Contributors) > 0 {
		b = append(b, `,"contributors":[`...)
		for i, id := range d.Contributors {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIDJSON(b, id)
		}
		b = append(b, ']')
	}
	if !d.Group.IsZero() {
		b = append(b, `,"group":`...)
		b = appendIDJSON(b, d.Group)
	}
	b = append(b, `,"acknowledgeBy":`...)
	if b, ok = appendTimeJSON(b, d.AcknowledgeBy); !ok {
		return b, false
	}
	b = append(b, `,"respondBy":`...)
	if b, ok = appendTimeJSON(b, d.RespondBy); !ok {
		return b, false
	}
	if d.RecordedBy != "" {
		b = append(b, `,"recordedBy":`...)
		b = appendJSONString(b, string(d.RecordedBy))
	}
	return append(b, '}'), true
}

func (d *ContributionReceived) parseJSON(data []byte) bool {
	r := jsonIn{b: data, ok: true}
	r.must(`{"contribution":`)
	d.Contribution = r.id()
	r.must(`,"source":{"module":`)
	d.Source.Module = r.str()
	r.must(`,"kind":`)
	d.Source.Kind = r.str()
	if r.lit(`,"ref":`) {
		d.Source.Ref = r.id()
	}
	r.must(`},"level":`)
	d.Level = Level(r.str())
	if r.lit(`,"scope":`) {
		d.Scope = Scope(r.str())
	}
	r.must(`,"origin":`)
	d.Origin = Origin(r.str())
	if r.lit(`,"unit":`) {
		d.Unit = r.str()
	}
	if r.lit(`,"service":`) {
		d.Service = r.str()
	}
	r.must(`,"title":`)
	d.Title = r.str()
	if r.lit(`,"sealedTitle":{"subject":`) {
		d.SealedTitle.Subject = r.id()
		r.must(`,"nonce":`)
		d.SealedTitle.Nonce = r.bytes()
		r.must(`,"box":`)
		d.SealedTitle.Box = r.bytes()
		r.must(`}`)
	}
	if r.lit(`,"contributors":[`) {
		for r.ok {
			d.Contributors = append(d.Contributors, r.id())
			if !r.lit(`,`) {
				break
			}
		}
		r.must(`]`)
	}
	if r.lit(`,"group":`) {
		d.Group = r.id()
	}
	r.must(`,"acknowledgeBy":`)
	d.AcknowledgeBy = r.time()
	r.must(`,"respondBy":`)
	d.RespondBy = r.time()
	if r.lit(`,"recordedBy":`) {
		d.RecordedBy = Role(r.str())
	}
	r.must(`}`)
	return r.end()
}

// appendStep writes the payload the plain steps share: the contribution,
// a note and whether the step was implicit.
func appendStep(b []byte, id ID, note string, implicit bool) []byte {
	b = append(b, `{"contribution":`...)
	b = appendIDJSON(b, id)
	if note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, note)
	}
	if implicit {
		b = append(b, `,"implicit":true`...)
	}
	return append(b, '}')
}

func parseStep(data []byte, id *ID, note *string, implicit *bool) bool {
	r := jsonIn{b: data, ok: true}
	r.must(`{"contribution":`)
	*id = r.id()
	if r.lit(`,"note":`) {
		*note = r.str()
	}
	if implicit != nil && r.lit(`,"implicit":true`) {
		*implicit = true
	}
	r.must(`}`)
	return r.end()
}

func (d ContributionAcknowledged) appendJSON(b []byte) ([]byte, bool) {
	return appendStep(b, d.Contribution, d.Note, d.Implicit), true
}

func (d *ContributionAcknowledged) parseJSON(data []byte) bool {
	return parseStep(data, &d.Contribution, &d.Note, &d.Implicit)
}

func (d ContributionConsidered) appendJSON(b []byte) ([]byte, bool) {
	return appendStep(b, d.Contribution, d.Note, d.Implicit), true
}

func (d *ContributionConsidered) parseJSON(data []byte) bool {
	return parseStep(data, &d.Contribution, &d.Note, &d.Implicit)
}

func (d ContributionImplemented) appendJSON(b []byte) ([]byte, bool) {
	return appendStep(b, d.Contribution, d.Note, false), true
}

func (d *ContributionImplemented) parseJSON(data []byte) bool {
	return parseStep(data, &d.Contribution, &d.Note, nil)
}

func (d ContributionDecided) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, `{"contribution":`...)
	b = appendIDJSON(b, d.Contribution)
	b = append(b, `,"decision":`...)
	b = appendJSONString(b, string(d.Decision))
	if d.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, d.Reason)
	}
	return append(b, '}'), true
}

func (d *ContributionDecided) parseJSON(data []byte) bool {
	r := jsonIn{b: data, ok: true}
	r.must(`{"contribution":`)
	d.Contribution = r.id()
	r.must(`,"decision":`)
	d.Decision = Decision(r.str())
	if r.lit(`,"reason":`) {
		d.Reason = r.str()
	}
	r.must(`}`)
	return r.end()
}

func (d ContributionReportedBack) appendJSON(b []byte) ([]byte, bool) {
	b = append(b, `{"contribution":`...)
	b = appendIDJSON(b, d.Contribution)
	b = append(b, `,"response":`...)
	b = appendJSONString(b, d.Response)
	return append(b, '}'), true
}

func (d *ContributionReportedBack) parseJSON(data []byte) bool {
	r := jsonIn{b: data, ok: true}
	r.must(`{"contribution":`)
	d.Contribution = r.id()
	r.must(`,"response":`)
	d.Response = r.str()
	r.must(`}`)
	return r.end()
}

// appendJSONString appends s as encoding/json quotes it: as it is when
// nothing in it is escaped, else by encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	if !plainJSON(s) {
		q, _ := json.Marshal(s) // a string always encodes
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainJSON reports whether encoding/json writes s between quotes with
// nothing escaped: valid UTF-8 without control characters, quotes,
// backslashes, the three characters it escapes for HTML, or the two line
// separators it escapes for JavaScript.
func plainJSON(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}

// appendIDJSON appends an ID as its MarshalText writes it, quoted.
func appendIDJSON(b []byte, id ID) []byte {
	b = append(b, '"')
	if !id.IsZero() {
		b = appendID(b, id)
	}
	return append(b, '"')
}

// appendBytesJSON appends bytes as encoding/json does: base64, or null.
func appendBytesJSON(b []byte, v []byte) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, v)
	return append(b, '"')
}

// appendTimeJSON appends t as its MarshalJSON does; ok is false where
// that fails (a year outside 0–9999).
func appendTimeJSON(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	return append(b, '"'), err == nil
}

// jsonIn reads canonical JSON by position. A read that finds anything
// else clears ok, and the reads after it do nothing.
type jsonIn struct {
	b  []byte
	ok bool
}

// lit reads s if it comes next.
func (r *jsonIn) lit(s string) bool {
	if !r.ok || len(r.b) < len(s) || string(r.b[:len(s)]) != s {
		return false
	}
	r.b = r.b[len(s):]
	return true
}

// must reads s, which has to come next.
func (r *jsonIn) must(s string) {
	if !r.lit(s) {
		r.ok = false
	}
}

// token reads a string with its quotes. One with an escape in it is left
// to encoding/json.
func (r *jsonIn) token() []byte {
	if !r.ok || len(r.b) == 0 || r.b[0] != '"' {
		r.ok = false
		return nil
	}
	for i := 1; i < len(r.b); i++ {
		switch r.b[i] {
		case '"':
			t := r.b[:i+1]
			r.b = r.b[i+1:]
			return t
		case '\\':
			r.ok = false
			return nil
		}
	}
	r.ok = false
	return nil
}

func (r *jsonIn) str() string {
	t := r.token()
	if len(t) < 2 {
		return ""
	}
	return string(t[1 : len(t)-1])
}

func (r *jsonIn) id() ID {
	var id ID
	if t := r.token(); len(t) >= 2 && id.UnmarshalText(t[1:len(t)-1]) != nil {
		r.ok = false
	}
	return id
}

func (r *jsonIn) time() time.Time {
	var t time.Time
	if tok := r.token(); r.ok && t.UnmarshalJSON(tok) != nil {
		r.ok = false
	}
	return t
}

// bytes reads base64 as encoding/json does, or null.
func (r *jsonIn) bytes() []byte {
	if r.lit("null") {
		return nil
	}
	t := r.token()
	if len(t) < 2 {
		return nil
	}
	v, err := base64.StdEncoding.AppendDecode([]byte{}, t[1:len(t)-1])
	if err != nil {
		r.ok = false
	}
	return v
}

// end reports whether everything read and nothing is left.
func (r *jsonIn) end() bool { return r.ok && len(r.b) == 0 }

var (
	_ canonicalJSON = ContributionReceived{}
	_ canonicalJSON = ContributionAcknowledged{}
	_ canonicalJSON = ContributionConsidered{}
	_ canonicalJSON = ContributionDecided{}
	_ canonicalJSON = ContributionImplemented{}
	_ canonicalJSON = ContributionReportedBack{}
)
