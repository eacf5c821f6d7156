package participation

import (
	"slices"
	"sort"
	"strings"
)

// Lang is a language tag for labels and readings: fi, sv or en. Data such
// as survey questions may carry other tags (the Sámi languages se, smn,
// sms); labels of the library's own enums exist in the three below.
type Lang string

// The languages every label of the library is written in.
const (
	Finnish Lang = "fi"
	Swedish Lang = "sv"
	English Lang = "en"
)

// Langs lists the label languages, Finnish first.
var Langs = []Lang{Finnish, Swedish, English}

// Labels holds one text in the three label languages.
type Labels struct {
	Fi string `json:"fi"`
	Sv string `json:"sv"`
	En string `json:"en"`
}

// In returns the text in lang, falling back to Finnish for any other tag.
func (l Labels) In(lang Lang) string {
	switch lang {
	case Swedish:
		return l.Sv
	case English:
		return l.En
	default:
		return l.Fi
	}
}

// Labeled is implemented by every enum of the library.
type Labeled interface {
	Label(lang Lang) string
}

// EnumLabels is a table of labels for the values of a string enum; the
// zero value of the map type is an empty table. Domain packages build
// their enums' Label methods on it.
type EnumLabels[T ~string] map[T]Labels

// Label returns the label of v in lang, or v itself when v is unknown.
func (t EnumLabels[T]) Label(v T, lang Lang) string {
	if l, ok := t[v]; ok {
		return l.In(lang)
	}
	return string(v)
}

// OneOf lists the enum's values for an error message, in alphabetical
// order: "a, b or c".
func (t EnumLabels[T]) OneOf() string {
	values := make([]string, 0, len(t))
	for v := range t {
		values = append(values, string(v))
	}
	sort.Slice(values, func(i, j int) bool { return values[i] < values[j] })
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// CheckChoices validates a list of the enum's values: each one a value of
// the enum and none twice, so never more of them than the enum has. An
// empty list is refused with the message empty, unless empty is "".
func (t EnumLabels[T]) CheckChoices(field string, values []T, empty string) error {
	if len(values) == 0 && empty != "" {
		return Invalid(field, "%s", empty)
	}
	if len(values) > len(t) {
		return Invalid(field, "has %d values; there are only %d to choose from: %s", len(values), len(t), t.OneOf())
	}
	for i, v := range values {
		if !t.Has(v) {
			return Invalid(field, "%q is not one of %s", v, t.OneOf())
		}
		if slices.Contains(values[:i], v) {
			return Invalid(field, "%q is chosen twice", v)
		}
	}
	return nil
}

// Has reports whether v is a value of the enum.
func (t EnumLabels[T]) Has(v T) bool {
	_, ok := t[v]
	return ok
}
