//go:build !(js && wasm)

package participation

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// canonicalTypes is every registered event type whose payload writes and
// reads its own JSON, from the store's registry, so that a payload that
// takes it up later is checked without anyone adding it here.
func canonicalTypes(t testing.TB) []EventType {
	s, err := Open(context.Background(), &Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []EventType
	for _, et := range s.EventTypes() {
		if readsCanonical(et.payload) {
			out = append(out, et)
		}
	}
	if len(out) < 6 {
		t.Fatalf("%d event types read their own JSON; the contribution loop's six should", len(out))
	}
	return out
}

// awkward are strings encoding/json escapes, or writes as they are.
var awkward = []string{"", "yksikkö_03", "Ehdotus: \"iltavastaanotto\"", `a\b`, "<b>&", "rivi\nrivi\t\x01",
	"\xff\xfe", "\u2028\u2029", "Ärrä ja öljy", "日本", "emoji 🙂", strings.Repeat("x", 300)}

// fillAwkward sets v to a random value of its type: zero or not, with
// strings that need escapes, empty and nil slices, times in other zones
// and outside the years encoding/json can write.
func fillAwkward(t testing.TB, v reflect.Value, rnd *rand.Rand) {
	if rnd.IntN(5) == 0 {
		return // the zero value
	}
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		zones := []*time.Location{time.UTC, time.FixedZone("EET", 2*3600), time.FixedZone("", -(3*3600 + 30*60))}
		tm := time.Unix(1_700_000_000+rnd.Int64N(1e9), rnd.Int64N(3)*rnd.Int64N(1e9)).In(zones[rnd.IntN(len(zones))])
		if rnd.IntN(20) == 0 {
			tm = time.Date(10000+rnd.IntN(5), 1, 1, 0, 0, 0, 0, time.UTC) // encoding/json refuses it
		}
		v.Set(reflect.ValueOf(tm))
	case v.Type() == reflect.TypeFor[ID]():
		for i := range v.Len() {
			v.Index(i).SetUint(uint64(rnd.IntN(256)))
		}
	case v.Kind() == reflect.String:
		v.SetString(awkward[rnd.IntN(len(awkward))])
	case v.Kind() == reflect.Bool:
		v.SetBool(true)
	case v.Kind() == reflect.Slice:
		n := rnd.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillAwkward(t, s.Index(i), rnd)
		}
		v.Set(s)
	case v.Kind() == reflect.Uint8:
		v.SetUint(uint64(rnd.IntN(256)))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			fillAwkward(t, v.Field(i), rnd)
		}
	default:
		t.Fatalf("a %s, which the test cannot fill", v.Type())
	}
}

// sameDecoding checks that the event type reads data as encoding/json
// does: the same payload, or an error where it errs.
func sameDecoding(t testing.TB, et EventType, data []byte) {
	t.Helper()
	got, err := et.decode(data)
	ref := reflect.New(et.payload)
	refErr := json.Unmarshal(data, ref.Interface())
	if (err == nil) != (refErr == nil) {
		t.Fatalf("%s %s: read with error %v, encoding/json's %v", et.Name, data, err, refErr)
	}
	if err == nil && !reflect.DeepEqual(got, ref.Elem().Interface()) {
		t.Fatalf("%s %s: read\n%#v\nencoding/json reads\n%#v", et.Name, data, got, ref.Elem().Interface())
	}
}

// variants are other forms of the same JSON, and some broken ones: none
// is canonical, so each is left to encoding/json.
func variants(data []byte) [][]byte {
	var indented bytes.Buffer
	_ = json.Indent(&indented, data, "", "  ")
	var asMap map[string]any
	_ = json.Unmarshal(data, &asMap)
	sorted, _ := json.Marshal(asMap) // keys in another order
	extra := append(bytes.Clone(data[:len(data)-1]), `,"extra":1}`...)
	upper := bytes.Replace(data, []byte(`"contribution":`), []byte(`"Contribution":`), 1)
	escaped := bytes.Replace(data, []byte(`":"`), []byte(`":"\u0041`), 1)
	doubled := append([]byte(`{"contribution":"",`), data[1:]...)
	// Raw bytes that JSON does not allow in a string, or that
	// encoding/json replaces, in a string field.
	var invalid, control []byte
	for _, key := range []string{`"title":"`, `"note":"`, `"response":"`, `"decision":"`} {
		if k := bytes.Index(data, []byte(key)); k >= 0 {
			k += len(key)
			invalid = slices.Concat(data[:k], []byte("\xff"), data[k:])
			control = slices.Concat(data[:k], []byte("\x01"), data[k:])
			break
		}
	}
	return [][]byte{indented.Bytes(), sorted, extra, upper, escaped, doubled, invalid, control, data[:len(data)-1], append(bytes.Clone(data), ' '), append(bytes.Clone(data), 'x')}
}

// TestCanonicalJSON: the contribution loop's events write exactly the
// bytes encoding/json writes, and read any bytes exactly as encoding/json
// reads them — the canonical ones by position, the rest by encoding/json —
// over random payloads with every field zero or set, strings that need
// escapes, and times outside the years JSON can hold.
func TestCanonicalJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(15, 2026))
	for _, et := range canonicalTypes(t) {
		t.Run(et.Name, func(t *testing.T) {
			fast := 0
			for range 400 {
				v := reflect.New(et.payload)
				fillAwkward(t, v.Elem(), rnd)
				d := v.Elem().Interface().(canonicalJSON)
				want, werr := json.Marshal(d)
				got, ok := d.appendJSON(nil)
				if werr != nil {
					if ok {
						t.Fatalf("%#v: written as %s where encoding/json fails: %v", d, got, werr)
					}
					continue
				}
				if !ok || !bytes.Equal(got, want) {
					t.Fatalf("%#v\nwritten as %s (ok %v)\nencoding/json writes %s", d, got, ok, want)
				}
				sameDecoding(t, et, want)
				if p := reflect.New(et.payload).Interface().(canonicalParser); p.parseJSON(want) && writesAgain(p, want) {
					fast++
				}
				for _, other := range variants(want) {
					sameDecoding(t, et, other)
				}
			}
			// Most payloads have a string that needs an escape; the rest
			// must be read by position, or the fast path is dead code.
			if fast < 40 {
				t.Fatalf("only %d of 400 payloads were read by position", fast)
			}
		})
	}
}

// FuzzCanonicalJSON: whatever the bytes, the contribution loop's events
// read them as encoding/json does.
func FuzzCanonicalJSON(f *testing.F) {
	types := canonicalTypes(f)
	rnd := rand.New(rand.NewPCG(1, 1))
	for i, et := range types {
		for range 3 {
			v := reflect.New(et.payload)
			fillAwkward(f, v.Elem(), rnd)
			if data, err := json.Marshal(v.Interface()); err == nil {
				f.Add(uint8(i), data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		sameDecoding(t, types[int(which)%len(types)], data)
	})
}

// BenchmarkDecodeReceived: reading a contribution's first event by
// position against encoding/json's reading of the same bytes.
func BenchmarkDecodeReceived(b *testing.B) {
	d := ContributionReceived{Contribution: ID{1, 2}, Source: Source{Module: "kunta", Kind: "idea"}, Level: LevelDialogue, Origin: OriginClient,
		Unit: "yksikko_01", Service: "palvelu_00", Title: "Ehdotus 1: iltavastaanotto kerran viikossa", Contributors: []ID{{7}},
		AcknowledgeBy: time.Date(2024, 1, 15, 8, 0, 0, 0, time.UTC), RespondBy: time.Date(2024, 3, 31, 8, 0, 0, 0, time.UTC)}
	data, _ := json.Marshal(d)
	et := newEventType(reflect.TypeFor[ContributionReceived]())
	for _, how := range []string{"canonical", "encoding-json"} {
		b.Run(how, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if how == "canonical" {
					if _, err := et.decode(data); err != nil {
						b.Fatal(err)
					}
				} else {
					var v ContributionReceived
					if err := json.Unmarshal(data, &v); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// minutesDecided is a module's payload that embeds a loop event and adds
// a field of its own: the loop event's methods are promoted to it, its
// JSON is not the loop event's.
type minutesDecided struct {
	ContributionDecided
	Meeting ID `json:"meeting"`
}

func (minutesDecided) EventType() string { return "minutes.decided" }

// ownAppender writes its own JSON, as feedback's high-volume events do;
// its module marks its event type [SelfEncoding].
type ownAppender struct {
	Note string `json:"note"`
}

func (ownAppender) EventType() string { return "minutes.own" }

// AppendJSON writes the note as it is, without the escapes for HTML that
// encoding/json adds: valid JSON for the notes of these tests, and a way
// to tell who wrote it.
func (o ownAppender) AppendJSON(b []byte) []byte {
	b = append(b, `{"note":"`...)
	b = append(b, o.Note...)
	return append(b, `"}`...)
}

// minutesNoted embeds a payload that writes its own JSON, whose
// AppendJSON is promoted to it.
type minutesNoted struct {
	ownAppender
	Meeting ID `json:"meeting"`
}

func (minutesNoted) EventType() string { return "minutes.noted" }

// TestCanonicalJSONOnlyItsOwnTypes: a module's payload that embeds one of
// the loop's events, or a payload that writes its own JSON
// ([JSONAppender]), is written and read by encoding/json — every field of
// it — not by the embedded payload's own JSON, in every line of the
// journal and after a reopen; the payload it embeds writes its own.
func TestCanonicalJSONOnlyItsOwnTypes(t *testing.T) {
	t.Run("a_loop_event", func(t *testing.T) {
		embeddedJournalled(t, minutesDecided{ContributionDecided: ContributionDecided{Contribution: ID{1}, Decision: Adopted, Reason: "perustelu"}, Meeting: ID{2}},
			[]FieldRule{{"minutes.decided", "decision", FieldCode, ""}, {"minutes.decided", "reason", FieldOrganisation, ""}})
		if readsCanonical(reflect.TypeFor[minutesDecided]()) {
			t.Fatal("a payload that embeds a loop event is taken to read its own JSON")
		}
	})
	t.Run("a_JSONAppender", func(t *testing.T) {
		embeddedJournalled(t, minutesNoted{ownAppender: ownAppender{Note: "muistio"}, Meeting: ID{2}},
			[]FieldRule{{"minutes.noted", "note", FieldOrganisation, ""}})
		own := SelfEncoding(Handle(func(*Tx, EventMeta, ownAppender) error { return nil }))
		s, err := Open(context.Background(), &Config{Modules: []Module{{Name: "minutes", Events: []EventType{own},
			Actions: []ActionRule{{Action: "minutes.own", Roles: []Role{RoleStaff}, Doc: "note"}},
			Fields:  []FieldRule{{"minutes.own", "note", FieldOrganisation, ""}}}}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var data []byte
		if err := s.Exec(context.Background(), Actor{ID: ID{3}, Role: RoleStaff}, "minutes.own", func(tx *Tx) error {
			if err := tx.Emit(ownAppender{Note: "<b>"}); err != nil {
				return err
			}
			data = tx.events[0].Data
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if string(data) != `{"note":"<b>"}` { // encoding/json would write \u003cb\u003e
			t.Fatalf("a self-encoding payload was written as %s, not by its AppendJSON", data)
		}
	})
}

// embeddedJournalled emits d in a module of its own, and checks its
// journal line against encoding/json and what replay applies against d.
func embeddedJournalled[T interface {
	EventData
	comparable
}](t *testing.T, d T, fields []FieldRule) {
	ctx := context.Background()
	j := NewMemoryJournal()
	var applied []T
	cfg := func() *Config {
		return &Config{Journal: j, Modules: []Module{{
			Name: "minutes",
			Events: []EventType{Handle(func(tx *Tx, m EventMeta, d T) error {
				applied = append(applied, d)
				return nil
			})},
			Actions: []ActionRule{{Action: "minutes.record", Roles: []Role{RoleStaff}, Doc: "record a decision in the minutes"}},
			Fields:  fields,
		}}}
	}
	s, err := Open(ctx, cfg())
	if err != nil {
		t.Fatal(err)
	}
	staff := Actor{ID: ID{3}, Role: RoleStaff}
	if err := s.Exec(ctx, staff, "minutes.record", func(tx *Tx) error { return tx.Emit(d) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	want, _ := json.Marshal(d)
	seen := 0
	if err := j.Read(ctx, 1, func(e Event) error {
		if e.Type == d.EventType() {
			seen++
			if !bytes.Equal(e.Data, want) {
				t.Errorf("journalled as %s; encoding/json writes %s", e.Data, want)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen != 1 {
		t.Fatalf("%d %s events in the journal, want 1", seen, d.EventType())
	}
	applied = nil
	s, err = Open(ctx, cfg())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(applied) != 1 || applied[0] != d {
		t.Fatalf("replay applied %+v, want %+v", applied, d)
	}
}
