package participation

import (
	"reflect"
	"slices"
	"strings"

	"github.com/osallisuus/osallisuus/internal/scrub"
)

// FieldClass says what a text field of an event holds (PRIV-2). Every
// string field of every registered event type, and every sealed one, has
// exactly one class in the store's field table ([Store.Fields]); a test
// fails on a field the table does not list.
type FieldClass string

// The classes of event fields.
const (
	// FieldSealed is personal data or free text written by or about a
	// named person, scrubbed (if text) and sealed under that person's key:
	// erasing the person makes it unreadable everywhere. The rule's Key
	// says whose key.
	FieldSealed FieldClass = "sealed"
	// FieldScrubbed is free text that names no one: anonymous feedback
	// and what is made from it, scrubbed of identity codes, phone
	// numbers, e-mail addresses and IBANs before it is stored.
	FieldScrubbed FieldClass = "scrubbed"
	// FieldCode is a code, an enum, a key or a hash: no free text.
	FieldCode FieldClass = "code"
	// FieldOrganisation is text the organisation writes in its own role
	// (a decision's reason, a response, a panel's minutes and statements,
	// labels, names of panels and courses). It is kept as written and
	// must not name clients; people appear in events by id only.
	FieldOrganisation FieldClass = "organisation"
)

var fieldClassLabels = EnumLabels[FieldClass]{
	FieldSealed:       {Fi: "Sinetöity henkilötieto", Sv: "Förseglad personuppgift", En: "Sealed personal data"},
	FieldScrubbed:     {Fi: "Siistitty vapaa teksti", Sv: "Rensad fritext", En: "Scrubbed free text"},
	FieldCode:         {Fi: "Koodi", Sv: "Kod", En: "Code"},
	FieldOrganisation: {Fi: "Organisaation teksti", Sv: "Organisationens text", En: "Organisation text"},
}

// Label returns the class's name in lang.
func (c FieldClass) Label(lang Lang) string { return fieldClassLabels.Label(c, lang) }

// Valid reports whether c is a field class.
func (c FieldClass) Valid() bool { return fieldClassLabels.Has(c) }

// FieldRule classifies one field of one event type.
type FieldRule struct {
	// Event is the event type, as "module.what_happened".
	Event string
	// Path is the field's JSON name, nested with dots; "[]" follows a
	// list, "{}" a map's values and "{key}" a map's keys:
	// "volunteers[].service", "question{}".
	Path string
	// Class is what the field holds.
	Class FieldClass
	// Key, for sealed fields, says under whose key the field is sealed:
	// the field of the event that names the person ("client"), or the
	// person it leads to ("the goal's client").
	Key string
}

// Fields returns the field table of every registered module, by event
// type and path.
func (s *Store) Fields() []FieldRule {
	out := slices.Clone(s.fields)
	slices.SortFunc(out, func(a, b FieldRule) int {
		if c := strings.Compare(a.Event, b.Event); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

// EventTypes returns the registered event types, by name.
func (s *Store) EventTypes() []EventType {
	out := make([]EventType, 0, len(s.events))
	for _, et := range s.events {
		out = append(out, *et)
	}
	slices.SortFunc(out, func(a, b EventType) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Payload returns the Go type of the event's payload.
func (t EventType) Payload() reflect.Type { return t.payload }

// SelfEncoded reports whether the event's payload writes its own JSON
// ([SelfEncoding]).
func (t EventType) SelfEncoded() bool { return t.appends }

// ErasedText stands in the state, in exports and in answers for free
// text whose writer (or the person it is about) was erased (PRIV-2).
const ErasedText = "[poistettu]"

// SealText scrubs free text written by or about subject (identity codes,
// phone numbers, e-mail addresses and IBANs give way to markers) and
// seals it under subject's key, so that erasing subject erases it
// (PRIV-2). Empty text seals to the zero Sealed. Text about a subject
// already erased is not kept at all: it seals to an empty box under the
// subject, which opens as [ErasedText].
func SealText(tx *Tx, subject ID, text string) (Sealed, error) {
	if text == "" {
		return Sealed{}, nil
	}
	if subject.IsZero() {
		return Sealed{}, Invalid("subject", "sealed text needs the id of the person it is about")
	}
	if _, erased, err := Lookup[*Erasure](tx, tableErasures, "id", subject); err != nil {
		return Sealed{}, err
	} else if erased {
		return Sealed{Subject: subject}, nil
	}
	clean, _ := scrub.Scrub(text)
	return tx.Seal(subject, []byte(clean))
}

// OpenText opens text sealed by [SealText]: the text, "" for the zero
// Sealed, or [ErasedText] once the subject is erased. Appliers put what
// it returns into rows, and each module's erasure hook
// ([Module.Erase]) replaces the same text when the subject is erased, so
// a live store and a replayed one hold the same.
func OpenText(v *Vault, s Sealed) (string, error) {
	if s.IsZero() {
		return "", nil
	}
	if len(s.Box) == 0 {
		return ErasedText, nil // sealed after its subject was erased
	}
	b, err := v.Open(s)
	if ErrorCode(err) == EERASED {
		return ErasedText, nil
	}
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Erased returns ErasedText for text that is not empty, and "" for "":
// what an erasure hook writes over a text sealed under the erased
// subject.
func Erased(text string) string {
	if text == "" {
		return ""
	}
	return ErasedText
}

// sealTexts seals each text under subject's key, in order.
func sealTexts(tx *Tx, subject ID, texts ...string) ([]Sealed, error) {
	out := make([]Sealed, len(texts))
	for i, t := range texts {
		var err error
		if out[i], err = SealText(tx, subject, t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// openTexts opens each sealed text with [OpenText], in order.
func openTexts(tx *Tx, sealed ...Sealed) ([]string, error) {
	out := make([]string, len(sealed))
	for i, s := range sealed {
		var err error
		if out[i], err = OpenText(tx.Vault(), s); err != nil {
			return nil, err
		}
	}
	return out, nil
}
